/**
 * A workload of the scenario expanded into what its controllers would have created: Deployment →
 * ReplicaSet(s) → Pods (pod-template-hash), StatefulSet → ordinal pods, DaemonSet → a pod per
 * node, Job → pods, CronJob → Jobs → pods; each with the status its controller would write.
 */
import type { Json } from './api';
import { HEALTHY, podStates, suffix, type PodSpec, type WorkloadSpec } from './model';
import { createPod, owner, podTemplate, type LoadContext } from './pods';

const ready = (specs: readonly PodSpec[]) => specs.filter((p) => HEALTHY.has(p.state)).length;

const GROUP: Record<WorkloadSpec['kind'], string> = {
  Deployment: 'apps',
  StatefulSet: 'apps',
  DaemonSet: 'apps',
  Job: 'batch',
  CronJob: 'batch',
};

/**
 * The workload's own metadata: its selector labels, plus what `helm install` and an Argo CD sync
 * leave on it (never on the selector: the chart's labels are not the pods' identity).
 */
export function workloadMeta(ns: string, w: WorkloadSpec, labels: Record<string, string>): Json {
  const h = w.helm;
  if (!h) return { name: w.name, namespace: ns, labels };
  return {
    name: w.name,
    namespace: ns,
    labels: {
      ...labels,
      'app.kubernetes.io/managed-by': 'Helm',
      'app.kubernetes.io/instance': h.release,
      'helm.sh/chart': h.chart,
    },
    annotations: {
      'meta.helm.sh/release-name': h.release,
      'meta.helm.sh/release-namespace': ns,
      ...(h.app
        ? { 'argocd.argoproj.io/tracking-id': `${h.app}:${GROUP[w.kind]}/${w.kind}:${ns}/${w.name}` }
        : {}),
    },
  };
}

export async function loadWorkload(ctx: LoadContext, ns: string, w: WorkloadSpec): Promise<void> {
  const labels: Record<string, string> = { app: w.name, ...w.labels };
  const template = podTemplate(w, labels);
  const specs = podStates(w);
  const write = ctx.writer;
  if (w.kind === 'Deployment') {
    const replicas = w.replicas ?? specs.length;
    const d = await write.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: workloadMeta(ns, w, labels),
      spec: { replicas, selector: { matchLabels: labels }, template },
    });
    const rsFor = async (hash: string, rsReplicas: number, pods: readonly PodSpec[]) => {
      const rsLabels = { ...labels, 'pod-template-hash': hash };
      const rsName = `${w.name}-${hash}`;
      const rsTemplate = { ...template, metadata: { ...(template['metadata'] as Json), labels: rsLabels } };
      const rs = await write.create({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: rsName,
          namespace: ns,
          labels: rsLabels,
          ownerReferences: [owner('Deployment', 'apps/v1', d)],
          annotations: { 'deployment.kubernetes.io/revision': hash === w.hash || !w.previous ? '2' : '1' },
        },
        spec: { replicas: rsReplicas, selector: { matchLabels: rsLabels }, template: rsTemplate },
      });
      await Promise.all(
        pods.map((p, i) =>
          createPod(
            ctx,
            ns,
            p.name ?? `${rsName}-${suffix(`${rsName}/${i}`, 5)}`,
            rsLabels,
            rsTemplate,
            owner('ReplicaSet', 'apps/v1', rs),
            p,
            i,
          ),
        ),
      );
      const live = pods.filter((p) => p.state !== 'terminating').length;
      await write.replaceStatus(rs, {
        replicas: live,
        readyReplicas: ready(pods),
        availableReplicas: ready(pods),
        fullyLabeledReplicas: live,
        observedGeneration: 1,
      });
    };
    await rsFor(w.hash ?? suffix(`${ns}/${w.name}`, 10), replicas, specs);
    if (w.previous)
      await rsFor(
        w.previous.hash ?? suffix(`${ns}/${w.name}/old`, 10),
        0,
        w.previous.pods.map((p) => (typeof p === 'string' ? { state: p } : p)),
      );
    await write.replaceStatus(d, {
      replicas: specs.length,
      readyReplicas: ready(specs),
      availableReplicas: ready(specs),
      updatedReplicas: specs.length,
      unavailableReplicas: specs.length - ready(specs),
      observedGeneration: 1,
    });
  } else if (w.kind === 'StatefulSet') {
    const replicas = w.replicas ?? specs.length;
    const s = await write.create({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: workloadMeta(ns, w, labels),
      spec: { replicas, serviceName: w.name, selector: { matchLabels: labels }, template },
    });
    const revision = `${w.name}-${suffix(w.name, 10)}`;
    await Promise.all(
      specs.map((p, i) =>
        createPod(
          ctx,
          ns,
          `${w.name}-${i}`,
          {
            ...labels,
            'controller-revision-hash': revision,
            'statefulset.kubernetes.io/pod-name': `${w.name}-${i}`,
          },
          template,
          owner('StatefulSet', 'apps/v1', s),
          p,
          i,
        ),
      ),
    );
    await write.replaceStatus(s, {
      replicas: specs.length,
      readyReplicas: ready(specs),
      availableReplicas: ready(specs),
      currentReplicas: specs.length,
      updatedReplicas: specs.length,
      observedGeneration: 1,
      currentRevision: revision,
      updateRevision: revision,
    });
  } else if (w.kind === 'DaemonSet') {
    const ds = await write.create({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: workloadMeta(ns, w, labels),
      spec: { selector: { matchLabels: labels }, template },
    });
    await Promise.all(
      ctx.nodes.map((node, i) =>
        createPod(
          ctx,
          ns,
          `${w.name}-${suffix(`${w.name}/${node}`, 5)}`,
          labels,
          template,
          owner('DaemonSet', 'apps/v1', ds),
          { state: 'running', node },
          i,
        ),
      ),
    );
    const n = ctx.nodes.length;
    await write.replaceStatus(ds, {
      desiredNumberScheduled: n,
      currentNumberScheduled: n,
      numberReady: n,
      numberAvailable: n,
      updatedNumberScheduled: n,
      numberMisscheduled: 0,
      observedGeneration: 1,
    });
  } else if (w.kind === 'Job') {
    await createJob(ctx, ns, w.name, w, specs, undefined);
  } else if (w.kind === 'CronJob') {
    const jobTemplate = {
      spec: {
        backoffLimit: 2,
        template: { ...template, spec: { ...(template['spec'] as Json), restartPolicy: 'OnFailure' } },
      },
    };
    const cron = await write.create({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: workloadMeta(ns, w, labels),
      spec: { schedule: w.schedule ?? '0 * * * *', suspend: w.suspend ?? false, jobTemplate },
    });
    const jobs = w.jobs ?? [];
    for (const [i, job] of jobs.entries()) {
      const at = ctx.now - (jobs.length - i) * 86_400_000;
      await createJob(
        ctx,
        ns,
        `${w.name}-${Math.floor(at / 60_000)}`,
        w,
        [{ state: job.state === 'failed' ? 'failed' : job.state }],
        owner('CronJob', 'batch/v1', cron),
        at,
      );
    }
    const last = jobs[jobs.length - 1];
    if (last) {
      const lastAt = new Date(ctx.now - 86_400_000).toISOString();
      await write.replaceStatus(cron, {
        lastScheduleTime: lastAt,
        ...(last.state === 'completed' ? { lastSuccessfulTime: lastAt } : {}),
      });
    }
  }
}

