/**
 * What the Deployment/ReplicaSet and StatefulSet controllers would do, reduced to what Shipshape's
 * remediations need to have visible effects: scale, roll out a new template (restart, new image,
 * a removed `shipshape.dev/simulate`), and report status. The decisions are made on a snapshot
 * of the informers' caches (`View`), so a settled cluster costs no API calls.
 */
import { createHash } from 'node:crypto';
import type { Json, Writer } from './api';
import { suffix, type PodState } from './model';
import { createPod } from './pods';

export interface Meta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion?: string; kind: string; name: string; uid?: string; controller?: boolean }[];
  finalizers?: string[];
  deletionTimestamp?: string;
}
export type Obj = Record<string, unknown> & { metadata?: Meta; spec?: Json; status?: Json };

/** A pod as the simulator keeps it (20,000 full pods would not be worth the memory). */
export interface PodView {
  readonly name: string;
  readonly ready: boolean;
  readonly labels: Record<string, string>;
  readonly node?: string;
}

export interface View {
  /** Live pods controlled by `kind/namespace/name`, counting creations the watch has not shown yet. */
  pods(kind: string, ns: string, name: string): readonly PodView[];
  replicaSets(ns: string, deployment: string): readonly Obj[];
}

export interface SimContext {
  readonly view: View;
  readonly writer: Writer;
  readonly nodes: readonly string[];
  /** First sight of a workload: its template hash and the ReplicaSet/revision it was running. */
  readonly baseline: Map<string, { hash: string; name: string }>;
  created(ns: string, owner: string, pod: PodView): void;
  deleted(ns: string, pod: string): Promise<void>;
  patch(path: string, body: Json): Promise<void>;
  action(): void;
  /** Something is left to do once the watches catch up (a StatefulSet pod name to free). */
  again(): void;
}

export const nameOf = (o: Obj) => o.metadata?.name ?? '';
export const nsOf = (o: Obj) => o.metadata?.namespace ?? '';
const ANNOTATION = 'shipshape.dev/simulate';

/** The simulated state for new pods; it belongs to the image it was declared for. */
export function simulated(template: Json | undefined): PodState {
  const annotations = (template?.['metadata'] as Meta | undefined)?.annotations ?? {};
  const image = (template?.['spec'] as { containers?: { image?: string }[] } | undefined)?.containers?.[0]
    ?.image;
  const forImage = annotations['shipshape.dev/simulate-image'];
  if (forImage && image !== forImage) return 'running';
  return (annotations[ANNOTATION] as PodState | undefined) ?? 'running';
}

/** Hash of what makes a new revision (images, simulated state, restart stamp): a pod-template-hash. */
export function templateHash(template: Json | undefined): string {
  const meta = (template?.['metadata'] ?? {}) as Meta;
  const images = (
    (template?.['spec'] as { containers?: { image?: string }[] } | undefined)?.containers ?? []
  ).map((c) => c.image);
  const key = JSON.stringify([
    images,
    meta.annotations?.[ANNOTATION] ?? '',
    meta.annotations?.['kubectl.kubernetes.io/restartedAt'] ?? '',
  ]);
  return suffix(createHash('sha256').update(key).digest('hex'), 10);
}

const ownerRef = (kind: string, object: Obj) => ({
  apiVersion: 'apps/v1',
  kind,
  name: nameOf(object),
  uid: object.metadata?.uid ?? '',
  controller: true,
  blockOwnerDeletion: true,
});
let serial = 0;
const path = (plural: string, o: Obj) => `/apis/apps/v1/namespaces/${nsOf(o)}/${plural}/${nameOf(o)}`;

/** Writes the status fields that differ (absent numbers count as 0, as the API omits them). */
async function status(sim: SimContext, kind: string, object: Obj, fields: Json): Promise<void> {
  const current = object.status ?? {};
  const same = Object.entries(fields).every(
    ([k, v]) => (current[k] ?? (typeof v === 'number' ? 0 : undefined)) === v,
  );
  if (!same) await sim.writer.status(kind, nsOf(object), nameOf(object), fields);
}

/** The ReplicaSet that runs the Deployment's current template, if there is one yet. */
function currentReplicaSet(sim: SimContext, d: Obj, sets: readonly Obj[], hash: string): Obj | undefined {
  const own = sets.find((rs) => rs.metadata?.annotations?.['shipshape.dev/template-hash'] === hash);
  if (own) return own;
  const key = `Deployment/${nsOf(d)}/${nameOf(d)}`;
  const base = sim.baseline.get(key);
  if (!base) {
    // A loaded (or kubectl-applied) Deployment: whatever runs now is its current template.
    const active = sets.find((rs) => ((rs.spec?.['replicas'] as number | undefined) ?? 0) > 0) ?? sets[0];
    if (!active) return undefined;
    sim.baseline.set(key, { hash, name: nameOf(active) });
    return active;
  }
  return base.hash === hash ? sets.find((rs) => nameOf(rs) === base.name) : undefined;
}

