import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Kept equal to TOOL_PATH_MARKER in scripts/lib/cache.mjs (a unit test checks both). */
export const TOOL_PATH_MARKER = 'SHIPSHAPE_TOOL_PATH=';

export type EnsureScript =
  | 'ensure-testcluster.mjs'
  | 'ensure-code-server.mjs'
  | 'ensure-helm.mjs'
  | 'ensure-kustomize.mjs'
  | 'ensure-metrics-server.mjs';

/**
 * Runs one of the cache scripts and returns the tool path it announces. Only the marker line
 * counts: whatever else reaches stdout (an installer that ignores our stdio, a warning) is
 * passed on to stderr instead of becoming part of the path.
 */
export function ensureTool(script: EnsureScript, env: NodeJS.ProcessEnv = process.env): string {
  const stdout = execFileSync(process.execPath, [join(repoRoot, 'scripts', script)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  });
  return toolPathFrom(stdout, script);
}

export function toolPathFrom(stdout: string, script: string): string {
  const lines = stdout.split(/\r?\n/);
  const marked = lines.filter((l) => l.startsWith(TOOL_PATH_MARKER));
  const other = lines.filter((l) => l.trim() !== '' && !l.startsWith(TOOL_PATH_MARKER));
  if (other.length > 0) process.stderr.write(`${other.join('\n')}\n`);
  const last = marked.at(-1);
  if (last === undefined) {
    throw new Error(`${script} did not print a tool path (no ${TOOL_PATH_MARKER} line in its output)`);
  }
  return last.slice(TOOL_PATH_MARKER.length).trim();
}

/**
 * The editor renders charts with the user's helm and kustomize: the demo and the e2e tier point
 * `shipshape.helm.path` / `shipshape.kustomize.path` at the cached builds (ensured here).
 */
export function renderToolSettings(): Record<string, string> {
  return {
    'shipshape.helm.path': ensureTool('ensure-helm.mjs'),
    'shipshape.kustomize.path': ensureTool('ensure-kustomize.mjs'),
  };
}
