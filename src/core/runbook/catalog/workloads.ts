/**
 * Checks answered from workload rollups and pod labels: a workload's ready replicas, ready pods
 * matching a selector.
 */
import type { Workload } from '../../k8s/types';
import type { CheckDefinition } from '../definition';
import { hasLabels, listed, live, named, plural, qualified, selectorText, type Facts } from '../facts';
import type { CheckWorkloadKind, Labels, ObjectRef } from '../types';
import {
  paramsSchema,
  params,
  readName,
  readNamespace,
  ref,
  workloadKind,
  workloadKindSchema,
} from './params';
import { ranked } from './pods';

export interface WorkloadReadyCheck {
  readonly kind: 'workloadReady';
  readonly workload: CheckWorkloadKind;
  readonly namespace: string;
  readonly name: string;
  /** At least this many ready; without it, every desired replica (and at least one). */
  readonly min?: number;
  /** A workload deliberately scaled to 0 passes (the seeds' "scale down if not needed"). */
  readonly allowScaledToZero?: boolean;
}
export interface PodsReadyCheck {
  readonly kind: 'podsReady';
  readonly namespace: string;
  readonly selector: Labels;
  readonly min: number;
}

export const WORKLOAD_LISTS = {
  Deployment: 'deployments',
  StatefulSet: 'statefulSets',
  DaemonSet: 'daemonSets',
} as const satisfies Record<CheckWorkloadKind, string>;

export function findWorkload(
  facts: Facts,
  kind: CheckWorkloadKind,
  namespace: string,
  name: string,
): Workload | undefined {
  return facts.state[WORKLOAD_LISTS[kind]].find(
    (w) => w.metadata?.namespace === namespace && w.metadata.name === name,
  );
}

export const workloadReady: CheckDefinition<WorkloadReadyCheck> = {
  kind: 'workloadReady',
  describe:
    'A workload has its replicas ready. Example: `{ workloadReady: { namespace: data-platform, name: dolphinscheduler-api, min: 6 } }`.',
  schema: paramsSchema(['namespace', 'name'], {
    kind: workloadKindSchema,
    namespace: ref('namespace'),
    name: ref('name'),
    min: {
      type: 'integer',
      minimum: 1,
      description: 'At least this many ready replicas. Without it: every desired replica, and at least one.',
    },
    allowScaledToZero: { type: 'boolean', description: 'A workload deliberately scaled to 0 passes.' },
  }),
  parse(value, r) {
    const kind = 'workloadReady';
    const p = params(
      value,
      r,
      kind,
      ['kind', 'namespace', 'name', 'min', 'allowScaledToZero'],
      ['namespace', 'name'],
    );
    if (!p) return undefined;
    const workload = workloadKind(p.get('kind') ?? undefined, r);
    const namespace = readNamespace(p.get('namespace'), r);
    const name = readName(p.get('name'), r, 'workload name');
    const min = p.has('min') ? r.number(p.get('min'), 'min', 1, Infinity, true) : undefined;
    const zero = p.has('allowScaledToZero')
      ? r.boolean(p.get('allowScaledToZero'), 'allowScaledToZero')
      : false;
    if (!workload || !namespace || !name || (p.has('min') && min === undefined) || zero === undefined)
      return undefined;
    return {
      kind,
      workload,
      namespace,
      name,
      ...(min !== undefined ? { min } : {}),
      ...(zero ? { allowScaledToZero: true } : {}),
    };
  },
  needs: (check) => [WORKLOAD_LISTS[check.workload]],
  evaluate(check, facts) {
    const { workload: kind, namespace, name } = check;
    const label = `${kind} ${namespace}/${name}`;
    const self: ObjectRef = { kind, namespace, name };
    if (!findWorkload(facts, kind, namespace, name))
      return { status: 'fail', evidence: `${label} not found.`, refs: [] };
    const rollup = facts
      .summary()
      .workloads.find((w) => w.kind === kind && w.namespace === namespace && w.name === name);
    if (!rollup) return { status: 'unknown', evidence: `${label}: no ready count available.`, refs: [self] };
    const { ready, desired } = rollup;
    if (desired === 0 && ready === 0)
      return check.allowScaledToZero
        ? { status: 'pass', evidence: `${label} is scaled to 0 (allowed here).`, refs: [self] }
        : { status: 'fail', evidence: `${label} is scaled to 0 replicas.`, refs: [self] };
    const pass = check.min !== undefined ? ready >= check.min : ready >= desired;
    const need = check.min !== undefined ? `; needs ${check.min}` : '';
    const head = `${label}: ${ready}/${desired} ready${need}`;
    if (pass) return { status: 'pass', evidence: `${head}.`, refs: [self] };
    const pods = ranked(
      facts,
      rollup.pods.flatMap((p) => facts.pod(namespace, p) ?? []),
    ).filter((p) => !p.h.healthy);
    const why = rollup.reason ? ` (${rollup.reason})` : '';
    const list = pods.length > 0 ? `: ${listed(pods, (p) => `${qualified(p.ref)} (${p.h.reason})`)}` : '';
    return {
      status: 'fail',
      evidence: `${head}${why}${list}.`,
      refs: [self, ...named(pods.map((p) => p.ref))],
    };
  },
};

export const podsReady: CheckDefinition<PodsReadyCheck> = {
  kind: 'podsReady',
  describe:
    'At least `min` ready pods carry these labels. Example: `{ podsReady: { namespace: kafka, selector: { strimzi.io/cluster: datahub-kafka }, min: 3 } }`.',
  schema: paramsSchema(['namespace', 'selector'], {
    namespace: ref('namespace'),
    selector: ref('labels'),
    min: { type: 'integer', minimum: 1, default: 1 },
  }),
  parse(value, r) {
    const kind = 'podsReady';
    const p = params(value, r, kind, ['namespace', 'selector', 'min'], ['namespace', 'selector']);
    if (!p) return undefined;
    const namespace = readNamespace(p.get('namespace'), r);
    const selector = r.labels(p.get('selector'), 'selector');
    const min = p.has('min') ? r.number(p.get('min'), 'min', 1, Infinity, true) : 1;
    return namespace && selector && min !== undefined ? { kind, namespace, selector, min } : undefined;
  },
  needs: () => ['pods'],
  evaluate(check, facts) {
    const selector = selectorText(check.selector);
    const pods = ranked(
      facts,
      facts.pods(check.namespace).filter((p) => live(p) && hasLabels(p.metadata?.labels, check.selector)),
    );
    const ready = pods.filter((p) => p.h.healthy);
    const head = `${ready.length} of ${plural(pods.length, 'pod')} ready matching ${selector} in ${check.namespace} (needs ${check.min})`;
    if (pods.length === 0)
      return {
        status: 'fail',
        evidence: `No pods match ${selector} in ${check.namespace} (needs ${check.min}).`,
        refs: [],
      };
    if (ready.length >= check.min)
      return {
        status: 'pass',
        evidence: `${head}: ${listed(ready, (p) => qualified(p.ref))}.`,
        refs: named(ready.map((p) => p.ref)),
      };
    const bad = pods.filter((p) => !p.h.healthy);
    return {
      status: 'fail',
      evidence: `${head}. Not ready: ${listed(bad, (p) => `${qualified(p.ref)} (${p.h.reason})`)}.`,
      refs: named(bad.map((p) => p.ref)),
    };
  },
};
