// `npm run demo [-- --snapshot FILE] [--port N]`: everything a newcomer needs, from a fresh clone.
// Bootstraps (npm ci, the Go build of the control plane, code-server, Chromium-free), packages the
// extension, starts the real API server with the seeded platform, and serves VS Code on loopback
// with Shipshape installed and the platform's manifests open. Ctrl-C stops everything it started.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureNodeModules } from './lib/bootstrap.mjs';
import { repoRoot } from './lib/cache.mjs';

ensureNodeModules();
const child = spawn(
  process.execPath,
  ['--import', 'tsx', join(repoRoot, 'scripts', 'harness', 'demo.ts'), ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
process.on('SIGTERM', () => child.kill('SIGTERM'));
process.on('SIGINT', () => undefined);
child.on('exit', (code) => process.exit(code ?? 1));
