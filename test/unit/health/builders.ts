import type { ContainerStatus, Pod } from '../../../src/core/k8s/types';

export const NOW = Date.parse('2025-10-24T18:00:00Z');
export const ago = (ms: number) => new Date(NOW - ms).toISOString();
export const MIN = 60_000;
export const HOUR = 60 * MIN;

export function running(name = 'app', extra: Partial<ContainerStatus> = {}): ContainerStatus {
  return {
    name,
    ready: true,
    restartCount: 0,
    state: { running: { startedAt: ago(HOUR) } },
    image: 'nginx:1.27',
    ...extra,
  };
}

export function pod(
  name: string,
  status: Pod['status'],
  extra: {
    namespace?: string;
    owner?: { kind: string; name: string };
    meta?: Partial<NonNullable<Pod['metadata']>>;
    containers?: string[];
  } = {},
): Pod {
  return {
    kind: 'Pod',
    metadata: {
      name,
      namespace: extra.namespace ?? 'data-platform',
      uid: `uid-${name}`,
      ...(extra.owner
        ? {
            ownerReferences: [
              { apiVersion: 'v1', kind: extra.owner.kind, name: extra.owner.name, controller: true },
            ],
          }
        : {}),
      ...extra.meta,
    },
    spec: { containers: (extra.containers ?? ['app']).map((n) => ({ name: n, image: 'nginx:1.27' })) },
    ...(status ? { status } : {}),
  };
}

export const healthyPod = (name: string, extra: Parameters<typeof pod>[2] = {}) =>
  pod(
    name,
    { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [running()] },
    extra,
  );

export const crashPod = (
  name: string,
  restarts = 12,
  lastReason = 'Error',
  extra: Parameters<typeof pod>[2] = {},
) =>
  pod(
    name,
    {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'app',
          ready: false,
          restartCount: restarts,
          state: {
            waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' },
          },
          lastState: {
            terminated: {
              reason: lastReason,
              exitCode: lastReason === 'OOMKilled' ? 137 : 1,
              finishedAt: ago(3 * MIN),
            },
          },
        },
      ],
    },
    extra,
  );
