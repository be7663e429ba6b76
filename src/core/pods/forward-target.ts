import type { LabelSelector, Pod, Service } from '../k8s/types';

/**
 * Which pod a port-forward to a Service or a workload goes to. `kubectl port-forward svc/x` picks
 * one pod when it starts and fails once that pod is gone; here every new local connection asks
 * again, so a forward outlives the pod it started on (the pods of a rollout, an evicted pod).
 */

/** The remote side of a forward: one pod, or whichever ready pod is behind a Service or workload. */
export interface ForwardTarget {
  /** `Pod`, `Service` or a workload kind (`Deployment`, `StatefulSet`, …). */
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** The pod port; for a Service, the Service port the user picked (what the forward is named after). */
  readonly port: number;
  /** A Service's targetPort: a number, or a container port name each pod resolves for itself. */
  readonly targetPort?: number | string;
}

/** A pod and the port of it that a connection goes to. */
export interface PodRoute {
  readonly pod: string;
  readonly port: number;
}

/** Ready as an Endpoints controller counts it: condition Ready=True and not being deleted. */
export function podReady(pod: Pod): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  if (pod.status?.phase !== 'Running') return false;
  return (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * A Service port's targetPort on one pod: a number is used as it is; a name is looked up among the
 * pod's container ports (pods of one Service may give the same name different numbers).
 */
export function resolvePodPort(pod: Pod, targetPort: number | string): number | undefined {
  if (typeof targetPort === 'number') return targetPort;
  if (/^\d+$/.test(targetPort)) return Number(targetPort);
  for (const c of pod.spec?.containers ?? [])
    for (const p of c.ports ?? [])
      if (p.name === targetPort && p.containerPort !== undefined) return p.containerPort;
  return undefined;
}

/** The targetPort of a Service port (defaulting to the port itself, as the API does). */
export function serviceTargetPort(service: Service, port: number): number | string | undefined {
  const entry = (service.spec?.ports ?? []).find((p) => p.port === port);
  if (!entry) return undefined;
  return entry.targetPort ?? port;
}

/** The Service's selector as a LabelSelector; undefined when it selects no pods by itself. */
export function serviceSelector(service: Service): LabelSelector | undefined {
  const selector = service.spec?.selector;
  return selector && Object.keys(selector).length > 0 ? { matchLabels: selector } : undefined;
}

/**
 * The `labelSelector` query parameter for a LabelSelector (the API's own string syntax), so the
 * API server filters pods instead of the client.
 */
export function selectorQuery(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

/**
 * The pod a new connection goes to. `candidates` are the pods behind the target (the caller
 * filters by selector or owner). The pod in use is kept while it stays ready, so connections of
 * one page load land on one pod; otherwise the oldest ready pod (the one least likely to be on
 * its way out of a rollout), by name among equals. `avoid` names pods a connection just failed on.
 */
export function choosePod(
  target: ForwardTarget,
  candidates: readonly Pod[],
  current?: string,
  avoid: ReadonlySet<string> = new Set(),
): PodRoute | undefined {
  const routes: (PodRoute & { created: string })[] = [];
  for (const pod of candidates) {
    const name = pod.metadata?.name ?? '';
    if (!name || avoid.has(name) || !podReady(pod)) continue;
    const port = target.targetPort === undefined ? target.port : resolvePodPort(pod, target.targetPort);
    if (port === undefined) continue;
    routes.push({ pod: name, port, created: pod.metadata?.creationTimestamp ?? '' });
  }
  const kept = routes.find((r) => r.pod === current);
  const chosen =
    kept ?? routes.sort((a, b) => a.created.localeCompare(b.created) || a.pod.localeCompare(b.pod))[0];
  return chosen && { pod: chosen.pod, port: chosen.port };
}

/** Why no pod can take a connection, in words for the forward's error list. */
export function noPodMessage(target: ForwardTarget, candidates: readonly Pod[]): string {
  const what = `${target.kind} ${target.namespace}/${target.name}`;
  if (candidates.length === 0) return `no pods behind ${what}`;
  const ready = candidates.filter(podReady);
  if (ready.length === 0) return `none of the ${candidates.length} pods behind ${what} is ready`;
  if (typeof target.targetPort === 'string')
    return `no ready pod behind ${what} has a container port named "${String(target.targetPort)}"`;
  return `no ready pod behind ${what}`;
}

/** How a forward reads in the status bar: `svc/grafana:3000` or `grafana-5d8f-x2:3000`. */
export function targetLabel(target: ForwardTarget): string {
  if (target.kind === 'Pod') return `${target.name}:${target.port}`;
  const short: Record<string, string> = {
    Service: 'svc',
    Deployment: 'deploy',
    StatefulSet: 'sts',
    DaemonSet: 'ds',
    ReplicaSet: 'rs',
    Job: 'job',
  };
  return `${short[target.kind] ?? target.kind.toLowerCase()}/${target.name}:${target.port}`;
}
