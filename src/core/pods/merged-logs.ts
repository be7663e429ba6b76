import type { ContainerStatus, Pod } from '../k8s/types';

/**
 * The bookkeeping behind a workload's merged logs (what stern gives): which container logs to
 * open or close as pods come, restart and go, and how to split and label their lines. The
 * streams themselves live in src/adapters/k8s/merged-logs.ts.
 */

/** One container log being followed, keyed `pod/container`. */
export interface TrackedLog {
  /** The container instance it reads (its restart count): a new one is a new log. */
  readonly instance: string;
  readonly active: boolean;
  /** The timestamp of the last line shown, to resume without repeating lines. */
  readonly lastTime?: string;
}

export interface LogToOpen {
  readonly key: string;
  readonly pod: string;
  readonly container: string;
  readonly instance: string;
  readonly restart: number;
  /** Resume after the last line shown; absent: a first look, read the tail. */
  readonly sinceTime?: string;
  /** A container seen before (a restart or a dropped stream), not a new one. */
  readonly again: boolean;
  /**
   * Read the last run of a container waiting to restart (CrashLoopBackOff): its lines say why it
   * crashed, which is what someone opening a crash-looping workload's logs came for.
   */
  readonly previous?: boolean;
}

export interface LogPlan {
  readonly open: readonly LogToOpen[];
  /** Active logs to stop: their pod is gone, or it restarted and the old instance is over. */
  readonly close: readonly string[];
}

export const logKey = (pod: string, container: string) => `${pod}/${container}`;

/**
 * What to change given the pods behind the workload now. A container has a log once it has run
 * (running or terminated); waiting ones are picked up when they start. An active log of a pod no
 * longer listed is closed; a running container whose log ended (the connection dropped) is
 * resumed after its last line.
 */
export function planLogs(pods: readonly Pod[], tracked: ReadonlyMap<string, TrackedLog>): LogPlan {
  const open: LogToOpen[] = [];
  const close: string[] = [];
  const seen = new Set<string>();
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    if (!name) continue;
    for (const status of pod.status?.containerStatuses ?? []) {
      const key = logKey(name, status.name);
      seen.add(key);
      const running = status.state?.running !== undefined;
      const crashed = crashedRun(status);
      if (!running && status.state?.terminated === undefined && crashed === undefined) continue;
      const restart = crashed ?? status.restartCount ?? 0;
      const instance = String(restart);
      const t = tracked.get(key);
      const base = {
        key,
        pod: name,
        container: status.name,
        instance,
        restart,
        ...(crashed !== undefined ? { previous: true } : {}),
      };
      if (!t) {
        open.push({ ...base, again: false });
      } else if (t.instance !== instance) {
        if (t.active) close.push(key);
        open.push({ ...base, again: true, ...(t.lastTime ? { sinceTime: t.lastTime } : {}) });
      } else if (!t.active && running) {
        open.push({ ...base, again: true, ...(t.lastTime ? { sinceTime: t.lastTime } : {}) });
      }
    }
  }
  for (const [key, t] of tracked) if (t.active && !seen.has(key)) close.push(key);
  return { open, close };
}

/**
 * The run whose log a container waiting to restart still has (the kubelet serves it as the
 * `previous` log): the one before its restart count. Undefined for a container that never ran.
 */
function crashedRun(status: ContainerStatus): number | undefined {
  const restarts = status.restartCount ?? 0;
  return status.state?.waiting && status.lastState?.terminated && restarts > 0 ? restarts - 1 : undefined;
}

/**
 * Containers with no running log, with why, so the view says why a pod shows no new lines
 * (`ContainerCreating`, `ImagePullBackOff`, or a crash loop with the last exit code) instead of
 * staying silent or calling a crash-looping container "not started".
 */
export function waitingContainers(
  pods: readonly Pod[],
): { key: string; pod: string; container: string; reason: string; status: string }[] {
  return pods.flatMap((pod) =>
    (pod.status?.containerStatuses ?? []).flatMap((s) => {
      const name = pod.metadata?.name ?? '';
      const waiting = s.state?.waiting;
      if (!name || !waiting) return [];
      const reason = waiting.reason ?? 'waiting';
      const last = s.lastState?.terminated;
      const exit = last
        ? ` after exit code ${last.exitCode ?? '?'}${last.reason ? ` (${last.reason})` : ''}; its last run's lines are shown`
        : '';
      const status = last ? `is waiting to restart: ${reason}${exit}` : `has not started: ${reason}`;
      return [{ key: logKey(name, s.name), pod: name, container: s.name, reason, status }];
    }),
  );
}

/** Pods that had a tracked log and are no longer listed (for the "- pod" line). */
export function podsGone(pods: readonly Pod[], tracked: ReadonlyMap<string, TrackedLog>): string[] {
  const names = new Set(pods.map((p) => p.metadata?.name ?? ''));
  const gone = new Set<string>();
  for (const key of tracked.keys()) {
    const pod = key.slice(0, key.indexOf('/'));
    if (!names.has(pod)) gone.add(pod);
  }
  return [...gone];
}

/** Splits a text stream into whole lines; a chunk may end mid-line. */
export class LineSplitter {
  private rest = '';

  push(chunk: string): string[] {
    const parts = (this.rest + chunk).split('\n');
    this.rest = parts.pop() ?? '';
    return parts;
  }

  /** The last line when the stream ends without a newline. */
  flush(): string[] {
    const last = this.rest;
    this.rest = '';
    return last ? [last] : [];
  }
}

/** A `timestamps=true` log line: the runtime's RFC 3339 time, a space, the text. */
export function splitTimestamp(line: string): { time?: string; text: string } {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) (.*)$/s.exec(line);
  return match ? { time: match[1] ?? '', text: match[2] ?? '' } : { text: line };
}

/**
 * A timestamp that orders as text: RFC3339Nano drops trailing zeros of the fraction
 * (`…02.1Z` is later than `…02.05Z`), so the fraction is padded to nine digits.
 */
export function timeOrder(time: string): string {
  const match = /^(.*?)(?:\.(\d+))?Z$/.exec(time);
  if (!match) return time;
  return `${match[1] ?? ''}.${(match[2] ?? '').padEnd(9, '0')}Z`;
}

/** The label in front of each merged line: the pod, and the container when the pod has several. */
export function logPrefix(pod: string, container: string, containers: number): string {
  return containers > 1 ? `[${pod}/${container}]` : `[${pod}]`;
}
