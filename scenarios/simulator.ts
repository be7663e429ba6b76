/**
 * A stand-in for the controllers a test cluster does not run (no controller-manager, kubelet or
 * scheduler), just enough for remediations to have visible effects: Deployments and StatefulSets
 * scale and roll out (scenarios/reconcile.ts), the garbage collector removes what lost its owner
 * and honours orphan/foreground deletion, and a CronJob's manual Job runs to completion.
 * Its own caches (scenarios/cache.ts: LIST + WATCH, re-listing on 410) feed it; every change
 * schedules one debounced pass.
 */
import { silentLogger, type Logger } from '../src/core/log';
import { Pool, Writer, clientFor, pathOf } from './api';
import { Cache } from './cache';
import { hasStatus, type Json } from './client';
import {
  KINDS,
  collectGarbage,
  controllerOf,
  ignorable,
  runManualJobs,
  type Controllers,
  type Kind,
} from './controllers';
import {
  nameOf,
  nsOf,
  reconcileDaemonSet,
  reconcileDeployment,
  reconcileStatefulSet,
  type Meta,
  type Obj,
  type PodView,
  type SimContext,
} from './reconcile';

export interface Simulator {
  stop(): Promise<void>;
  /** Objects the simulator created or deleted (for tests and logs). */
  readonly actions: () => number;
  /** Resolves once the caches are synced and a pass found nothing (more) to do. */
  settled(): Promise<void>;
}

/** Pods keep only what the simulator reads. */
function projectPod(o: Record<string, unknown>): Obj {
  const meta = (o['metadata'] ?? {}) as Meta;
  const status = (o['status'] ?? {}) as { phase?: string; containerStatuses?: { ready?: boolean }[] };
  const statuses = status.containerStatuses ?? [];
  return {
    metadata: {
      ...(meta.name ? { name: meta.name } : {}),
      ...(meta.namespace ? { namespace: meta.namespace } : {}),
      ...(meta.uid ? { uid: meta.uid } : {}),
      labels: meta.labels ?? {},
      ...(meta.ownerReferences ? { ownerReferences: meta.ownerReferences } : {}),
      ...(meta.deletionTimestamp ? { deletionTimestamp: meta.deletionTimestamp } : {}),
      ...(meta.finalizers ? { finalizers: meta.finalizers } : {}),
    },
    spec: { nodeName: (o['spec'] as { nodeName?: string } | undefined)?.nodeName ?? '' },
    status: { ready: status.phase === 'Running' && statuses.length > 0 && statuses.every((c) => c.ready) },
  };
}

