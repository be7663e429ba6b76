import { isMap, isPair, isScalar, isSeq, type Document, type Node, type YAMLMap } from 'yaml';
import { Commented, type Emittable } from '../../edit/emit';
import { get, getMap, getSeq, mapItems, num, pairOf, resolve, scalar, str } from '../../manifest/nodes';
import type { ContainerRef } from '../../manifest/objects';
import { containerAnchor, containerData, eachContainer, findingContainer, podCarriers } from '../helpers';
import type { FixContext, Rule, RuleContext } from '../types';

/** Long-running pods only: Jobs and CronJobs run to completion, probes make little sense there. */
const probeCarriers: ReadonlySet<string> = new Set(
  [...podCarriers].filter((k) => k !== 'Job' && k !== 'CronJob'),
);

/** Port names and numbers that usually speak HTTP (name contains http/web/metrics, or a
 * well-known web port). */
const WEB_NAME = /http|web|metrics/i;
const METRICS_NAME = /metrics|prometheus|exporter/i;
const TLS_NAME = /https|tls|ssl/i;
const HTTP_PORTS: ReadonlySet<number> = new Set([80, 443, 3000, 8000, 8080, 8081, 8088, 8443, 8888, 9090]);
const TLS_PORTS: ReadonlySet<number> = new Set([443, 8443]);

interface PortInfo {
  readonly name: string | undefined;
  readonly number: number | undefined;
  readonly protocol: string;
}

function ports(ctx: RuleContext | FixContext, c: ContainerRef): PortInfo[] {
  return mapItems(getSeq(c.node, 'ports', ctx.doc), ctx.doc).map(({ node }) => ({
    name: str(node, 'name', ctx.doc),
    number: num(node, 'containerPort', ctx.doc),
    protocol: (str(node, 'protocol', ctx.doc) ?? 'TCP').toUpperCase(),
  }));
}

/** TCP ports a probe could target (UDP and SCTP ports cannot answer httpGet or tcpSocket). */
const probeable = (list: readonly PortInfo[]) =>
  list.filter((p) => p.protocol === 'TCP' && (p.name !== undefined || p.number !== undefined));

const looksWeb = (p: PortInfo) =>
  (p.name !== undefined && WEB_NAME.test(p.name)) || (p.number !== undefined && HTTP_PORTS.has(p.number));
const isMetrics = (p: PortInfo) => p.name !== undefined && METRICS_NAME.test(p.name);

/**
 * The port a scaffolded probe targets: the first web-looking application port (httpGet), else
 * the first named port or the first port (tcpSocket). A metrics port is used only when it is the
 * only port: an exporter that answers does not mean the app does (Kafka's JMX exporter on 9404).
 */
export function probeTarget(
  list: readonly PortInfo[],
): { port: string | number; http: boolean; tls: boolean } | undefined {
  const tcp = probeable(list);
  const app = tcp.filter((p) => !isMetrics(p));
  const pick = app.find(looksWeb) ?? app.find((p) => p.name !== undefined) ?? app[0] ?? tcp[0];
  if (!pick) return undefined;
  const port = pick.name ?? pick.number;
  if (port === undefined) return undefined;
  const tls =
    (pick.name !== undefined && TLS_NAME.test(pick.name)) ||
    (pick.number !== undefined && TLS_PORTS.has(pick.number));
  return { port, http: looksWeb(pick), tls };
}

function probeFor(ctx: FixContext, c: ContainerRef, kind: 'readiness' | 'liveness'): Emittable | undefined {
  const target = probeTarget(ports(ctx, c));
  if (!target) return undefined;
  const timing =
    kind === 'readiness'
      ? { initialDelaySeconds: 5, periodSeconds: 10 }
      : { initialDelaySeconds: 15, periodSeconds: 20 };
  if (!target.http)
    return {
      tcpSocket: { port: new Commented(target.port, 'TODO: confirm this port answers when healthy') },
      ...timing,
    };
  return {
    httpGet: {
      path: new Commented('/', "TODO: the app's health endpoint"),
      port: target.port,
      ...(target.tls ? { scheme: 'HTTPS' } : {}),
    },
    ...timing,
  };
}

const describePorts = (list: readonly PortInfo[]) =>
  `port${list.length === 1 ? '' : 's'} ${list
    .map((p) => `${p.name ?? p.number ?? '?'}${p.protocol === 'TCP' ? '' : `/${p.protocol}`}`)
    .join(', ')}`;

