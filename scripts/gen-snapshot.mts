/**
 * `node --import tsx scripts/gen-snapshot.mts`: writes demo/snapshot.json — the seeded platform as
 * `kubectl get … -A -o json` would dump it — from the real API server with the scenario loaded.
 * The extension ships it for "Start demo cluster" outside this repository, and tests read it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../scenarios/loader';
import { repoRoot } from './harness/paths';
import { startTestCluster } from './harness/testcluster';
import { restFor } from '../test/cluster/support/kube';

const PATHS = [
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
  // For Diagnose: Secret and ConfigMap keys (values blanked below), PVCs.
  '/api/v1/secrets',
  '/api/v1/configmaps',
  '/api/v1/persistentvolumeclaims',
];

/** A snapshot in the repository carries key names only: every value is blanked. */
function blankValues(item: Record<string, unknown>): void {
  for (const field of ['data', 'stringData', 'binaryData']) {
    const map = item[field];
    if (map && typeof map === 'object')
      item[field] = Object.fromEntries(Object.keys(map).map((k) => [k, '']));
  }
}

const cluster = await startTestCluster();
try {
  await loadScenario(cluster.kubeconfig, 'seeds');
  const rest = restFor(cluster.kubeconfig);
  const items: Record<string, unknown>[] = [];
  for (const path of PATHS) {
    const list = await rest.request<{ kind: string; apiVersion: string; items: Record<string, unknown>[] }>(
      'GET',
      path,
      { what: `list ${path}` },
    );
    const kind = list.kind.replace(/List$/, '');
    for (const item of list.items) {
      const meta = item['metadata'] as Record<string, unknown>;
      delete meta['managedFields'];
      if (kind === 'Secret' || kind === 'ConfigMap') blankValues(item);
      items.push({ apiVersion: list.apiVersion, kind, ...item });
    }
  }
  const out = join(repoRoot, 'demo', 'snapshot.json');
  writeFileSync(out, `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items })}\n`);
  process.stdout.write(`wrote ${out}: ${items.length} objects\n`);
} finally {
  await cluster.stop();
}
