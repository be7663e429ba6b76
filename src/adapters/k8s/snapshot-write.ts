import { writeFileSync } from 'node:fs';
import { mergeEvents } from '../../core/diagnose/event-archive';
import type { KubeEvent } from '../../core/k8s/types';
import { KubeError } from './errors';
import type { KubeRest } from './rest';

/** What a snapshot holds: the explorer's kinds, and what Diagnose reads (keys, claims, volumes). */
export const SNAPSHOT_PATHS: readonly string[] = [
  '/api/v1/namespaces',
  '/api/v1/nodes',
  '/api/v1/pods',
  '/apis/apps/v1/deployments',
  '/apis/apps/v1/replicasets',
  '/apis/apps/v1/statefulsets',
  '/apis/apps/v1/daemonsets',
  '/apis/batch/v1/jobs',
  '/apis/batch/v1/cronjobs',
  '/api/v1/services',
  '/apis/policy/v1/poddisruptionbudgets',
  '/api/v1/resourcequotas',
  '/apis/networking.k8s.io/v1/networkpolicies',
  '/api/v1/events',
  '/apis/argoproj.io/v1alpha1/applications',
  // For Diagnose: Secret and ConfigMap keys (values blanked below), claims and the volumes they bind.
  '/api/v1/secrets',
  '/api/v1/configmaps',
  '/api/v1/persistentvolumeclaims',
  '/api/v1/persistentvolumes',
  '/apis/apiregistration.k8s.io/v1/apiservices',
];

/**
 * A snapshot carries key names only: every Secret and ConfigMap value is blanked the moment its
 * list arrives, so no value reaches the file (a snapshot is made to be shared with whoever helps).
 */
function blankValues(item: Record<string, unknown>): void {
  for (const field of ['data', 'stringData', 'binaryData']) {
    const map = item[field];
    if (map && typeof map === 'object')
      item[field] = Object.fromEntries(Object.keys(map).map((k) => [k, '']));
  }
}

export interface SnapshotList {
  readonly apiVersion: 'v1';
  readonly kind: 'List';
  readonly items: Record<string, unknown>[];
}

/**
 * Reads a cluster as `kubectl get … -A -o json` would dump it, for `readSnapshot` and
 * `shipshape diagnose --snapshot` later. `archived` (the connection's EventArchive) adds the
 * events the API server has already deleted, marked with when Shipshape first saw them. A list
 * we may not read, or whose API is not installed (Argo CD), is left out and named in `skipped`.
 */
export async function readSnapshotList(
  rest: KubeRest,
  options: { archived?: readonly KubeEvent[] } = {},
): Promise<{ list: SnapshotList; skipped: string[] }> {
  const items: Record<string, unknown>[] = [];
  const skipped: string[] = [];
  for (const path of SNAPSHOT_PATHS) {
    let list: { kind?: string; apiVersion?: string; items?: Record<string, unknown>[] };
    try {
      list = await rest.request('GET', path, { what: `list ${path}`, timeoutMs: 60_000 });
    } catch (error) {
      if (error instanceof KubeError && (error.kind === 'forbidden' || error.kind === 'notFound')) {
        skipped.push(path);
        continue;
      }
      throw error;
    }
    const kind = (list.kind ?? '').replace(/List$/, '');
    let got = list.items ?? [];
    if (kind === 'Secret' || kind === 'ConfigMap') for (const item of got) blankValues(item);
    if (kind === 'Event' && options.archived)
      got = mergeEvents(got, options.archived) as Record<string, unknown>[];
    for (const item of got) {
      const meta = item['metadata'] as Record<string, unknown> | undefined;
      if (meta) delete meta['managedFields'];
      items.push({ ...item, apiVersion: item['apiVersion'] ?? list.apiVersion, kind });
    }
  }
  return { list: { apiVersion: 'v1', kind: 'List', items }, skipped };
}

export function writeSnapshotFile(path: string, list: SnapshotList): void {
  writeFileSync(path, `${JSON.stringify(list)}\n`);
}
