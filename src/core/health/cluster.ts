import type { ArgoApplication, Node, ResourceQuota } from '../k8s/types';
import { parseQuantity } from './quantity';
import { suggestionFor } from './suggestions';
import type { ApplicationHealth, NodeHealth, Problem } from './types';

/** Node conditions where True is bad. Others (node-problem-detector's) vary by vendor. */
export const NODE_PRESSURES: readonly string[] = [
  'MemoryPressure',
  'DiskPressure',
  'PIDPressure',
  'NetworkUnavailable',
];

/** Nodes: NotReady is urgent (4: every pod on it is in doubt); pressure is a warning (2). */
export function rollupNodes(nodes: readonly Node[], problems: Problem[]): NodeHealth[] {
  return nodes.map((n) => {
    const conditions = n.status?.conditions ?? [];
    const readyCondition = conditions.find((c) => c.type === 'Ready');
    const ready = readyCondition?.status === 'True';
    const pressures = NODE_PRESSURES.filter((type) =>
      conditions.some((c) => c.type === type && c.status === 'True'),
    );
    const name = n.metadata?.name ?? '';
    if (!ready || pressures.length > 0) {
      const reason = ready ? (pressures[0] ?? 'MemoryPressure') : 'NodeNotReady';
      const why = ready
        ? pressures.join(', ')
        : (readyCondition?.message ??
          (readyCondition ? `Ready is ${readyCondition.status}` : 'no Ready condition reported'));
      problems.push({
        severity: ready ? 2 : 4,
        namespace: '',
        reason,
        owner: { kind: 'Node', name },
        message: !ready && pressures.length ? `${why} · ${pressures.join(', ')}` : why,
        suggestion: suggestionFor(reason),
        kind: 'node',
      });
    }
    return { name, ready, pressures, unschedulable: n.spec?.unschedulable === true };
  });
}

/** Argo CD verdicts by urgency; Progressing and Suspended are states, not problems. */
const APP_SEVERITY: Readonly<Record<string, number>> = {
  SyncFailed: 3,
  Degraded: 3,
  Missing: 3,
  OutOfSync: 2,
  Unknown: 1,
};

export function rollupApplications(
  apps: readonly ArgoApplication[],
  problems: Problem[],
): ApplicationHealth[] {
  return apps.map((a) => {
    const app: ApplicationHealth = {
      name: a.metadata?.name ?? '',
      namespace: a.metadata?.namespace ?? '',
      sync: a.status?.sync?.status ?? 'Unknown',
      health: a.status?.health?.status ?? 'Unknown',
    };
    const operation = a.status?.operationState;
    const candidates = [
      operation?.phase === 'Failed' || operation?.phase === 'Error' ? 'SyncFailed' : undefined,
      app.health,
      app.sync,
    ];
    let reason: string | undefined;
    for (const c of candidates)
      if (c !== undefined && (APP_SEVERITY[c] ?? 0) > (reason ? (APP_SEVERITY[reason] ?? 0) : 0)) reason = c;
    if (reason !== undefined) {
      const detail = reason === 'SyncFailed' ? operation?.message : a.status?.health?.message;
      problems.push({
        severity: APP_SEVERITY[reason] ?? 1,
        namespace: app.namespace,
        reason,
        owner: { kind: 'Application', name: app.name },
        message: `${app.sync} · ${app.health}${detail ? ` · ${detail}` : ''}`,
        suggestion: suggestionFor({ reason, kind: 'application' }),
        kind: 'application',
      });
    }
    return app;
  });
}

/**
 * A quota at or above `threshold` (0.9) of any hard limit is a warning (2): the next pods or
 * rollouts are about to be rejected. At 100 % they already are (3).
 */
export function quotaProblems(quota: ResourceQuota, threshold: number): Problem[] {
  const hard = quota.status?.hard ?? quota.spec?.hard ?? {};
  const used = quota.status?.used ?? {};
  const tight = Object.keys(hard)
    .map((resource) => ({
      resource,
      used: parseQuantity(used[resource]),
      hard: parseQuantity(hard[resource]),
    }))
    .filter((r) => r.hard > 0 && r.used / r.hard >= threshold)
    .sort((a, b) => b.used / b.hard - a.used / a.hard || (a.resource < b.resource ? -1 : 1));
  const top = tight[0];
  if (!top) return [];
  return [
    {
      severity: top.used >= top.hard ? 3 : 2,
      namespace: quota.metadata?.namespace ?? '',
      reason: 'QuotaNearLimit',
      owner: { kind: 'ResourceQuota', name: quota.metadata?.name ?? '' },
      message: tight
        .map(
          (r) =>
            `${r.resource} ${Math.round((r.used / r.hard) * 100)}% (${used[r.resource]} of ${hard[r.resource]})`,
        )
        .join(', '),
      suggestion: suggestionFor('QuotaNearLimit'),
      kind: 'quota',
    },
  ];
}