function missingProbeRule(
  id: string,
  number: number,
  key: 'readinessProbe' | 'livenessProbe',
  consequence: string,
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
          if (pairOf(c.node, key)) return;
          const declared = ports(ctx, c);
          // A container that declares no port is a sidecar, a worker or a log shipper: no Service
          // sends it traffic, and the only probe it could get is a guess.
          if (declared.length === 0) return;
          ctx.report({
            message: `Container "${c.name}" serves ${describePorts(declared)} and has no ${kind} probe: ${consequence}.`,
            at: containerAnchor(c),
            container: c.name,
            data: containerData(c),
            // Without a TCP port any probe is a guess, and a wrong liveness guess restarts a
            // healthy pod forever.
            fixable: probeTarget(declared) !== undefined,
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

const SCAFFOLD_DOCS =
  'The scaffold targets the first web-looking application port — a port named like http/web (or metrics, when it is the only port) or a well-known web port (80, 443, 3000, 8080, 8443, 9090…) — with `httpGet` on path `/` (`scheme: HTTPS` for TLS ports) and a TODO comment for the real health path; otherwise `tcpSocket` on the first named port (or the first port). It references the port by name when it has one. With only UDP or SCTP ports there is no fix: a guessed probe could fail forever on a healthy app.';

export const readinessProbe = missingProbeRule(
  'readiness-probe',
  35,
  'readinessProbe',
  'a Service that selects the pod sends it traffic as soon as the process starts, and keeps sending it while the app cannot serve',
  {
    what: 'A container of a long-running workload (not a Job or CronJob) that declares ports has no `readinessProbe`. Containers without ports (sidecars, workers, log shippers) receive no Service traffic and are not reported.',
    why: "Without it a pod counts as ready the moment its process starts — before it has connected to Postgres, Zookeeper or Kafka — and stays in the Service while broken, so users get errors instead of the next replica. Rollouts also proceed on pods that never became healthy. The seeds' phase 4 added health checks to DolphinScheduler, DataHub and Superset after exactly these symptoms.",
    fix: `Probe an endpoint that answers only when the app can serve (dependencies reachable). ${SCAFFOLD_DOCS} Readiness timing: \`initialDelaySeconds: 5\`, \`periodSeconds: 10\`.`,
    anchors:
      'kube-linter `no-readiness-probe`; Polaris `readinessProbeMissing` (warning, mutation: `exec: cat /tmp/healthy`, 5s/5s); kube-score `pod-probes` (only when a Service targets the pod); Kubescape C-0018; Checkov CKV_K8S_9; Datree #12; Popeye POP-102/104.',
  },
);

export const livenessProbe = missingProbeRule(
  'liveness-probe',
  36,
  'livenessProbe',
  'a deadlocked process is never restarted and the pod looks Running while serving nothing',
  {
    what: 'A container of a long-running workload (not a Job or CronJob) that declares ports has no `livenessProbe`. Containers without ports are not reported: the only probe they could get is an `exec` guess.',
    why: 'Only a liveness probe lets the kubelet restart a process that is alive but stuck (deadlock, exhausted pool, wedged JVM). Without it the pod stays Running for days; with a bad one it restarts a healthy app over and over — the CrashLoopBackOffs in the seeds were worsened by probes copied between apps. Keep liveness cheap and tolerant, and distinct from readiness (see `probes-identical`).',
    fix: `Probe something that fails only when a restart helps (the process itself, not its dependencies). ${SCAFFOLD_DOCS} Liveness timing: \`initialDelaySeconds: 15\`, \`periodSeconds: 20\` — slower than readiness, so a slow start is not killed.`,
    anchors:
      'kube-linter `no-liveness-probe`; Polaris `livenessProbeMissing` (warning, mutation); Kubescape C-0056; Checkov CKV_K8S_8; Datree #11; Popeye POP-102/103.',
  },
);

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const PROBE_CONSEQUENCE: Record<(typeof PROBES)[number], string> = {
  readinessProbe: 'the pod never becomes Ready',
  livenessProbe: 'the kubelet restarts a healthy container forever (CrashLoopBackOff)',
  startupProbe: 'the container is killed before it ever counts as started',
};

function probePort(ctx: RuleContext | FixContext, probe: YAMLMap | undefined) {
  const http = getMap(probe, 'httpGet', ctx.doc);
  // A probe against another host says nothing about this container's ports.
  if (http && pairOf(http, 'host')) return undefined;
  const handler = http ?? getMap(probe, 'tcpSocket', ctx.doc) ?? getMap(probe, 'grpc', ctx.doc);
  const pair = pairOf(handler, 'port');
  const value = scalar(pair?.value ?? undefined);
  return pair && (typeof value === 'string' || typeof value === 'number') ? { pair, value } : undefined;
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
    what: "A liveness, readiness or startup probe targets a named port that is not in that container's `ports[].name`, or — when the container declares ports — a number none of its `containerPort`s has.",
    why: 'A named port that does not exist makes the probe fail every time: the pod is never Ready, or the kubelet restarts a perfectly healthy app in a loop — a CrashLoopBackOff that no amount of log reading explains. A number that matches no declared port usually means the port was changed in one place and not the other (a chart upgrade renaming `web` to `http`).',
    fix: 'Point the probe at a declared port, preferably by name (Popeye POP-105), or declare the port. A quick fix (not part of Fix all) switches the probe to the first declared port name; it is offered only when the container has a named port.',
    anchors:
      'kube-linter `liveness-port`★, `readiness-port`★, `startup-port`★; Popeye POP-105 (prefer named ports).',
  },
  check(ctx) {
    eachContainer(ctx, (c) => {
      const declared = ports(ctx, c);
      const firstName = declared.find((d) => d.name !== undefined)?.name;
      for (const key of PROBES) {
        const p = probePort(ctx, getMap(c.node, key, ctx.doc));
        if (!p || ctx.isTemplated(p.pair.value)) continue;
        const named = typeof p.value === 'string' && !/^\d+$/.test(p.value);
        const bad = named
          ? !declared.some((d) => d.name === p.value)
          : declared.length > 0 && !declared.some((d) => d.number === Number(p.value));
        if (!bad) continue;
        const declaredText = declared
          .map((d) =>
            d.name !== undefined ? `${d.name} (${String(d.number ?? '?')})` : String(d.number ?? '?'),
          )
          .join(', ');
        ctx.report({
          message: `Container "${c.name}" ${key} targets port ${named ? `"${String(p.value)}"` : String(p.value)}, but the container declares ${declaredText || 'no ports'}: ${named ? 'the probe can never succeed, so' : 'if nothing listens there,'} ${PROBE_CONSEQUENCE[key]}.`,
          at: p.pair,
          container: c.name,
          data: { ...containerData(c), probe: key },
          fixable: firstName !== undefined,
          ...(firstName !== undefined ? { fixTitle: `Probe port "${firstName}" instead` } : {}),
        });
      }
    });
  },
  fix: {
    class: 'none',
    title: 'Use a declared port name',
    apply(ctx) {
      const found = findingContainer(ctx);
      if (!found) return undefined;
      const name = ports(ctx, found.container).find((d) => d.name !== undefined)?.name;
      const key = ctx.finding.data?.['probe'];
      const probe =
        typeof key === 'string' ? probePort(ctx, getMap(found.container.node, key, ctx.doc)) : undefined;
      return name !== undefined && probe?.pair.value
        ? [ctx.editor.replaceScalar(probe.pair.value, name)]
        : undefined;
    },
  },
};

/** Structural equality of two YAML nodes: key order, quoting, flow/block style and aliases ignored. */
export function sameNode(
  a: Node | null | undefined,
  b: Node | null | undefined,
  doc?: Document.Parsed,
): boolean {
  const x = resolve(a, doc);
  const y = resolve(b, doc);
  if (isScalar(x) && isScalar(y)) return x.value === y.value;
  if (isSeq(x) && isSeq(y))
    return (
      x.items.length === y.items.length &&
      x.items.every((item, i) => sameNode(item as Node, y.items[i] as Node, doc))
    );
  if (isMap(x) && isMap(y)) {
    if (x.items.length !== y.items.length) return false;
    return x.items.every((p) => {
      if (!isPair(p) || !isScalar(p.key)) return false;
      const other = pairOf(y, String(p.key.value));
      return other !== undefined && sameNode(p.value as Node, other.value, doc);
    });
  }
  return x === undefined && y === undefined;
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
    what: "A container's liveness and readiness probes are the same check with the same settings (compared structurally: key order and formatting do not matter).",
    why: 'Readiness answers "should this pod get traffic?", liveness "should it be killed?". When both ask the same question, a slow dependency makes them fail together: instead of just taking the pod out of the Service until the database recovers, the kubelet restarts every replica — a restart storm on top of an outage.',
    fix: 'Make liveness cheaper and more tolerant (a process-level check, a higher `failureThreshold` or longer `periodSeconds`) and let readiness check dependencies. No automatic fix: only you know which endpoint means what.',
    anchors: 'kube-score `pod-probes-identical`.',
  },
  check(ctx) {
    eachContainer(ctx, (c) => {
      const live = pairOf(c.node, 'livenessProbe');
      const ready = get(c.node, 'readinessProbe', ctx.doc);
      if (!live || !ready || ctx.isTemplated(live.value) || ctx.isTemplated(ready)) return;
      if (!sameNode(live.value, ready, ctx.doc)) return;
      ctx.report({
        message: `Container "${c.name}" uses the same check for liveness and readiness: when a dependency is slow the kubelet restarts it instead of just taking it out of the Service.`,
        at: live,
        container: c.name,
      });
    });
  },
};

export const probeRules: readonly Rule[] = [readinessProbe, livenessProbe, probePortExists, probesIdentical];
