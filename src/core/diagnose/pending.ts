import type { Node, Pod } from '../k8s/types';
import { parseQuantity } from '../health/quantity';
import { podAffinityFailures } from './affinity';
import { volumeFailures } from './volumes';
import { formatResource, matches, podRequests, specOf, type Toleration } from './spec';
import { cause, evidence, note, type DiagnoseInput, type Finding, type Section } from './types';

interface NodeVerdict {
  readonly node: string;
  /** Filters that rejected the pod on this node, in the scheduler's words where it has them. */
  readonly failures: readonly string[];
  /** resource → shortfall (request − free) where the resource is the only thing in the way. */
  readonly short: ReadonlyMap<string, { need: number; free: number; allocatable: number; used: number }>;
  readonly onlyResources: boolean;
}

const tolerates = (
  tolerations: readonly Toleration[],
  taint: { key: string; value?: string; effect: string },
) =>
  tolerations.some(
    (t) =>
      (t.effect === undefined || t.effect === '' || t.effect === taint.effect) &&
      (t.operator === 'Exists'
        ? t.key === undefined || t.key === '' || t.key === taint.key
        : t.key === taint.key && (t.value ?? '') === (taint.value ?? '')),
  );

/** What the pods already bound to a node request (terminal pods hold nothing). */
function requestedOn(
  node: string,
  pods: readonly Pod[],
  self: Pod,
): { sums: Map<string, number>; count: number } {
  const sums = new Map<string, number>();
  let count = 0;
  for (const p of pods) {
    if (p === self || p.spec?.nodeName !== node) continue;
    if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
    count++;
    for (const [k, v] of podRequests(p)) sums.set(k, (sums.get(k) ?? 0) + v);
  }
  return { sums, count };
}

function judgeNode(pod: Pod, node: Node, input: DiagnoseInput): NodeVerdict {
  const name = node.metadata?.name ?? '?';
  const spec = specOf(pod);
  const labels = node.metadata?.labels ?? {};
  const failures: string[] = [];
  let placement = false;
  if (node.spec?.unschedulable) {
    failures.push('cordoned (spec.unschedulable)');
    placement = true;
  }
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready && ready.status !== 'True') {
    failures.push('node not Ready');
    placement = true;
  }
  for (const taint of node.spec?.taints ?? []) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (tolerates(spec.tolerations ?? [], taint)) continue;
    failures.push(`untolerated taint ${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`);
    placement = true;
  }
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) {
    if (labels[k] === v) continue;
    failures.push(
      `nodeSelector ${k}=${v} (node has ${labels[k] === undefined ? 'no such label' : `${k}=${labels[k]}`})`,
    );
    placement = true;
  }
  const terms =
    spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms && terms.length > 0) {
    const fields: Record<string, string> = { 'metadata.name': name };
    const ok = terms.some(
      (t) =>
        (t.matchExpressions ?? []).every((r) => matches(r, labels)) &&
        (t.matchFields ?? []).every((r) => matches(r, fields)),
    );
    if (!ok) {
      failures.push("required node affinity doesn't match the node's labels");
      placement = true;
    }
  }
  const volumes = volumeFailures(pod, node, input);
  if (volumes.length > 0) {
    failures.push(...volumes);
    placement = true;
  }
  const affinity = podAffinityFailures(pod, node, input.state.nodes, input.state.pods);
  if (affinity.length > 0) {
    failures.push(...affinity);
    placement = true;
  }
  const allocatable = node.status?.allocatable ?? node.status?.capacity ?? {};
  const { sums, count } = requestedOn(name, input.state.pods, pod);
  const maxPods = parseQuantity(allocatable['pods']);
  if (Number.isFinite(maxPods) && count + 1 > maxPods)
    failures.push(`Too many pods (${count} of ${maxPods})`);
  const short = new Map<string, { need: number; free: number; allocatable: number; used: number }>();
  for (const [resource, need] of podRequests(pod)) {
    if (need <= 0) continue;
    const alloc = parseQuantity(allocatable[resource]);
    const total = Number.isFinite(alloc) ? alloc : 0;
    const used = sums.get(resource) ?? 0;
    const free = total - used;
    if (need > free) {
      short.set(resource, { need, free, allocatable: total, used });
      failures.push(
        `Insufficient ${resource}: requests ${formatResource(resource, need)}, free ${formatResource(resource, Math.max(0, free))} (${formatResource(resource, total)} allocatable − ${formatResource(resource, used)} requested by ${count} pods)`,
      );
    }
  }
  const onlyResources = !placement && short.size > 0 && failures.length === short.size;
  return { node: name, failures, short, onlyResources };
}

/** True when the pod waits for the scheduler (no node yet). */
export function isUnscheduled(pod: Pod): boolean {
  if (pod.spec?.nodeName || pod.metadata?.deletionTimestamp) return false;
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  return scheduled?.status === 'False' || (pod.status?.phase ?? 'Pending') === 'Pending';
}

/**
 * The scheduler's filters, node by node, with numbers, and the smallest change that would make
 * the pod fit. A bound volume's node affinity and zone are judged when its PersistentVolume is
 * known (read, or in the snapshot); what is not known is named as unknown rather than guessed.
 */
