/**
 * Runs a runbook's `exec` checks through the API server's exec subresource, one after the other.
 * Callers decide whether they may run at all (runbook opt-in, trusted workspace, unprotected
 * context, `--allow-exec`); this only runs them. Output is never kept nor logged: only the exit
 * code and the first line of stderr (redacted), which the evidence shows.
 */
import type { ClusterState } from '../../core/k8s/types';
import { redact } from '../../core/log';
import { execKey, execPod, type ExecCheck, type ExecCheckResult } from '../../core/runbook/catalog/exec';
import type { KubeRest } from './rest';
import { openExec, type ExecSession } from './streams';

export const EXEC_CHECK_TIMEOUT_MS = 10_000;
/** Enough stderr for its first line; the rest is dropped as it arrives. */
const STDERR_CAP = 4096;
const LINE_CAP = 200;

const firstLine = (stderr: string): string | undefined => {
  const line = stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  return line === undefined ? undefined : redact(line).slice(0, LINE_CAP);
};

async function runOne(
  rest: KubeRest,
  check: ExecCheck,
  pod: string,
  timeoutMs: number,
): Promise<ExecCheckResult> {
  let stderr = '';
  let session: ExecSession | undefined;
  let timer: NodeJS.Timeout | undefined;
  let expired = false;
  const timedOut = new Promise<ExecCheckResult>((resolve) => {
    timer = setTimeout(() => {
      expired = true;
      session?.close();
      resolve({ pod, error: `timed out after ${Math.round(timeoutMs / 1000)} s` });
    }, timeoutMs);
  });
  const ran = (async (): Promise<ExecCheckResult> => {
    session = await openExec(
      rest,
      { namespace: check.namespace, name: pod },
      { command: check.command, ...(check.container !== undefined ? { container: check.container } : {}) },
      {
        stdout: () => undefined,
        stderr: (d) => {
          if (stderr.length < STDERR_CAP) stderr += d.toString('utf8');
        },
      },
    );
    // The socket opened after the deadline: nobody waits for it any more.
    if (expired) session.close();
    const result = await session.done;
    const line = firstLine(stderr);
    return result.exitCode === undefined
      ? { pod, error: redact(result.message ?? 'no exit code') }
      : { pod, exitCode: result.exitCode, ...(line !== undefined ? { stderr: line } : {}) };
  })().catch((e: unknown) => ({ pod, error: redact(e instanceof Error ? e.message : String(e)) }));
  try {
    return await Promise.race([ran, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** Each check's result under its `execKey`; a check that cannot choose a pod gets its reason. */
export async function runExecChecks(
  rest: KubeRest,
  checks: readonly ExecCheck[],
  state: ClusterState,
  timeoutMs = EXEC_CHECK_TIMEOUT_MS,
): Promise<Map<string, ExecCheckResult>> {
  const results = new Map<string, ExecCheckResult>();
  for (const check of checks) {
    const key = execKey(check);
    if (results.has(key)) continue;
    const target = execPod(check, state);
    results.set(key, 'error' in target ? target : await runOne(rest, check, target.pod, timeoutMs));
  }
  return results;
}
