import { isMap, isPair, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { Commented, type Emittable } from '../../edit/emit';
import { get, getMap, getSeq, mapItems, num, pairOf, scalar, str } from '../../manifest/nodes';
import { containerAnchor, containerData, eachContainer, findingContainer, podCarriers } from '../helpers';
import type { ContainerRef } from '../../manifest/objects';
import type { FixContext, Rule, RuleContext } from '../types';

/** Long-running pods only: Jobs and CronJobs run to completion, probes make little sense there. */
const probeCarriers: ReadonlySet<string> = new Set(
  [...podCarriers].filter((k) => k !== 'Job' && k !== 'CronJob'),
);
const HTTP_PORTS = new Set([80, 443, 3000, 8000, 8080, 8081, 8443, 8888, 9090, 9000, 12345]);

function ports(ctx: RuleContext | FixContext, c: ContainerRef) {
  return mapItems(getSeq(c.node, 'ports', ctx.doc), ctx.doc).map(({ node }) => ({
    name: str(node, 'name', ctx.doc),
    number: num(node, 'containerPort', ctx.doc),
  }));
}

/** An httpGet probe on a web-looking port, else tcpSocket; undefined without ports (no guessing). */
function probeFor(ctx: FixContext, c: ContainerRef, kind: 'readiness' | 'liveness'): Emittable | undefined {
  const list = ports(ctx, c);
  const port =
    list.find((p) => p.name && /http|web|metrics|api|ui/i.test(p.name)) ??
    list.find((p) => p.number !== undefined && HTTP_PORTS.has(p.number)) ??
    list[0];
  if (!port) return undefined;
  const target = port.name ?? port.number ?? 0;
  const web = Boolean(
    (port.name && /http|web|metrics|api|ui/i.test(port.name)) ||
    (port.number !== undefined && HTTP_PORTS.has(port.number)),
  );
  const timing =
    kind === 'readiness'
      ? { initialDelaySeconds: 5, periodSeconds: 10 }
      : { initialDelaySeconds: 15, periodSeconds: 20 };
  return web
    ? { httpGet: { path: new Commented('/', "TODO: the app's health endpoint"), port: target }, ...timing }
    : {
        tcpSocket: { port: new Commented(target, 'TODO: confirm this port answers when healthy') },
        ...timing,
      };
}

function missingProbeRule(
  id: string,
  number: number,
  key: 'readinessProbe' | 'livenessProbe',
  docs: Rule['docs'],
): Rule {
  const kind = key === 'readinessProbe' ? 'readiness' : 'liveness';
  return {
    id,
    number,
    category: 'probes',
    title: `${kind === 'readiness' ? 'Readiness' : 'Liveness'} probe missing`,
    severity: 'warning',
    fixClass: 'scaffold',
    kinds: probeCarriers,
    docs,
    check(ctx) {
      eachContainer(
        ctx,
        (c) => {
          if (get(c.node, key, ctx.doc) !== undefined) return;
          ctx.report({
            message: `Container "${c.name}" has no ${kind} probe: ${kind === 'readiness' ? 'traffic reaches it before it can serve' : 'a hung process is never restarted'}.`,
            at: containerAnchor(c),
            container: c.name,
            data: containerData(c),
            // Without a port any probe would be a guess that could restart a healthy pod.
            fixable: ports(ctx, c).length > 0,
          });
        },
        ['containers'],
      );
    },
    fix: {
      class: 'scaffold',
      title: `Add a ${kind} probe (TODO)`,
      apply(ctx) {
        const found = findingContainer(ctx);
        const probe = found ? probeFor(ctx, found.container, kind) : undefined;
        return found && probe ? ctx.editor.setIn(found.container.node, [key], probe) : undefined;
      },
    },
  };
}

export const readinessProbe = missingProbeRule('readiness-probe', 35, 'readinessProbe', {
  what: 'A container of a long-running workload has no `readinessProbe`.',
  why: "Without it the pod receives traffic as soon as the process starts — before it has connected to its database or Kafka — and keeps receiving it while broken. The seeds' phase 4 added health checks for exactly this.",
  fix: "Add an HTTP probe on the app's health endpoint (or TCP on its port). The scaffold inserts `httpGet` on the first web-looking named port (else the first port), `initialDelaySeconds: 5`, `periodSeconds: 10`, with a TODO for the path. No fix without a declared port.",
  anchors:
    'kube-linter `no-readiness-probe`; Polaris `readinessProbeMissing` (warning, mutation); kube-score `pod-probes`; Kubescape C-0018; Checkov CKV_K8S_9; Datree #12; Popeye POP-102/104.',
});

export const livenessProbe = missingProbeRule('liveness-probe', 36, 'livenessProbe', {
  what: 'A container of a long-running workload has no `livenessProbe`.',
  why: 'A deadlocked process that still runs is never restarted; the pod looks Running for days.',
  fix: 'Add a cheap liveness check, distinct from readiness and more tolerant. The scaffold inserts one like the readiness scaffold with `initialDelaySeconds: 15`, `periodSeconds: 20`. No fix without a declared port.',
  anchors:
    'kube-linter `no-liveness-probe`; Polaris `livenessProbeMissing` (warning, mutation); Kubescape C-0056; Checkov CKV_K8S_8; Datree #11; Popeye POP-102/103.',
});

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;

function probePort(ctx: RuleContext | FixContext, probe: YAMLMap | undefined) {
  const handler =
    getMap(probe, 'httpGet', ctx.doc) ??
    getMap(probe, 'tcpSocket', ctx.doc) ??
    getMap(probe, 'grpc', ctx.doc);
  const pair = pairOf(handler, 'port');
  return handler && pair ? { handler, pair, value: scalar(pair.value ?? undefined) } : undefined;
}

export const probePortExists: Rule = {
  id: 'probe-port-exists',
  number: 37,
  category: 'probes',
  title: 'Probe port not declared',
  severity: 'error',
  fixClass: 'none',
  kinds: podCarriers,
  docs: {
    what: 'A liveness, readiness or startup probe targets a named port the container does not declare, or a number none of its declared ports has.',
    why: 'A probe on a missing named port never succeeds: the pod is never Ready, or is restarted forever — a CrashLoopBackOff with a perfectly healthy app.',
    fix: 'Point the probe at a declared port (prefer names). A quick fix switches it to the first declared port name.',
    anchors: 'kube-linter `liveness-port`★, `readiness-port`★, `startup-port`★; Popeye POP-105.',
  },
  check(ctx) {
    eachContainer(ctx, (c) => {
      const declared = ports(ctx, c);
      for (const key of PROBES) {
        const p = probePort(ctx, getMap(c.node, key, ctx.doc));
        if (!p || ctx.isTemplated(p.pair.value)) continue;
        const bad =
          typeof p.value === 'string' && !/^\d+$/.test(p.value)
            ? !declared.some((d) => d.name === p.value)
            : declared.length > 0 && !declared.some((d) => d.number === Number(p.value));
        if (bad) {
          ctx.report({
            message: `Container "${c.name}" ${key} targets port ${String(p.value)}, which the container does not declare.`,
            at: p.pair.value ?? p.pair,
            container: c.name,
            data: { ...containerData(c), probe: key },
            fixable: declared.some((d) => d.name),
            fixTitle: `Probe port ${declared.find((d) => d.name)?.name ?? ''} instead`,
          });
        }
      }
    });
  },
  fix: {
    class: 'none',
    title: 'Use a declared port',
    apply(ctx) {
      const found = findingContainer(ctx);
      const name = found ? ports(ctx, found.container).find((d) => d.name)?.name : undefined;
      const probe = found
        ? probePort(ctx, getMap(found.container.node, String(ctx.finding.data?.['probe'] ?? ''), ctx.doc))
        : undefined;
      return name && probe?.pair.value ? [ctx.editor.replaceScalar(probe.pair.value, name)] : undefined;
    },
  },
};

/** Structural equality of two YAML nodes, ignoring key order and formatting. */
function same(a: Node | null | undefined, b: Node | null | undefined): boolean {
  if (isScalar(a) && isScalar(b)) return a.value === b.value;
  if (isSeq(a) && isSeq(b))
    return a.items.length === b.items.length && a.items.every((x, i) => same(x as Node, b.items[i] as Node));
  if (isMap(a) && isMap(b)) {
    if (a.items.length !== b.items.length) return false;
    return a.items.every(
      (p) => isPair(p) && isScalar(p.key) && same(p.value as Node, get(b, String(p.key.value))),
    );
  }
  return a === b;
}

export const probesIdentical: Rule = {
  id: 'probes-identical',
  number: 38,
  category: 'probes',
  title: 'Liveness and readiness probes identical',
  severity: 'warning',
  fixClass: 'none',
  kinds: podCarriers,
  docs: {
    what: "A container's liveness and readiness probes are the same check with the same timings.",
    why: 'When a dependency is down both fail together: instead of just taking the pod out of the Service, the kubelet restarts it over and over — a restart storm on top of an outage.',
    fix: 'Make liveness cheaper and more tolerant (process alive, higher failureThreshold) than readiness (dependencies reachable).',
    anchors: 'kube-score `pod-probes-identical`.',
  },
  check(ctx) {
    eachContainer(ctx, (c) => {
      const live = get(c.node, 'livenessProbe', ctx.doc);
      const ready = get(c.node, 'readinessProbe', ctx.doc);
      if (live && ready && same(live, ready))
        ctx.report({
          message: `Container "${c.name}" uses the same check for liveness and readiness.`,
          at: pairOf(c.node, 'livenessProbe'),
          container: c.name,
        });
    });
  },
};

export const probeRules: readonly Rule[] = [readinessProbe, livenessProbe, probePortExists, probesIdentical];
