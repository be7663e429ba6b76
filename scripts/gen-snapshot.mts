/**
 * `node --import tsx scripts/gen-snapshot.mts`: writes demo/snapshot.json — the seeded platform as
 * `kubectl get … -A -o json` would dump it — from the real API server with the scenario loaded.
 * The extension ships it for "Start demo cluster" outside this repository, and tests read it.
 */
import { join } from 'node:path';
import { loadScenario } from '../scenarios/loader';
import { repoRoot } from './harness/paths';
import { startTestCluster } from './harness/testcluster';
import { restFor } from '../test/cluster/support/kube';
import { readSnapshotList, writeSnapshotFile } from '../src/adapters/k8s/snapshot-write';

const cluster = await startTestCluster();
try {
  await loadScenario(cluster.kubeconfig, 'seeds');
  // The product's own snapshot writer: Secret and ConfigMap values blanked, managedFields dropped.
  const { list } = await readSnapshotList(restFor(cluster.kubeconfig));
  const out = join(repoRoot, 'demo', 'snapshot.json');
  writeSnapshotFile(out, list);
  process.stdout.write(`wrote ${out}: ${list.items.length} objects\n`);
} finally {
  await cluster.stop();
}