export function explainPending(pod: Pod, input: DiagnoseInput): Section {
  const findings: Finding[] = [];
  const ns = pod.metadata?.namespace ?? '';
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.message) findings.push(evidence(`Scheduler: ${scheduled.message}`));
  const requests = podRequests(pod);
  if (requests.size > 0)
    findings.push(
      note(`Pod requests: ${[...requests].map(([k, v]) => `${k} ${formatResource(k, v)}`).join(', ')}`),
    );
  for (const v of specOf(pod).volumes ?? []) {
    const claim = (v['persistentVolumeClaim'] as { claimName?: string } | undefined)?.claimName;
    if (!claim) continue;
    const claims = input.inventory.claims;
    const found = claims?.find((c) => c.namespace === ns && c.name === claim);
    if (claims && !found) findings.push(cause(`PersistentVolumeClaim ${claim} does not exist in ${ns}`));
    else if (found && found.phase !== 'Bound')
      findings.push(
        cause(
          `PersistentVolumeClaim ${claim} is ${found.phase ?? 'not bound'}${found.storageClassName ? ` (StorageClass ${found.storageClassName})` : ''}: the pod waits for it to bind`,
        ),
      );
  }
  const nodes = input.state.nodes;
  const verdicts = nodes.map((n) => judgeNode(pod, n, input));
  const table: string[][] = [['Node', 'Fits', 'Why not']];
  for (const v of verdicts)
    table.push([v.node, v.failures.length === 0 ? 'yes' : 'no', v.failures.join('; ') || '—']);
  const fitting = verdicts.filter((v) => v.failures.length === 0);
  if (nodes.length === 0)
    findings.push(note('No nodes are known (not listed, or no permission): the filters cannot be judged.'));
  else if (fitting.length > 0)
    findings.push(
      note(
        `${fitting.length}/${nodes.length} nodes pass these filters (${fitting.map((v) => v.node).join(', ')}): the cause is elsewhere — volume binding, existing pods' anti-affinity, or the scheduler has not retried yet.`,
      ),
    );
  else {
    findings.push(cause(`0/${nodes.length} nodes fit: ${summariseFailures(verdicts)}`));
    findings.push(...smallestChange(verdicts, requests));
  }
  return { title: 'Why it is Pending', findings, table };
}

function summariseFailures(verdicts: readonly NodeVerdict[]): string {
  const counts = new Map<string, number>();
  for (const v of verdicts)
    for (const f of v.failures) {
      const key = f.replace(/:.*$/, '').replace(/ \(.*$/, '');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
}

/** Fewest things to change: lower one request to the most free on a node, or free that much there. */
function smallestChange(verdicts: readonly NodeVerdict[], requests: Map<string, number>): Finding[] {
  const out: Finding[] = [];
  const resourceOnly = verdicts.filter((v) => v.onlyResources);
  if (resourceOnly.length > 0) {
    // The node needing the least total change in its only-short resources.
    const best = [...resourceOnly].sort((a, b) => gap(a) - gap(b))[0];
    if (best) {
      const parts = [...best.short].map(([r, s]) => ({
        lower: `lower the ${r} request to ${formatResource(r, Math.max(0, s.free))}`,
        free: `free ${formatResource(r, s.need - s.free)} of ${r} on ${best.node}`,
      }));
      out.push(
        cause(
          `Smallest change: ${parts.map((p) => p.lower).join(' and ')}, or ${parts.map((p) => p.free).join(' and ')}${[...best.short].some(([, s]) => s.need > s.allocatable) ? ' (the request is larger than the whole node: add a bigger node or split the work)' : ''}.`,
        ),
      );
    }
  } else {
    const taints = new Set<string>();
    for (const v of verdicts)
      for (const f of v.failures) if (f.startsWith('untolerated taint ')) taints.add(f.slice(18));
    const placementOnly = verdicts.filter((v) => v.short.size === 0);
    if (taints.size > 0 && placementOnly.length > 0)
      out.push(
        cause(
          `Smallest change: add a toleration for ${[...taints].join(' or ')} (only if the pod belongs on those nodes), or remove the taint.`,
        ),
      );
    else if (
      verdicts.some((v) =>
        v.failures.some((f) => f.startsWith('volume node affinity') || f.startsWith('no available volume')),
      )
    )
      out.push(
        cause(
          "Smallest change: run the pod where its volume is — a node in the volume's zone (add one, or make room there) — or recreate the volume there; a StorageClass with volumeBindingMode: WaitForFirstConsumer creates volumes where the pod is scheduled.",
        ),
      );
    else if (
      verdicts.some((v) =>
        v.failures.some((f) => f.startsWith('nodeSelector') || f.startsWith('required node')),
      )
    )
      out.push(
        cause(
          "Smallest change: make the nodeSelector/affinity match an existing node's labels, or label a node.",
        ),
      );
  }
  if (requests.size === 0) out.push(note('The pod requests nothing: resources are not what stops it.'));
  return out;
}

const gap = (v: NodeVerdict) =>
  [...v.short.values()].reduce((n, s) => n + (s.need - s.free) / Math.max(s.need, 1e-9), 0);
