// Builds Helm 4 (the `helm` users run) into the per-user cache once per version and prints its
// path on a marker line (see scripts/lib/cache.mjs). The chart tests render with it.
import { pathToFileURL } from 'node:url';
import { printToolPath } from './lib/cache.mjs';
import { ensureGoTool } from './lib/go-tool.mjs';

export const HELM_VERSION = 'v4.3.2';

export function ensureHelm() {
  return ensureGoTool({
    name: 'helm',
    module: 'helm.sh/helm/v4/cmd/helm',
    version: HELM_VERSION,
    binary: 'helm',
    minutes: '4–12 minutes on 2 cores, module downloads included',
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printToolPath(ensureHelm());
}
