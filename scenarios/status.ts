import type { PodState } from './model';

const iso = (ms: number) => new Date(ms).toISOString();

/** The status a kubelet (or scheduler) would report for a pod in `state`. */
export function podStatus(
  state: PodState,
  image: string,
  now: number,
  restarts = 0,
  container = 'app',
  lastExit?: { exitCode: number; reason?: string; message?: string },
): Record<string, unknown> {
  const started = iso(now - 3 * 3600_000);
  const base = { hostIP: '10.0.0.11', podIP: '10.244.1.10', startTime: started, qosClass: 'Burstable' };
  const scheduled = { type: 'PodScheduled', status: 'True', lastTransitionTime: started };
  const cond = (ready: boolean) => [
    { type: 'Initialized', status: 'True', lastTransitionTime: started },
    {
      type: 'Ready',
      status: ready ? 'True' : 'False',
      lastTransitionTime: started,
      ...(ready ? {} : { reason: 'ContainersNotReady' }),
    },
    { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: started },
    scheduled,
  ];
  const cs = (extra: Record<string, unknown>) => ({
    name: container,
    image,
    imageID: '',
    ready: false,
    restartCount: restarts,
    started: false,
    ...extra,
  });
  const lastTerminated = (reason: string, exitCode: number) => ({
    terminated: {
      reason: lastExit?.reason ?? reason,
      exitCode: lastExit?.exitCode ?? exitCode,
      ...(lastExit?.message ? { message: lastExit.message } : {}),
      startedAt: iso(now - 4 * 60_000),
      finishedAt: iso(now - 3 * 60_000),
    },
  });
  switch (state) {
    case 'running':
      return {
        ...base,
        phase: 'Running',
        conditions: cond(true),
        containerStatuses: [
          cs({
            ready: true,
            started: true,
            imageID: `docker-pullable://${image.split(':')[0] ?? image}@sha256:${'c0ffee'.repeat(10)}abcd`,
            state: { running: { startedAt: started } },
          }),
        ],
      };
    case 'crashloop':
    case 'oomkilled':
      return {
        ...base,
        phase: 'Running',
        conditions: cond(false),
        containerStatuses: [
          cs({
            state: {
              waiting: {
                reason: 'CrashLoopBackOff',
                message: `back-off 5m0s restarting failed container=${container}`,
              },
            },
            lastState: state === 'oomkilled' ? lastTerminated('OOMKilled', 137) : lastTerminated('Error', 1),
          }),
        ],
      };
    case 'imagepull':
    case 'errimagepull':
      return {
        ...base,
        phase: 'Pending',
        conditions: cond(false),
        containerStatuses: [
          cs({
            state: {
              waiting: {
                reason: state === 'imagepull' ? 'ImagePullBackOff' : 'ErrImagePull',
                message:
                  state === 'imagepull'
                    ? `Back-off pulling image "${image}"`
                    : `failed to pull and unpack image "${image}": failed to resolve reference "${image}": not found`,
              },
            },
          }),
        ],
      };
    case 'configerror':
      return {
        ...base,
        phase: 'Pending',
        conditions: cond(false),
        containerStatuses: [
          cs({
            state: {
              waiting: {
                reason: 'CreateContainerConfigError',
                message: 'secret "superset-secret" not found',
              },
            },
          }),
        ],
      };
    case 'initcrash':
      return {
        ...base,
        phase: 'Pending',
        conditions: [
          {
            type: 'Initialized',
            status: 'False',
            reason: 'ContainersNotInitialized',
            lastTransitionTime: started,
          },
          scheduled,
        ],
        initContainerStatuses: [
          {
            name: 'wait-for-dependencies',
            image: 'busybox:1.36',
            imageID: '',
            ready: false,
            restartCount: restarts,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: lastTerminated('Error', 1),
          },
        ],
        containerStatuses: [cs({ state: { waiting: { reason: 'PodInitializing' } } })],
      };
    case 'unschedulable':
      return {
        phase: 'Pending',
        qosClass: 'Burstable',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            lastTransitionTime: started,
            message:
              '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
          },
        ],
      };
    case 'notready':
      return {
        ...base,
        phase: 'Running',
        conditions: cond(false),
        containerStatuses: [cs({ started: true, state: { running: { startedAt: started } } })],
      };
    case 'failed':
      return {
        ...base,
        phase: 'Failed',
        conditions: cond(false),
        containerStatuses: [
          cs({
            state: {
              terminated: {
                reason: 'Error',
                exitCode: 1,
                startedAt: iso(now - 2 * 3600_000),
                finishedAt: iso(now - 2 * 3600_000 + 30_000),
              },
            },
          }),
        ],
      };
    case 'completed':
      return {
        ...base,
        phase: 'Succeeded',
        conditions: cond(false),
        containerStatuses: [
          cs({
            state: {
              terminated: {
                reason: 'Completed',
                exitCode: 0,
                startedAt: iso(now - 5 * 3600_000),
                finishedAt: iso(now - 5 * 3600_000 + 60_000),
              },
            },
          }),
        ],
      };
    case 'terminating':
      return {
        ...base,
        phase: 'Running',
        conditions: cond(false),
        containerStatuses: [cs({ state: { running: { startedAt: started } } })],
      };
  }
}
