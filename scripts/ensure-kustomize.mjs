// Builds kustomize v5 into the per-user cache once per version and prints its path on a marker
// line (see scripts/lib/cache.mjs). The overlay tests render with it.
import { pathToFileURL } from 'node:url';
import { printToolPath } from './lib/cache.mjs';
import { ensureGoTool } from './lib/go-tool.mjs';

// v5.8.3 needs Go 1.27; v5.8.2 is the newest the Go 1.26 toolchain builds without fetching another.
export const KUSTOMIZE_VERSION = 'v5.8.2';

export function ensureKustomize() {
  return ensureGoTool({
    name: 'kustomize',
    module: 'sigs.k8s.io/kustomize/kustomize/v5',
    version: KUSTOMIZE_VERSION,
    binary: 'kustomize',
    minutes: 'about a minute',
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printToolPath(ensureKustomize());
}
