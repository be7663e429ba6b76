/**
 * The simulator's garbage collector (dependents of a deleted owner go; `--cascade=orphan` and
 * foreground deletion finish) and its Job controller for "Run now" Jobs of a CronJob.
 */
import type { Logger } from '../src/core/log';
import { pathOf, type Writer } from './api';
import type { Cache } from './cache';
import { hasStatus, type ApiClient, type Json } from './client';
import { suffix } from './model';
import { containerName, createPod } from './pods';
import { nameOf, nsOf, simulated, type Meta, type Obj } from './reconcile';

/** The kinds the simulator watches (and garbage-collects among). */
export const KINDS = [
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Pod',
] as const;
export type Kind = (typeof KINDS)[number];
const isKind = (kind: string): kind is Kind => (KINDS as readonly string[]).includes(kind);

export const controllerOf = (o: Obj) =>
  o.metadata?.ownerReferences?.find((r) => r.controller) ?? o.metadata?.ownerReferences?.[0];
export const ignorable = (error: unknown) => hasStatus(error, 404, 409);
const ignore = (error: unknown) => {
  if (!ignorable(error)) throw error;
};

/** What the simulator shares with these controllers. */
export interface Controllers {
  readonly client: ApiClient;
  readonly writer: Writer;
  readonly caches: Record<Kind, Cache<Obj>>;
  readonly log: Logger;
  readonly jobTimers: Set<NodeJS.Timeout>;
  readonly startedJobs: Set<string>;
  nodes(): readonly string[];
  stopped(): boolean;
  patch(path: string, body: Json): Promise<void>;
  schedule(delay: number): void;
  action(): void;
}

/** Whether the controller owner of `o` still exists (asking the API server when the cache says no). */
async function ownerExists(c: Controllers, o: Obj, checked: Map<string, boolean>): Promise<boolean> {
  const owner = controllerOf(o);
  if (!owner || !isKind(owner.kind)) return true;
  const key = `${owner.kind}/${nsOf(o)}/${owner.name}/${owner.uid ?? ''}`;
  const cached = c.caches[owner.kind].items.get(`${nsOf(o)}/${owner.name}`);
  if (cached && (!owner.uid || cached.metadata?.uid === owner.uid)) return true;
  if (!checked.has(key)) {
    // The watch may simply lag behind a fresh owner: only the API server's answer counts.
    const live = await c.client
      .request<Obj>('GET', pathOf(owner.kind, nsOf(o), owner.name), { what: 'read owner' })
      .catch((error: unknown) => {
        if (hasStatus(error, 404)) return undefined;
        throw error;
      });
    checked.set(key, live !== undefined && (!owner.uid || live.metadata?.uid === owner.uid));
  }
  return checked.get(key) ?? true;
}

export async function collectGarbage(c: Controllers): Promise<void> {
  const checked = new Map<string, boolean>();
  const dependents = new Map<string, { kind: Kind; object: Obj }[]>();
  for (const kind of ['ReplicaSet', 'Job', 'Pod'] as const) {
    for (const object of c.caches[kind].items.values()) {
      for (const ref of object.metadata?.ownerReferences ?? []) {
        if (!ref.uid) continue;
        const list = dependents.get(ref.uid);
        if (list) list.push({ kind, object });
        else dependents.set(ref.uid, [{ kind, object }]);
      }
      // The kubelet's part of a graceful delete: the containers stopped, the pod object goes.
      if (kind === 'Pod' && object.metadata?.deletionTimestamp && !object.metadata.finalizers?.length) {
        await c.writer.remove('Pod', nsOf(object), nameOf(object), { gracePeriodSeconds: 0 }).catch(ignore);
        c.action();
        continue;
      }
      if (object.metadata?.deletionTimestamp || (await ownerExists(c, object, checked))) continue;
      await c.writer
        .remove(
          kind,
          nsOf(object),
          nameOf(object),
          kind === 'Pod' ? { gracePeriodSeconds: 0 } : { propagationPolicy: 'Background' },
        )
        .catch(ignore);
      c.action();
    }
  }
  // `kubectl delete --cascade=orphan|foreground` leaves a finalizer for the garbage collector.
  for (const kind of KINDS) {
    for (const owner of c.caches[kind].items.values()) {
      const finalizers = owner.metadata?.finalizers ?? [];
      if (!owner.metadata?.deletionTimestamp || !owner.metadata.uid) continue;
      const uid = owner.metadata.uid;
      const deps = dependents.get(uid) ?? [];
      const path = pathOf(kind, nsOf(owner), nameOf(owner));
      if (finalizers.includes('orphan')) {
        for (const dep of deps) {
          const refs = (dep.object.metadata?.ownerReferences ?? []).filter((r) => r.uid !== uid);
          await c.patch(pathOf(dep.kind, nsOf(dep.object), nameOf(dep.object)), {
            metadata: { ownerReferences: refs },
          });
        }
        await c.patch(path, { metadata: { finalizers: finalizers.filter((f) => f !== 'orphan') } });
        c.action();
      } else if (finalizers.includes('foregroundDeletion')) {
        for (const dep of deps)
          if (!dep.object.metadata?.deletionTimestamp)
            await c.writer
              .remove(
                dep.kind,
                nsOf(dep.object),
                nameOf(dep.object),
                dep.kind === 'Pod' ? { gracePeriodSeconds: 0 } : { propagationPolicy: 'Foreground' },
              )
              .catch(ignore);
        if (deps.length === 0)
          await c.patch(path, {
            metadata: { finalizers: finalizers.filter((f) => f !== 'foregroundDeletion') },
          });
        else c.schedule(500);
        c.action();
      }
    }
  }
}

