/**
 * The PodDisruptionBudget check: a workload, pods by label, or every multi-replica workload is
 * covered, and no pod is under two budgets.
 */
import type { Node } from 'yaml';
import type { PodDisruptionBudget, Workload } from '../../k8s/types';
import type { CheckDefinition } from '../definition';
import {
  hasLabels,
  inNamespace,
  listed,
  live,
  nameOf,
  named,
  plural,
  refOf,
  selectorSelects,
  selectorText,
  type Facts,
} from '../facts';
import type { Reader } from '../read';
import type { CheckWorkloadKind, Labels, ObjectRef } from '../types';
import {
  paramsSchema,
  params,
  readName,
  readNamespace,
  ref,
  trueFlag,
  workloadKind,
  workloadKindSchema,
} from './params';
import { findWorkload, WORKLOAD_LISTS } from './workloads';

export interface PdbCoversCheck {
  readonly kind: 'pdbCovers';
  readonly namespace: string;
  readonly target:
    | { readonly by: 'workload'; readonly workload: CheckWorkloadKind; readonly name: string }
    | { readonly by: 'selector'; readonly selector: Labels }
    | { readonly by: 'multiReplica' };
}

/** The label sets a target stands for: its live pods' labels, else what its template promises. */
function labelSets(facts: Facts, namespace: string, selector: Labels): Labels[] {
  const pods = facts.pods(namespace).filter((p) => live(p) && hasLabels(p.metadata?.labels, selector));
  return pods.length > 0 ? pods.map((p) => p.metadata?.labels ?? {}) : [selector];
}

const templateLabels = (w: Workload): Labels =>
  w.spec?.template?.metadata?.labels ?? w.spec?.selector?.matchLabels ?? {};

/** The PDBs covering every one of these label sets (a pod under two PDBs cannot be evicted). */
function coveringPdbs(pdbs: readonly PodDisruptionBudget[], sets: readonly Labels[]) {
  const covering = pdbs.filter((pdb) => sets.some((labels) => selectorSelects(pdb.spec?.selector, labels)));
  const uncovered = sets.filter(
    (labels) => !covering.some((pdb) => selectorSelects(pdb.spec?.selector, labels)),
  );
  const doubled = sets.some(
    (labels) => covering.filter((pdb) => selectorSelects(pdb.spec?.selector, labels)).length > 1,
  );
  return { covering, uncovered, doubled };
}

const budget = (pdb: PodDisruptionBudget): string =>
  pdb.spec?.minAvailable !== undefined
    ? `minAvailable ${pdb.spec.minAvailable}`
    : pdb.spec?.maxUnavailable !== undefined
      ? `maxUnavailable ${pdb.spec.maxUnavailable}`
      : 'no budget set';

function parsePdbCovers(node: Node | null, r: Reader): PdbCoversCheck | undefined {
  const p = params(
    node,
    r,
    'pdbCovers',
    ['namespace', 'kind', 'name', 'selector', 'multiReplica'],
    ['namespace'],
  );
  if (!p) return undefined;
  const namespace = readNamespace(p.get('namespace'), r);
  const targets = ['name', 'selector', 'multiReplica'].filter((k) => p.has(k));
  if (targets.length !== 1) {
    r.report(
      node,
      'pdbCovers needs exactly one of "name" (a workload), "selector" (pod labels) or "multiReplica: true".',
    );
    return undefined;
  }
  if (p.has('kind') && !p.has('name')) r.report(p.get('kind'), '"kind" only goes with "name".', 'warning');
  if (!namespace) return undefined;
  if (p.has('name')) {
    const workload = workloadKind(p.get('kind') ?? undefined, r);
    const name = readName(p.get('name'), r, 'workload name');
    return workload && name
      ? { kind: 'pdbCovers', namespace, target: { by: 'workload', workload, name } }
      : undefined;
  }
  if (p.has('selector')) {
    const selector = r.labels(p.get('selector'), 'selector');
    return selector ? { kind: 'pdbCovers', namespace, target: { by: 'selector', selector } } : undefined;
  }
  return trueFlag(p.get('multiReplica'), r, 'pdbCovers')
    ? { kind: 'pdbCovers', namespace, target: { by: 'multiReplica' } }
    : undefined;
}

