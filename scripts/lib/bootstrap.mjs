// Makes `npm test`, `npm run demo` and friends work on a fresh clone: installs the locked
// dependencies when node_modules is missing or older than the lockfile. Uses only Node built-ins.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { log, repoRoot } from './cache.mjs';

export function ensureNodeModules() {
  const lock = join(repoRoot, 'package-lock.json');
  const installed = join(repoRoot, 'node_modules', '.package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  log('installing dependencies (npm ci)');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
}