export async function reconcileDeployment(sim: SimContext, d: Obj): Promise<void> {
  if (d.metadata?.deletionTimestamp) return;
  const ns = nsOf(d);
  const spec = (d.spec ?? {}) as { replicas?: number; template?: Json };
  const desired = spec.replicas ?? 1;
  const hash = templateHash(spec.template);
  const sets = sim.view.replicaSets(ns, nameOf(d));
  let current = currentReplicaSet(sim, d, sets, hash);
  const templateMeta = (spec.template?.['metadata'] ?? {}) as Meta;
  if (!current) {
    const labels = { ...templateMeta.labels, 'pod-template-hash': hash };
    current = await sim.writer.create({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${nameOf(d)}-${hash}`,
        namespace: ns,
        labels,
        annotations: { 'shipshape.dev/template-hash': hash },
        ownerReferences: [ownerRef('Deployment', d)],
      },
      spec: {
        replicas: desired,
        selector: { matchLabels: labels },
        template: { ...spec.template, metadata: { ...templateMeta, labels } },
      },
    });
    sim.action();
  }
  // A rollout, all at once: older ReplicaSets go to zero and lose their pods.
  for (const rs of sets) {
    if (nameOf(rs) === nameOf(current)) continue;
    for (const pod of sim.view.pods('ReplicaSet', ns, nameOf(rs))) await sim.deleted(ns, pod.name);
    if ((rs.spec?.['replicas'] as number | undefined) !== 0)
      await sim.patch(path('replicasets', rs), { spec: { replicas: 0 } });
    await status(sim, 'ReplicaSet', rs, {
      replicas: 0,
      fullyLabeledReplicas: 0,
      readyReplicas: 0,
      availableReplicas: 0,
    });
  }
  if ((current.spec?.['replicas'] as number | undefined) !== desired)
    await sim.patch(path('replicasets', current), { spec: { replicas: desired } });
  const pods = sim.view.pods('ReplicaSet', ns, nameOf(current));
  // Scaling down removes unready pods first, like the ReplicaSet controller.
  const surplus = [...pods]
    .sort((a, b) => Number(a.ready) - Number(b.ready))
    .slice(0, Math.max(0, pods.length - desired));
  for (const pod of surplus) await sim.deleted(ns, pod.name);
  const kept = pods.filter((p) => !surplus.includes(p));
  const template = (current.spec?.['template'] ?? spec.template ?? {}) as Json;
  const labels = (template['metadata'] as Meta | undefined)?.labels ?? {};
  const state = simulated(spec.template);
  for (let i = kept.length; i < desired; i++) {
    const name = `${nameOf(current)}-${suffix(`${nameOf(current)}/${Date.now()}/${serial++}`, 5)}`;
    const ctx = { writer: sim.writer, nodes: sim.nodes, now: Date.now(), events: true };
    const pod = { state, restarts: state === 'running' ? 0 : 1 };
    await createPod(ctx, ns, name, labels, template, ownerRef('ReplicaSet', current), pod, i + serial);
    sim.created(ns, `ReplicaSet/${ns}/${nameOf(current)}`, { name, ready: state === 'running', labels });
    sim.action();
  }
  const ready =
    kept.filter((p) => p.ready).length + (state === 'running' ? Math.max(0, desired - kept.length) : 0);
  await status(sim, 'ReplicaSet', current, {
    replicas: desired,
    fullyLabeledReplicas: desired,
    readyReplicas: ready,
    availableReplicas: ready,
    observedGeneration: current.metadata?.generation ?? 1,
  });
  await status(sim, 'Deployment', d, {
    replicas: desired,
    updatedReplicas: desired,
    readyReplicas: ready,
    availableReplicas: ready,
    unavailableReplicas: desired - ready,
    observedGeneration: d.metadata?.generation ?? 1,
  });
}

/** Ordinal pods: missing ordinals are created, surplus ones deleted, a new revision recreates them. */
export async function reconcileStatefulSet(sim: SimContext, s: Obj): Promise<void> {
  if (s.metadata?.deletionTimestamp) return;
  const ns = nsOf(s);
  const name = nameOf(s);
  const spec = (s.spec ?? {}) as { replicas?: number; template?: Json };
  const desired = spec.replicas ?? 1;
  const hash = templateHash(spec.template);
  const pods = sim.view.pods('StatefulSet', ns, name);
  const key = `StatefulSet/${ns}/${name}`;
  let base = sim.baseline.get(key);
  if (!base) {
    base = { hash, name: pods[0]?.labels['controller-revision-hash'] ?? `${name}-${hash}` };
    sim.baseline.set(key, base);
  }
  const revision = base.hash === hash ? base.name : `${name}-${hash}`;
  const ordinal = (pod: PodView) => Number(pod.name.slice(name.length + 1));
  const kept: PodView[] = [];
  for (const pod of pods) {
    if (ordinal(pod) < desired && pod.labels['controller-revision-hash'] === revision) kept.push(pod);
    else await sim.deleted(ns, pod.name);
  }
  const template = spec.template ?? {};
  const state = simulated(spec.template);
  const taken = new Set(pods.map(ordinal));
  let created = 0;
  for (let i = 0; i < desired; i++) {
    if (kept.some((p) => ordinal(p) === i)) continue;
    // A pod deleted for a new revision frees its name once the deletion is seen.
    if (taken.has(i)) {
      sim.again();
      continue;
    }
    const podName = `${name}-${i}`;
    const labels = {
      ...((template['metadata'] as Meta | undefined)?.labels ?? {}),
      'controller-revision-hash': revision,
      'statefulset.kubernetes.io/pod-name': podName,
    };
    const ctx = { writer: sim.writer, nodes: sim.nodes, now: Date.now(), events: true };
    await createPod(ctx, ns, podName, labels, template, ownerRef('StatefulSet', s), { state }, i);
    sim.created(ns, key, { name: podName, ready: state === 'running', labels });
    sim.action();
    created++;
  }
  const ready = kept.filter((p) => p.ready).length + (state === 'running' ? created : 0);
  const live = kept.length + created;
  await status(sim, 'StatefulSet', s, {
    replicas: live,
    readyReplicas: ready,
    availableReplicas: ready,
    currentReplicas: live,
    updatedReplicas: live,
    currentRevision: revision,
    updateRevision: revision,
    observedGeneration: s.metadata?.generation ?? 1,
  });
}

/** A pod per node; a new revision (restart, image) replaces them all. */
export async function reconcileDaemonSet(sim: SimContext, ds: Obj): Promise<void> {
  if (ds.metadata?.deletionTimestamp) return;
  const ns = nsOf(ds);
  const name = nameOf(ds);
  const template = (ds.spec?.['template'] ?? {}) as Json;
  const hash = templateHash(template);
  const pods = sim.view.pods('DaemonSet', ns, name);
  const key = `DaemonSet/${ns}/${name}`;
  let base = sim.baseline.get(key);
  if (!base) {
    base = { hash, name: pods[0]?.labels['controller-revision-hash'] ?? '' };
    sim.baseline.set(key, base);
  }
  const revision = base.hash === hash ? base.name : `${name}-${hash}`;
  const kept: PodView[] = [];
  for (const pod of pods) {
    const current = (pod.labels['controller-revision-hash'] ?? '') === revision;
    if (current && sim.nodes.includes(pod.node ?? '') && !kept.some((p) => p.node === pod.node))
      kept.push(pod);
    else await sim.deleted(ns, pod.name);
  }
  const state = simulated(template);
  let created = 0;
  for (const [i, node] of sim.nodes.entries()) {
    if (kept.some((p) => p.node === node)) continue;
    const podName = `${name}-${suffix(`${name}/${node}/${Date.now()}/${serial++}`, 5)}`;
    const labels = {
      ...((template['metadata'] as Meta | undefined)?.labels ?? {}),
      ...(revision ? { 'controller-revision-hash': revision } : {}),
    };
    const ctx = { writer: sim.writer, nodes: sim.nodes, now: Date.now(), events: true };
    await createPod(ctx, ns, podName, labels, template, ownerRef('DaemonSet', ds), { state, node }, i);
    sim.created(ns, key, { name: podName, ready: state === 'running', labels, node });
    sim.action();
    created++;
  }
  const ready = kept.filter((p) => p.ready).length + (state === 'running' ? created : 0);
  const scheduled = kept.length + created;
  await status(sim, 'DaemonSet', ds, {
    desiredNumberScheduled: sim.nodes.length,
    currentNumberScheduled: scheduled,
    updatedNumberScheduled: scheduled,
    numberReady: ready,
    numberAvailable: ready,
    numberMisscheduled: 0,
    observedGeneration: ds.metadata?.generation ?? 1,
  });
}
