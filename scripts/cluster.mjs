// `npm run cluster [-- --scenario seeds|large]`: bootstraps (npm ci, the Go build — both cached),
// then runs the control plane with a scenario in the foreground. See scenarios/cli.ts.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureNodeModules } from './lib/bootstrap.mjs';
import { repoRoot } from './lib/cache.mjs';

ensureNodeModules();
const child = spawn(
  process.execPath,
  ['--import', 'tsx', join(repoRoot, 'scenarios', 'cli.ts'), ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
// The child handles SIGINT/SIGTERM itself (a terminal's Ctrl-C reaches it directly); we forward
// SIGTERM from a supervisor and wait for its clean exit.
process.on('SIGTERM', () => child.kill('SIGTERM'));
process.on('SIGINT', () => undefined);
child.on('exit', (code) => process.exit(code ?? 1));
// npm does not pass a SIGTERM on to its script: when npm (our parent) is gone, stop too, so a
// supervisor that only knows npm's pid never leaves a control plane behind.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) child.kill('SIGTERM');
}, 500).unref();
