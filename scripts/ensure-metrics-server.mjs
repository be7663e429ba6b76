// Builds the real metrics-server into the per-user cache once per version and prints its path on
// a marker line (see scripts/lib/cache.mjs). The test cluster runs it beside the API server when
// asked (scripts/harness/metrics-server.ts), so metrics.k8s.io answers as in a real cluster.
import { pathToFileURL } from 'node:url';
import { printToolPath } from './lib/cache.mjs';
import { ensureGoTool } from './lib/go-tool.mjs';

export const METRICS_SERVER_VERSION = 'v0.8.0';

export function ensureMetricsServer() {
  return ensureGoTool({
    name: 'metrics-server',
    module: 'sigs.k8s.io/metrics-server/cmd/metrics-server',
    version: METRICS_SERVER_VERSION,
    binary: 'metrics-server',
    minutes: 'about 6 CPU-minutes, module downloads included',
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printToolPath(ensureMetricsServer());
}
