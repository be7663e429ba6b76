import { createHash } from 'node:crypto';
import { KubeError } from '../src/adapters/k8s/errors';
import { Informer, type ResourceType } from '../src/adapters/k8s/informer';
import type { KubeRest } from '../src/adapters/k8s/rest';
import { silentLogger, type Logger } from '../src/core/log';
import { Pool, Writer, createPod, restFor } from './loader';
import { suffix, type PodState } from './model';

type Json = Record<string, unknown> & { metadata?: Meta; spec?: Json; status?: Json };
interface Meta {
  name?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { kind: string; name: string; uid?: string; controller?: boolean }[];
  deletionTimestamp?: string;
  generation?: number;
}

const type = (group: string, plural: string, kind: string): ResourceType => ({
  group,
  version: 'v1',
  plural,
  kind,
  namespaced: true,
});
const TYPES = {
  deployments: type('apps', 'deployments', 'Deployment'),
  replicasets: type('apps', 'replicasets', 'ReplicaSet'),
  statefulsets: type('apps', 'statefulsets', 'StatefulSet'),
  jobs: type('batch', 'jobs', 'Job'),
  cronjobs: type('batch', 'cronjobs', 'CronJob'),
  pods: type('', 'pods', 'Pod'),
};

const nameOf = (o: Json) => o.metadata?.name ?? '';
const nsOf = (o: Json) => o.metadata?.namespace ?? '';
const controller = (o: Json) =>
  o.metadata?.ownerReferences?.find((r) => r.controller) ?? o.metadata?.ownerReferences?.[0];
function simulated(template: Json | undefined): PodState {
  const annotations = (template?.['metadata'])?.annotations ?? {};
  const image = (template?.['spec'] as { containers?: { image?: string }[] } | undefined)?.containers?.[0]
    ?.image;
  const forImage = annotations['shipshape.dev/simulate-image'];
  if (forImage && image !== forImage) return 'running';
  return (annotations['shipshape.dev/simulate'] as PodState | undefined) ?? 'running';
}

/** Hash of what matters in a pod template (image, simulated state, restart stamp), like pod-template-hash. */
function templateHash(template: Json | undefined): string {
  const meta = (template?.['metadata'] ?? {});
  const containers = (
    (template?.['spec'] as { containers?: { image?: string }[] } | undefined)?.containers ?? []
  ).map((c) => c.image);
  const key = JSON.stringify([
    containers,
    meta.annotations?.['shipshape.dev/simulate'] ?? '',
    meta.annotations?.['kubectl.kubernetes.io/restartedAt'] ?? '',
  ]);
  return suffix(createHash('sha256').update(key).digest('hex'), 10);
}

export interface Simulator {
  stop(): Promise<void>;
  /** Reconciliations done (for tests and logs). */
  readonly actions: () => number;
}

/**
 * A stand-in for the controllers a test cluster does not run, just enough for remediations to
 * have visible effects: scaling and rollout restarts replace pods (keeping a workload's simulated
 * failure unless its image or `shipshape.dev/simulate` annotation changed), StatefulSets scale,
 * orphans are garbage-collected, and a CronJob's manual Job runs to completion.
 */