export const pdbCovers: CheckDefinition<PdbCoversCheck> = {
  kind: 'pdbCovers',
  describe:
    'A PodDisruptionBudget selects a workload (`name`), the pods with some labels (`selector`), or every Deployment/StatefulSet with more than one replica (`multiReplica: true`) — and no pod is under two budgets.',
  schema: {
    ...paramsSchema(['namespace'], {
      namespace: ref('namespace'),
      kind: workloadKindSchema,
      name: ref('name'),
      selector: ref('labels'),
      multiReplica: { const: true },
    }),
    oneOf: [{ required: ['name'] }, { required: ['selector'] }, { required: ['multiReplica'] }],
  },
  parse: parsePdbCovers,
  // A selector target falls back to the selector's own labels when pods are unreadable.
  needs: (check) =>
    check.target.by === 'workload'
      ? ['pdbs', WORKLOAD_LISTS[check.target.workload]]
      : check.target.by === 'multiReplica'
        ? ['pdbs', 'deployments', 'statefulSets']
        : ['pdbs'],
  evaluate(check, facts) {
    const ns = check.namespace;
    const pdbs = facts.state.pdbs.filter((p) => inNamespace(p, ns));
    const pdbRef = (p: PodDisruptionBudget) => refOf('PodDisruptionBudget', p);
    const target = check.target;
    if (target.by === 'multiReplica') {
      const workloads = [
        ...facts.state.deployments.filter((w) => inNamespace(w, ns)).map((w) => ({ w, kind: 'Deployment' })),
        ...facts.state.statefulSets
          .filter((w) => inNamespace(w, ns))
          .map((w) => ({ w, kind: 'StatefulSet' })),
      ].filter(({ w }) => (w.spec?.replicas ?? 1) > 1);
      if (workloads.length === 0)
        return {
          status: 'pass',
          evidence: `No multi-replica Deployments or StatefulSets in ${ns}.`,
          refs: [],
        };
      const bare = workloads.filter(({ w }) => coveringPdbs(pdbs, [templateLabels(w)]).uncovered.length > 0);
      const label = ({ w, kind }: { w: Workload; kind: string }) => `${kind} ${ns}/${nameOf(w)}`;
      if (bare.length === 0)
        return {
          status: 'pass',
          evidence:
            workloads.length === 1
              ? `The one multi-replica workload in ${ns} has a PodDisruptionBudget.`
              : `All ${workloads.length} multi-replica workloads in ${ns} have a PodDisruptionBudget.`,
          refs: named(pdbs.map(pdbRef)),
        };
      return {
        status: 'fail',
        evidence: `${bare.length} of ${plural(workloads.length, 'multi-replica workload')} in ${ns} ${bare.length === 1 ? 'has' : 'have'} no PodDisruptionBudget: ${listed(bare, label)}.`,
        refs: named(bare.map(({ w, kind }) => refOf(kind, w))),
      };
    }
    let subject: string;
    let sets: Labels[];
    let self: ObjectRef[] = [];
    if (target.by === 'workload') {
      const w = findWorkload(facts, target.workload, ns, target.name);
      subject = `${target.workload} ${ns}/${target.name}`;
      if (!w) return { status: 'fail', evidence: `${subject} not found.`, refs: [] };
      sets = [templateLabels(w)];
      self = [refOf(target.workload, w)];
    } else {
      subject = `pods matching ${selectorText(target.selector)} in ${ns}`;
      sets = labelSets(facts, ns, target.selector);
    }
    const { covering, uncovered, doubled } = coveringPdbs(pdbs, sets);
    const refs = [...self, ...named(covering.map(pdbRef))];
    if (uncovered.length > 0)
      return {
        status: 'fail',
        evidence:
          covering.length === 0
            ? `No PodDisruptionBudget in ${ns} selects ${subject}.`
            : `${plural(uncovered.length, 'pod')} of ${subject} are not covered; ${listed(covering, nameOf)} cover the rest.`,
        refs,
      };
    const names = listed(covering, (p) => `${nameOf(p)} (${budget(p)})`);
    if (doubled)
      return {
        status: 'fail',
        evidence: `${subject} are selected by more than one PodDisruptionBudget (${names}): the eviction API refuses such pods, so drains hang.`,
        refs,
      };
    return { status: 'pass', evidence: `PodDisruptionBudget ${names} covers ${subject}.`, refs };
  },
};
