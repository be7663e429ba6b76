/**
 * Pods as a kubelet would have left them: the pod template of a workload, one pod created from it
 * with the status of its simulated state, and the Warning event the kubelet (or scheduler) emits.
 */
import type { Json, Writer } from './api';
import { HEALTHY, suffix, type PodSpec, type WorkloadSpec } from './model';
import { podStatus } from './status';

export const uid = (object: Json) => String((object['metadata'] as { uid?: string }).uid);
export const owner = (kind: string, apiVersion: string, object: Json) => ({
  apiVersion,
  kind,
  name: String((object['metadata'] as { name?: string }).name),
  uid: uid(object),
  controller: true,
  blockOwnerDeletion: true,
});

/** The name of a pod template's first container: the one the simulated kubelet reports on. */
export const containerName = (template: Json): string =>
  (template['spec'] as { containers?: { name?: string }[] } | undefined)?.containers?.[0]?.name ?? 'app';

export function podTemplate(w: WorkloadSpec, labels: Record<string, string>): Json {
  return {
    // The simulated failure belongs to this image: a fixed image (a remediation) runs healthy.
    metadata: {
      labels,
      ...(w.simulate
        ? {
            annotations: {
              'shipshape.dev/simulate': w.simulate,
              'shipshape.dev/simulate-image': w.image,
              // Replacement pods end the same way: the simulator reads it back from here.
              ...(w.lastExit ? { [LAST_EXIT]: JSON.stringify(w.lastExit) } : {}),
            },
          }
        : {}),
    },
    spec: {
      containers: [
        {
          name: w.container ?? 'app',
          image: w.image,
          ...(w.command ? { command: w.command } : {}),
          ...(w.env ? { env: w.env } : {}),
          ...(w.lastExit ? { terminationMessagePolicy: 'FallbackToLogsOnError' } : {}),
          ...(w.port ? { ports: [{ name: 'http', containerPort: w.port }] } : {}),
          resources: {
            requests: { cpu: w.cpu ?? '100m', memory: w.memory ?? '256Mi' },
            limits: { cpu: w.cpu ?? '1', memory: '1Gi' },
          },
        },
      ],
    },
  };
}

const LAST_EXIT = 'shipshape.dev/simulate-last-exit';

function lastExitOf(template: Json): { exitCode: number; reason?: string; message?: string } | undefined {
  const raw = (template['metadata'] as { annotations?: Record<string, string> } | undefined)?.annotations?.[
    LAST_EXIT
  ];
  return raw ? (JSON.parse(raw) as { exitCode: number; reason?: string; message?: string }) : undefined;
}

export interface LoadContext {
  readonly writer: Writer;
  readonly nodes: readonly string[];
  readonly now: number;
  /** Failing pods get Warning events like the kubelet's. */
  readonly events: boolean;
}

/** Creates one pod (spec + status as a kubelet would have it). */
export async function createPod(
  ctx: LoadContext,
  ns: string,
  name: string,
  labels: Record<string, string>,
  template: Json,
  ownerRef: Json | undefined,
  spec: PodSpec,
  index: number,
  annotations?: Record<string, string>,
): Promise<void> {
  const tspec = template['spec'] as { containers: { image: string }[] };
  const scheduled = spec.state !== 'unschedulable';
  const node = spec.node ?? ctx.nodes[index % ctx.nodes.length];
  const pod = await ctx.writer.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      labels,
      ...(annotations ? { annotations } : {}),
      ...(ownerRef ? { ownerReferences: [ownerRef] } : {}),
      ...(spec.state === 'terminating' ? { finalizers: ['shipshape.dev/stuck-volume-detach'] } : {}),
    },
    spec: {
      ...(template['spec'] as Json),
      ...(scheduled && node ? { nodeName: node } : {}),
      ...(spec.state === 'failed' || spec.state === 'completed' ? { restartPolicy: 'Never' } : {}),
    },
  });
  const image = tspec.containers[0]?.image ?? 'unknown';
  // Keep the QoS class the API server computed from the resources: it is immutable.
  const qosClass = (pod['status'] as { qosClass?: string } | undefined)?.qosClass;
  await ctx.writer.replaceStatus(pod, {
    ...podStatus(
      spec.state,
      image,
      ctx.now,
      spec.restarts ?? 0,
      containerName(template),
      lastExitOf(template),
    ),
    ...(qosClass ? { qosClass } : {}),
  });
  if (spec.state === 'terminating') await ctx.writer.remove('Pod', ns, name, { gracePeriodSeconds: 0 });
  if (ctx.events && !HEALTHY.has(spec.state) && spec.state !== 'completed')
    await podEvent(ctx, ns, name, uid(pod), spec, image);
}

async function podEvent(
  ctx: LoadContext,
  ns: string,
  pod: string,
  podUid: string,
  spec: PodSpec,
  image: string,
): Promise<void> {
  const at = new Date(ctx.now - 60_000).toISOString();
  const [reason, message, component] =
    spec.state === 'unschedulable'
      ? [
          'FailedScheduling',
          '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
          'default-scheduler',
        ]
      : spec.state === 'imagepull' || spec.state === 'errimagepull'
        ? [
            'Failed',
            `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": not found`,
            'kubelet',
          ]
        : spec.state === 'notready'
          ? ['Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', 'kubelet']
          : spec.state === 'terminating'
            ? [
                'FailedKillPod',
                'error killing pod: failed to "KillPodSandbox": rpc error: context deadline exceeded',
                'kubelet',
              ]
            : [
                'BackOff',
                `Back-off restarting failed container app in pod ${pod}_${ns}(${podUid})`,
                'kubelet',
              ];
  await ctx.writer.create({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${pod}.${suffix(pod + reason, 8)}`, namespace: ns },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', name: pod, namespace: ns, uid: podUid },
    reason,
    message,
    type: 'Warning',
    count: Math.max(1, spec.restarts ?? 1),
    firstTimestamp: new Date(ctx.now - 3 * 3600_000).toISOString(),
    lastTimestamp: at,
    source: { component },
  });
}