export function startSimulator(kubeconfig: string, log: Logger = silentLogger): Simulator {
  const rest: KubeRest = restFor(kubeconfig, log);
  const writer = new Writer(rest, new Pool(8));
  const informers = Object.fromEntries(
    Object.entries(TYPES).map(([key, t]) => [
      key,
      new Informer<Json>(rest, t, { project: (o) => o }, log),
    ]),
  ) as Record<keyof typeof TYPES, Informer<Json>>;
  const dirty = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let stopped = false;
  let actions = 0;
  const busy = new Set<string>();

  const schedule = (key: string) => {
    dirty.add(key);
    if (!timer && !stopped) timer = setTimeout(() => void tick(), 150);
  };
  informers.deployments.onChange(() => {
    for (const d of informers.deployments.items.values()) schedule(`Deployment/${nsOf(d)}/${nameOf(d)}`);
  });
  informers.statefulsets.onChange(() => {
    for (const s of informers.statefulsets.items.values()) schedule(`StatefulSet/${nsOf(s)}/${nameOf(s)}`);
  });
  informers.jobs.onChange(() => schedule('jobs'));
  for (const i of [informers.replicasets, informers.pods, informers.cronjobs])
    i.onChange(() => schedule('gc'));

  const ready = () => Object.values(informers).every((i) => i.status.state === 'ready');

  async function tick(): Promise<void> {
    timer = undefined;
    if (running || stopped) {
      if (!stopped) timer = setTimeout(() => void tick(), 150);
      return;
    }
    if (!ready()) {
      timer = setTimeout(() => void tick(), 200);
      return;
    }
    running = true;
    const keys = [...dirty];
    dirty.clear();
    try {
      for (const key of keys) {
        if (stopped) break;
        try {
          if (key === 'gc') await collectGarbage();
          else if (key === 'jobs') await runManualJobs();
          else if (key.startsWith('Deployment/')) await reconcileDeployment(key.slice('Deployment/'.length));
          else if (key.startsWith('StatefulSet/'))
            await reconcileStatefulSet(key.slice('StatefulSet/'.length));
        } catch (error) {
          if (!(error instanceof KubeError && (error.kind === 'notFound' || error.kind === 'conflict')))
            log.warn(`simulator: ${key}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    } finally {
      running = false;
    }
  }

  const podsOwnedBy = (kind: string, ns: string, name: string) =>
    [...informers.pods.items.values()].filter(
      (p) =>
        nsOf(p) === ns &&
        !p.metadata?.deletionTimestamp &&
        controller(p)?.kind === kind &&
        controller(p)?.name === name,
    );
  const healthy = (p: Json) =>
    (p.status?.['phase'] === 'Running' &&
      ((p.status['containerStatuses'] as { ready?: boolean }[] | undefined) ?? []).every(
        (c) => c.ready,
      ));
  const ctx = () => ({ writer, nodes: ['cpu1', 'k8s-worker'], now: Date.now(), events: true });

  async function reconcileDeployment(id: string): Promise<void> {
    const d = informers.deployments.items.get(id);
    if (!d || d.metadata?.deletionTimestamp) return;
    const ns = nsOf(d);
    const name = nameOf(d);
    const spec = d.spec as {
      replicas?: number;
      template?: Json;
      selector?: { matchLabels?: Record<string, string> };
    };
    const desired = spec.replicas ?? 1;
    const hash = templateHash(spec.template);
    const sets = [...informers.replicasets.items.values()].filter(
      (rs) => nsOf(rs) === ns && controller(rs)?.kind === 'Deployment' && controller(rs)?.name === name,
    );
    let current = sets.find((rs) => rs.metadata?.annotations?.['shipshape.dev/template-hash'] === hash);
    if (!current && !sets.some((rs) => rs.metadata?.annotations?.['shipshape.dev/template-hash'])) {
      // First sight of a loaded Deployment: its active ReplicaSet is current for this template.
      const active = sets.find((rs) => ((rs.spec?.['replicas'] as number | undefined) ?? 0) > 0) ?? sets[0];
      if (active) {
        await patch(`/apis/apps/v1/namespaces/${ns}/replicasets/${nameOf(active)}`, {
          metadata: { annotations: { 'shipshape.dev/template-hash': hash } },
        });
        current = active;
      }
    }
    const currentName = current ? nameOf(current) : `${name}-${hash}`;
    const labels = {
      ...((spec.template?.['metadata'])?.labels ?? {}),
      'pod-template-hash': current?.metadata?.labels?.['pod-template-hash'] ?? hash,
    };
    let rsUid = current?.metadata?.uid;
    if (!current) {
      if (busy.has(currentName)) return;
      busy.add(currentName);
      const template = { ...spec.template, metadata: { ...(spec.template?.['metadata'] as Meta), labels } };
      const rs = await writer.create({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: currentName,
          namespace: ns,
          labels,
          annotations: { 'shipshape.dev/template-hash': hash },
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name,
              uid: d.metadata?.uid ?? '',
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: { replicas: desired, selector: { matchLabels: labels }, template },
      });
      rsUid = (rs['metadata'] as Meta).uid;
      actions++;
    }
    // Old ReplicaSets go to zero: their pods are deleted (a rollout).
    for (const rs of sets) {
      if (nameOf(rs) === currentName) continue;
      for (const pod of podsOwnedBy('ReplicaSet', ns, nameOf(rs))) {
        await writer.remove('Pod', ns, nameOf(pod), { gracePeriodSeconds: 0 });
        actions++;
      }
      if ((rs.spec?.['replicas'] as number | undefined) !== 0)
        await patch(`/apis/apps/v1/namespaces/${ns}/replicasets/${nameOf(rs)}`, { spec: { replicas: 0 } });
    }
    const pods = podsOwnedBy('ReplicaSet', ns, currentName);
    const template = {
      ...spec.template,
      metadata: { ...(spec.template?.['metadata'] as Meta), labels },
    } as Json;
    const state = simulated(spec.template);
    const owner = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: currentName,
      uid: rsUid ?? '',
      controller: true,
      blockOwnerDeletion: true,
    };
    for (let i = pods.length; i < desired; i++) {
      const podName = `${currentName}-${suffix(`${currentName}/${Date.now()}/${i}`, 5)}`;
      await createPod(
        ctx(),
        ns,
        podName,
        labels,
        template,
        owner,
        { state, restarts: state === 'running' ? 0 : 1 },
        i,
      );
      actions++;
    }
    // Scale down: unhealthy pods first, like the ReplicaSet controller.
    const extra = pods
      .sort((a, b) => Number(healthy(a)) - Number(healthy(b)))
      .slice(0, Math.max(0, pods.length - desired));
    for (const pod of extra) {
      await writer.remove('Pod', ns, nameOf(pod), { gracePeriodSeconds: 0 });
      actions++;
    }
    const count = Math.min(desired, Math.max(pods.length, desired));
    const readyCount = state === 'running' ? count : pods.filter(healthy).slice(0, desired).length;
    await status(`/apis/apps/v1/namespaces/${ns}/replicasets/${currentName}`, {
      replicas: count,
      fullyLabeledReplicas: count,
      readyReplicas: readyCount,
      availableReplicas: readyCount,
      observedGeneration: 1,
    });
    await status(`/apis/apps/v1/namespaces/${ns}/deployments/${name}`, {
      replicas: count,
      updatedReplicas: count,
      readyReplicas: readyCount,
      availableReplicas: readyCount,
      unavailableReplicas: Math.max(0, count - readyCount),
      observedGeneration: d.metadata?.generation ?? 1,
    });
    busy.delete(currentName);
  }

  async function reconcileStatefulSet(id: string): Promise<void> {
    const s = informers.statefulsets.items.get(id);
    if (!s || s.metadata?.deletionTimestamp) return;
    const ns = nsOf(s);
    const name = nameOf(s);
    const spec = s.spec as { replicas?: number; template?: Json };
    const desired = spec.replicas ?? 1;
    const pods = podsOwnedBy('StatefulSet', ns, name);
    const ordinals = new Set(pods.map((p) => Number(nameOf(p).slice(name.length + 1))));
    const labels = (spec.template?.['metadata'])?.labels ?? {};
    const owner = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      name,
      uid: s.metadata?.uid ?? '',
      controller: true,
      blockOwnerDeletion: true,
    };
    for (let i = 0; i < desired; i++) {
      if (ordinals.has(i)) continue;
      await createPod(
        ctx(),
        ns,
        `${name}-${i}`,
        { ...labels, 'statefulset.kubernetes.io/pod-name': `${name}-${i}` },
        spec.template ?? {},
        owner,
        { state: simulated(spec.template) },
        i,
      );
      actions++;
    }
    for (const pod of pods) {
      if (Number(nameOf(pod).slice(name.length + 1)) >= desired) {
        await writer.remove('Pod', ns, nameOf(pod), { gracePeriodSeconds: 0 });
        actions++;
      }
    }
    const live = Math.min(desired, Math.max(desired, pods.length));
    const readyCount = podsOwnedBy('StatefulSet', ns, name).filter(healthy).length;
    await status(`/apis/apps/v1/namespaces/${ns}/statefulsets/${name}`, {
      replicas: live,
      readyReplicas: Math.min(readyCount, desired),
      availableReplicas: Math.min(readyCount, desired),
      currentReplicas: live,
      updatedReplicas: live,
      observedGeneration: s.metadata?.generation ?? 1,
    });
  }

  async function collectGarbage(): Promise<void> {
    const exists = (kind: string, ns: string, name: string, uid?: string) => {
      const informer =
        kind === 'ReplicaSet'
          ? informers.replicasets
          : kind === 'Job'
            ? informers.jobs
            : kind === 'Deployment'
              ? informers.deployments
              : kind === 'StatefulSet'
                ? informers.statefulsets
                : kind === 'CronJob'
                  ? informers.cronjobs
                  : undefined;
      if (!informer) return true;
      const found = informer.items.get(`${ns}/${name}`);
      return found !== undefined && (!uid || found.metadata?.uid === uid);
    };
    const orphans = (list: Iterable<Json>) =>
      [...list].filter(
        (o) =>
          !o.metadata?.deletionTimestamp &&
          controller(o) &&
          !exists(controller(o)?.kind ?? '', nsOf(o), controller(o)?.name ?? '', controller(o)?.uid),
      );
    for (const rs of orphans(informers.replicasets.items.values())) {
      await writer.remove('ReplicaSet', nsOf(rs), nameOf(rs), { propagationPolicy: 'Background' });
      actions++;
    }
    for (const job of orphans(informers.jobs.items.values())) {
      await writer.remove('Job', nsOf(job), nameOf(job), { propagationPolicy: 'Background' });
      actions++;
    }
    for (const pod of orphans(informers.pods.items.values())) {
      await writer.remove('Pod', nsOf(pod), nameOf(pod), { gracePeriodSeconds: 0 });
      actions++;
    }
  }

  /** A Job created by "Run now" (kubectl create job --from=cronjob): run it to completion. */
  async function runManualJobs(): Promise<void> {
    for (const job of informers.jobs.items.values()) {
      if (
        job.metadata?.annotations?.['cronjob.kubernetes.io/instantiate'] !== 'manual' ||
        job.status?.['startTime'] ||
        busy.has(`job/${nameOf(job)}`)
      )
        continue;
      busy.add(`job/${nameOf(job)}`);
      const ns = nsOf(job);
      const name = nameOf(job);
      const template = (job.spec?.['template'] ?? {}) as Json;
      const labels = ((template['metadata'])?.labels ?? {});
      const owner = {
        apiVersion: 'batch/v1',
        kind: 'Job',
        name,
        uid: job.metadata?.uid ?? '',
        controller: true,
        blockOwnerDeletion: true,
      };
      await createPod(
        ctx(),
        ns,
        `${name}-${suffix(name, 5)}`,
        labels,
        template,
        owner,
        { state: 'completed' },
        0,
      );
      const now = new Date().toISOString();
      await status(`/apis/batch/v1/namespaces/${ns}/jobs/${name}`, {
        startTime: now,
        completionTime: now,
        succeeded: 1,
        ready: 0,
        terminating: 0,
        uncountedTerminatedPods: {},
        conditions: [
          {
            type: 'SuccessCriteriaMet',
            status: 'True',
            reason: 'CompletionsReached',
            lastProbeTime: now,
            lastTransitionTime: now,
          },
          {
            type: 'Complete',
            status: 'True',
            reason: 'CompletionsReached',
            lastProbeTime: now,
            lastTransitionTime: now,
          },
        ],
      });
      actions++;
    }
  }

  async function patch(path: string, body: Json): Promise<void> {
    await rest.request('PATCH', path, {
      body,
      contentType: 'application/merge-patch+json',
      what: `patch ${path}`,
    });
  }
  async function status(path: string, body: Json): Promise<void> {
    await rest.request('PATCH', `${path}/status`, {
      body: { status: body },
      contentType: 'application/merge-patch+json',
      what: `status ${path}`,
    });
  }

  for (const informer of Object.values(informers)) informer.start();
  return {
    actions: () => actions,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      for (const informer of Object.values(informers)) informer.stop();
      while (running) await new Promise((r) => setTimeout(r, 50));
      rest.dispose();
    },
  };
}
