import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs one of the cache scripts (they print the tool's path) and returns that path. */
export function ensureTool(script: 'ensure-testcluster.mjs' | 'ensure-code-server.mjs'): string {
  return execFileSync(process.execPath, [join(repoRoot, 'scripts', script)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}
