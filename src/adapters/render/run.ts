import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface RunLimits {
  /** The process (and its children) are killed after this long. */
  readonly timeoutMs: number;
  /** Output beyond this many bytes stops the process: a chart that renders gigabytes is refused. */
  readonly maxBytes: number;
  /** The editor cancels a render when the next save starts another: the process group is killed. */
  readonly signal?: AbortSignal;
}

export const DEFAULT_LIMITS: RunLimits = { timeoutMs: 60_000, maxBytes: 64 * 1024 * 1024 };

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly tooBig: boolean;
}

/**
 * Runs a renderer in its own process group, so a timeout kills what it started too (a Helm
 * plugin, a shell script's `sleep`), not just the process we spawned.
 */
export function runTool(
  bin: string,
  args: readonly string[],
  limits: RunLimits,
  cwd?: string,
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      ...(cwd ? { cwd } : {}),
      env: { ...process.env, HELM_DEBUG: 'false' },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let bytes = 0;
    let timedOut = false;
    let tooBig = false;
    const kill = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, limits.timeoutMs);
    if (limits.signal?.aborted) kill();
    limits.signal?.addEventListener('abort', kill, { once: true });
    const take = (into: Buffer[]) => (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limits.maxBytes) {
        if (!tooBig) kill();
        tooBig = true;
        return;
      }
      into.push(chunk);
    };
    child.stdout.on('data', take(out));
    child.stderr.on('data', take(err));
    const finish = (code: number | null, error?: Error) => {
      clearTimeout(timer);
      limits.signal?.removeEventListener('abort', kill);
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: error ? error.message : Buffer.concat(err).toString('utf8'),
        timedOut,
        tooBig,
      });
    };
    child.on('error', (error) => finish(null, error));
    child.on('close', (code) => finish(code));
  });
}

/** "64 MiB", "2 KiB": limits as people read them. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1048576) return `${Math.round(bytes / 1048576)} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}

/** An explicit path (a setting, `--helm`), else the first match on PATH. */
export function findTool(name: string, explicit: string | undefined): string | undefined {
  if (explicit) return executable(explicit) ? explicit : undefined;
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

function executable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
