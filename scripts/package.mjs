// Produces dist/../shipshape-<version>.vsix from a production build. Dependencies are bundled by
// esbuild, so the package carries no node_modules.
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureNodeModules } from './lib/bootstrap.mjs';
import { log, repoRoot } from './lib/cache.mjs';

export async function packageExtension(out = join(repoRoot, 'out', 'shipshape.vsix')) {
  ensureNodeModules();
  // A clean dist: stale source maps from a development build must not ship.
  rmSync(join(repoRoot, 'dist'), { recursive: true, force: true });
  mkdirSync(dirname(out), { recursive: true });
  const { build } = await import('./build.mjs');
  await build({ tests: false, production: true });
  const { createVSIX } = await import('@vscode/vsce');
  // Relative README links stay relative: the Extensions view resolves them inside the package.
  await createVSIX({
    cwd: repoRoot,
    packagePath: out,
    dependencies: false,
    allowMissingRepository: true,
    rewriteRelativeLinks: false,
  });
  log(`packaged ${out} (${Math.round(statSync(out).size / 1024)} KiB)`);
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await packageExtension(process.argv[2]);
}