/** A Job, its pods and the status the Job controller writes; `at` is when it started. */
export async function createJob(
  ctx: LoadContext,
  ns: string,
  name: string,
  w: WorkloadSpec,
  specs: readonly PodSpec[],
  ownerRef: Json | undefined,
  at = ctx.now - 2 * 3600_000,
): Promise<void> {
  const template = podTemplate(w, { app: w.name });
  const job = await ctx.writer.create({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: ns,
      labels: { app: w.name },
      ...(ownerRef ? { ownerReferences: [ownerRef] } : {}),
    },
    spec: {
      backoffLimit: 0,
      template: { ...template, spec: { ...(template['spec'] as Json), restartPolicy: 'Never' } },
    },
  });
  // The API server generated the selector (controller-uid): pods must carry its labels.
  const jobLabels =
    (job['spec'] as { template: { metadata: { labels: Record<string, string> } } }).template.metadata
      .labels ?? {};
  await Promise.all(
    specs.map((p, i) =>
      createPod(
        ctx,
        ns,
        `${name}-${suffix(`${name}/${i}`, 5)}`,
        jobLabels,
        template,
        owner('Job', 'batch/v1', job),
        p,
        i,
      ),
    ),
  );
  const start = new Date(at).toISOString();
  const end = new Date(at + 60_000).toISOString();
  const failed = specs.filter((p) => p.state === 'failed').length;
  const succeeded = specs.filter((p) => p.state === 'completed').length;
  const active = specs.length - failed - succeeded;
  const conditions =
    failed > 0
      ? [
          {
            type: 'FailureTarget',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
            lastProbeTime: end,
            lastTransitionTime: end,
          },
          {
            type: 'Failed',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
            lastProbeTime: end,
            lastTransitionTime: end,
          },
        ]
      : active === 0
        ? [
            {
              type: 'SuccessCriteriaMet',
              status: 'True',
              reason: 'CompletionsReached',
              message: 'Reached expected number of succeeded pods',
              lastProbeTime: end,
              lastTransitionTime: end,
            },
            {
              type: 'Complete',
              status: 'True',
              reason: 'CompletionsReached',
              message: 'Reached expected number of succeeded pods',
              lastProbeTime: end,
              lastTransitionTime: end,
            },
          ]
        : [];
  await ctx.writer.replaceStatus(job, {
    startTime: start,
    ...(active > 0 ? { active } : {}),
    ...(failed > 0 ? { failed } : {}),
    ...(succeeded > 0 ? { succeeded, completionTime: end } : {}),
    ...(conditions.length > 0 ? { conditions } : {}),
    ready: 0,
    terminating: 0,
    uncountedTerminatedPods: {},
  });
}
