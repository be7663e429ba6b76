// `npm run test:electron`: the extension-host tests (test/vscode, the same `run()` that npm test
// drives inside code-server) under a downloaded desktop VS Code, via @vscode/test-electron.
// Not part of `npm test`: our machines cannot download VS Code. Where they can, this is the
// desktop counterpart of test/e2e/extension-host.test.ts. Needs a display (xvfb-run on Linux CI).
import { join } from 'node:path';
import { ensureNodeModules } from './lib/bootstrap.mjs';
import { log, repoRoot } from './lib/cache.mjs';

ensureNodeModules();
const { build } = await import('./build.mjs');
await build({ tests: true, production: false });
const { runTests } = await import('@vscode/test-electron');
try {
  await runTests({
    version: process.env.SHIPSHAPE_VSCODE_VERSION ?? '1.100.3',
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: join(repoRoot, 'out', 'test', 'vscode', 'index.js'),
    launchArgs: [
      join(repoRoot, 'test', 'fixtures', 'workspaces', 'basic'),
      '--disable-extensions',
      '--disable-workspace-trust',
    ],
  });
} catch (error) {
  log(
    `extension-host tests under @vscode/test-electron failed: ${error instanceof Error ? error.message : String(error)}` +
      '\n(if VS Code could not be downloaded, this machine has no route to update.code.visualstudio.com: npm test runs the same tests inside code-server)',
  );
  process.exit(1);
}