const EXPECTATION_MS = 15_000;
export function startSimulator(kubeconfig: string, log: Logger = silentLogger): Simulator {
  const client = clientFor(kubeconfig);
  const writer = new Writer(client, new Pool(8));
  const caches = Object.fromEntries(
    KINDS.map((kind) => [kind, new Cache<Obj>(client, pathOf(kind), kind === 'Pod' ? projectPod : (o) => o)]),
  ) as Record<Kind, Cache<Obj>>;
  // Expectations, like the real controllers': what we did that the watches have not shown yet.
  const pendingCreate = new Map<string, { owner: string; pod: PodView; at: number }>();
  const pendingDelete = new Map<string, number>();
  const baseline = new Map<string, { hash: string; name: string }>();
  const jobTimers = new Set<NodeJS.Timeout>();
  const startedJobs = new Set<string>();
  let nodes: readonly string[] = ['cpu1', 'k8s-worker'];
  let timer: NodeJS.Timeout | undefined;
  let dirty = false;
  let running: Promise<void> | undefined;
  let stopped = false;
  let actions = 0;
  const waiters: (() => void)[] = [];

  const schedule = (delay = 100) => {
    dirty = true;
    if (!timer && !stopped) timer = setTimeout(() => void tick(), delay);
  };
  for (const cache of Object.values(caches)) cache.onChange(() => schedule());
  const ready = () => Object.values(caches).every((c) => c.synced);

  async function tick(): Promise<void> {
    timer = undefined;
    if (stopped) return;
    if (running || !ready()) {
      timer = setTimeout(() => void tick(), 200);
      return;
    }
    dirty = false;
    running = pass().finally(() => {
      running = undefined;
      if (dirty) schedule();
      else for (const resolve of waiters.splice(0)) resolve();
    });
    await running;
  }

  async function pass(): Promise<void> {
    const sim = context();
    const work = new Pool(8);
    const reconcile = async (what: string, fn: () => Promise<void>) => {
      try {
        await work.run(fn);
      } catch (error) {
        if (!ignorable(error))
          log.warn(`simulator: ${what}: ${error instanceof Error ? error.message : String(error)}`);
        schedule(1000);
      }
    };
    await Promise.all([
      ...[...caches.Deployment.items.values()].map((d) =>
        reconcile(`Deployment ${nsOf(d)}/${nameOf(d)}`, () => reconcileDeployment(sim, d)),
      ),
      ...[...caches.DaemonSet.items.values()].map((ds) =>
        reconcile(`DaemonSet ${nsOf(ds)}/${nameOf(ds)}`, () => reconcileDaemonSet(sim, ds)),
      ),
      ...[...caches.StatefulSet.items.values()].map((s) =>
        reconcile(`StatefulSet ${nsOf(s)}/${nameOf(s)}`, () => reconcileStatefulSet(sim, s)),
      ),
    ]);
    await reconcile('garbage collection', () => collectGarbage(controllers));
    await reconcile('manual jobs', () => runManualJobs(controllers));
  }

  /** A snapshot of the caches, corrected by the expectations. */
  function context(): SimContext {
    const now = Date.now();
    const byOwner = new Map<string, PodView[]>();
    const add = (owner: string, pod: PodView) => {
      const list = byOwner.get(owner);
      if (list) list.push(pod);
      else byOwner.set(owner, [pod]);
    };
    for (const [key, at] of pendingDelete)
      if (now - at > EXPECTATION_MS || !caches.Pod.items.has(key)) pendingDelete.delete(key);
    for (const [key, p] of pendingCreate)
      if (now - p.at > EXPECTATION_MS || caches.Pod.items.has(key)) pendingCreate.delete(key);
    for (const [key, pod] of caches.Pod.items) {
      const owner = controllerOf(pod);
      if (!owner || pod.metadata?.deletionTimestamp || pendingDelete.has(key)) continue;
      const ready = (pod.status as { ready?: boolean } | undefined)?.ready === true;
      add(`${owner.kind}/${nsOf(pod)}/${owner.name}`, {
        name: nameOf(pod),
        ready,
        labels: pod.metadata?.labels ?? {},
        node: (pod.spec?.['nodeName'] as string | undefined) ?? '',
      });
    }
    for (const p of pendingCreate.values()) add(p.owner, p.pod);
    const sets = new Map<string, Obj[]>();
    for (const rs of caches.ReplicaSet.items.values()) {
      const owner = controllerOf(rs);
      if (owner?.kind !== 'Deployment' || rs.metadata?.deletionTimestamp) continue;
      const key = `${nsOf(rs)}/${owner.name}`;
      const list = sets.get(key);
      if (list) list.push(rs);
      else sets.set(key, [rs]);
    }
    return {
      view: {
        pods: (kind, ns, name) => byOwner.get(`${kind}/${ns}/${name}`) ?? [],
        replicaSets: (ns, deployment) => sets.get(`${ns}/${deployment}`) ?? [],
      },
      writer,
      nodes,
      baseline,
      created: (ns, owner, pod) => pendingCreate.set(`${ns}/${pod.name}`, { owner, pod, at: Date.now() }),
      deleted: async (ns, pod) => {
        pendingDelete.set(`${ns}/${pod}`, Date.now());
        await writer.remove('Pod', ns, pod, { gracePeriodSeconds: 0 }).catch((error: unknown) => {
          if (!hasStatus(error, 404)) throw error;
        });
        actions++;
      },
      patch,
      action: () => actions++,
      again: () => schedule(300),
    };
  }

  const controllers: Controllers = {
    client,
    writer,
    caches,
    log,
    jobTimers,
    startedJobs,
    nodes: () => nodes,
    stopped: () => stopped,
    patch,
    schedule,
    action: () => actions++,
  };

  async function patch(path: string, body: Json): Promise<void> {
    await client.request('PATCH', path, {
      body,
      contentType: 'application/merge-patch+json',
      what: `patch ${path}`,
    });
  }

  void client
    .request<{ items: Obj[] }>('GET', '/api/v1/nodes', { what: 'list nodes' })
    .then((list) => {
      if (list.items.length > 0) nodes = list.items.map(nameOf);
    })
    .catch(() => undefined)
    .finally(() => {
      for (const cache of Object.values(caches)) cache.start();
    });
  return {
    actions: () => actions,
    settled: () =>
      new Promise<void>((resolve) => {
        waiters.push(resolve);
        schedule();
      }),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      for (const t of jobTimers) clearTimeout(t);
      for (const cache of Object.values(caches)) cache.stop();
      await running;
      for (const resolve of waiters.splice(0)) resolve();
      client.dispose();
    },
  };
}