/** "Run now" (kubectl create job --from=cronjob): the pod runs for about a second and completes. */
export async function runManualJobs(c: Controllers): Promise<void> {
  for (const job of c.caches.Job.items.values()) {
    const key = `${nsOf(job)}/${nameOf(job)}`;
    const manual = job.metadata?.annotations?.['cronjob.kubernetes.io/instantiate'] === 'manual';
    if (!manual || job.status?.['startTime'] || c.startedJobs.has(key)) continue;
    c.startedJobs.add(key);
    const ns = nsOf(job);
    const template = (job.spec?.['template'] ?? {}) as Json;
    const labels = (template['metadata'] as Meta | undefined)?.labels ?? {};
    const owner = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      name: nameOf(job),
      uid: job.metadata?.uid ?? '',
      controller: true,
      blockOwnerDeletion: true,
    };
    const pod = `${nameOf(job)}-${suffix(`${key}/${job.metadata?.uid ?? ''}`, 5)}`;
    const state = simulated(template);
    const ctx = { writer: c.writer, nodes: c.nodes(), now: Date.now(), events: true };
    await createPod(ctx, ns, pod, labels, template, owner, { state }, 0);
    const started = new Date().toISOString();
    const jobPath = pathOf('Job', ns, nameOf(job));
    await c.patch(`${jobPath}/status`, {
      status: { startTime: started, active: 1, ready: state === 'running' ? 1 : 0 },
    });
    c.action();
    if (state !== 'running') continue; // A simulated failure stays active, like a pod that never starts.
    const done = setTimeout(() => {
      c.jobTimers.delete(done);
      if (c.stopped()) return;
      void complete(c, ns, pod, jobPath, started, containerName(template)).catch((error: unknown) => {
        if (!ignorable(error))
          c.log.warn(`simulator: job ${key}: ${error instanceof Error ? error.message : String(error)}`);
      });
    }, 1000);
    c.jobTimers.add(done);
  }
}

async function complete(
  c: Controllers,
  ns: string,
  pod: string,
  jobPath: string,
  started: string,
  container: string,
): Promise<void> {
  const now = new Date().toISOString();
  const terminated = {
    terminated: { reason: 'Completed', exitCode: 0, startedAt: started, finishedAt: now },
  };
  await c.patch(`/api/v1/namespaces/${ns}/pods/${pod}/status`, {
    status: {
      phase: 'Succeeded',
      conditions: [{ type: 'Ready', status: 'False', reason: 'PodCompleted', lastTransitionTime: now }],
      containerStatuses: [
        {
          name: container,
          image: '',
          imageID: '',
          ready: false,
          restartCount: 0,
          started: false,
          state: terminated,
        },
      ],
    },
  });
  const condition = (type: string) => ({
    type,
    status: 'True',
    reason: 'CompletionsReached',
    message: 'Reached expected number of succeeded pods',
    lastProbeTime: now,
    lastTransitionTime: now,
  });
  await c.patch(`${jobPath}/status`, {
    status: {
      active: null,
      ready: 0,
      succeeded: 1,
      completionTime: now,
      conditions: [condition('SuccessCriteriaMet'), condition('Complete')],
    },
  });
  c.action();
}
