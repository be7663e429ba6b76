import type { KubeEvent, KubeObject, Pod } from '../k8s/types';
import { controllerOf } from '../health/ownership';
import { formatAge, parseTime } from '../health/time';
import { keptSince } from './event-archive';
import type { DiagnoseInput, TimelineEntry } from './types';

/** The pod, then each controller up its owner chain (ReplicaSet → Deployment, Job → CronJob). */
export function ownerChain(pod: Pod, input: DiagnoseInput): KubeObject[] {
  const ns = pod.metadata?.namespace;
  const chain: KubeObject[] = [pod];
  const lists: Record<string, readonly KubeObject[]> = {
    ReplicaSet: input.state.replicaSets,
    Deployment: input.state.deployments,
    StatefulSet: input.state.statefulSets,
    DaemonSet: input.state.daemonSets,
    Job: input.state.jobs,
    CronJob: input.state.cronJobs,
  };
  let current: KubeObject = pod;
  for (let i = 0; i < 4; i++) {
    const ref = controllerOf(current);
    if (!ref) break;
    const next: KubeObject | undefined = lists[ref.kind]?.find(
      (o) => o.metadata?.namespace === ns && o.metadata?.name === ref.name,
    );
    chain.push(next ?? { kind: ref.kind, metadata: { name: ref.name, ...(ns ? { namespace: ns } : {}) } });
    if (!next) break;
    current = next;
  }
  return chain;
}

const when = (e: KubeEvent) => e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp;

/** Events about `objects` (matched by uid, else kind/namespace/name), oldest first. */
export function eventsFor(objects: readonly KubeObject[], events: readonly KubeEvent[]): KubeEvent[] {
  const uids = new Set(objects.map((o) => o.metadata?.uid).filter((u): u is string => !!u));
  const names = new Set(
    objects.map((o) => `${o.kind ?? ''}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`),
  );
  return events
    .filter((e) => {
      const io = e.involvedObject;
      if (!io) return false;
      if (io.uid && uids.has(io.uid)) return true;
      return names.has(`${io.kind ?? ''}/${io.namespace ?? ''}/${io.name ?? ''}`);
    })
    .sort((a, b) => (when(a) ?? '').localeCompare(when(b) ?? ''));
}

/** kube-apiserver's --event-ttl default: an event is deleted an hour after its last update. */
const EVENT_TTL_MS = 3_600_000;
/** Events a controller writes right after creating the pod (Scheduled, Pulling) come this soon. */
const FIRST_EVENT_SLACK_MS = 5 * 60_000;

function timelineObjects(pod: Pod, input: DiagnoseInput): KubeObject[] {
  const objects = ownerChain(pod, input);
  const node = pod.spec?.nodeName;
  if (node) objects.push({ kind: 'Node', metadata: { name: node } });
  return objects;
}

/**
 * What the timeline cannot show: for a pod older than the event TTL, the events the API server has
 * already deleted. Undefined when the pod is young, or its first events are still there.
 */
export function expiredEventsNote(pod: Pod, input: DiagnoseInput): string | undefined {
  const created = parseTime(pod.metadata?.creationTimestamp);
  if (created === undefined || input.now - created <= EVENT_TTL_MS) return undefined;
  const earliest = Math.min(
    ...eventsFor([pod], input.state.events).map(
      (e) => parseTime(e.firstTimestamp ?? e.eventTime ?? e.lastTimestamp) ?? Infinity,
    ),
  );
  if (earliest - created <= FIRST_EVENT_SLACK_MS) return undefined;
  const why = `the pod is ${formatAge(input.now - created)} old and the API server deletes events an hour after their last update (kube-apiserver --event-ttl)`;
  return Number.isFinite(earliest)
    ? `Events before ${new Date(earliest).toISOString()} have expired: ${why}.`
    : `No events are left: ${why}, so what happened earlier has expired.`;
}

/** "03:12 UTC" on the day of `now`, else the date too: when Shipshape first saw an expired event. */
function clock(iso: string, now: number): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const [date = '', time = ''] = t.toISOString().split('T');
  const hhmm = `${time.slice(0, 5)} UTC`;
  return date === new Date(now).toISOString().slice(0, 10) ? hhmm : `${date} ${hhmm}`;
}

/**
 * One merged, sorted timeline for the pod, its owners and its node. Events the API server has
 * deleted but Shipshape kept (while connected, or in a snapshot it wrote) say so.
 */
export function timeline(pod: Pod, input: DiagnoseInput): TimelineEntry[] {
  return eventsFor(timelineObjects(pod, input), input.state.events).map((e) => {
    const at = when(e);
    const kept = keptSince(e);
    return {
      ...(at ? { at } : {}),
      ...(kept
        ? {
            keptSince: kept,
            kept: `expired from the API server, kept by Shipshape since ${clock(kept, input.now)}`,
          }
        : {}),
      object: `${e.involvedObject?.kind ?? '?'}/${e.involvedObject?.name ?? '?'}`,
      ...(e.type ? { type: e.type } : {}),
      ...(e.reason ? { reason: e.reason } : {}),
      ...(e.message ? { message: e.message } : {}),
      ...(e.count ? { count: e.count } : {}),
    };
  });
}
