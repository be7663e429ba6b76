import type { ContainerStatus, Pod } from '../k8s/types';
import { parseTime } from './time';

/** The container whose state explains a pod's class, and how it ended last time. */
export interface LastTermination {
  readonly container: string;
  readonly reason?: string;
  readonly exitCode?: number;
  readonly finishedAt?: string;
}

/** The classes a container's waiting reason maps to (see `classifyPod`). */
export type WaitingClass = 'crashloop' | 'image' | 'config' | 'starting';

/**
 * Waiting reasons the kubelet reports, by what the operator has to do about them. Reasons not
 * listed here are unknown to us: callers treat them as "not ready" rather than guess a failure.
 */
export const WAITING_CLASS: Readonly<Record<string, WaitingClass>> = {
  CrashLoopBackOff: 'crashloop',
  ImagePullBackOff: 'image',
  ErrImagePull: 'image',
  InvalidImageName: 'image',
  ErrImageNeverPull: 'image',
  ImageInspectError: 'image',
  RegistryUnavailable: 'image',
  CreateContainerConfigError: 'config',
  CreateContainerError: 'config',
  RunContainerError: 'config',
  ContainerCannotRun: 'config',
  PreStartHookError: 'config',
  PostStartHookError: 'config',
  ContainerCreating: 'starting',
  PodInitializing: 'starting',
};

/**
 * "0/3 nodes are available: 3 Insufficient cpu, 1 node(s) had untolerated taint." →
 * "Insufficient cpu; node(s) had untolerated taint". The preemption tail is dropped: it repeats
 * the count and never says what to change.
 */
export function schedulerSummary(message: string | undefined): string | undefined {
  if (!message) return undefined;
  const colon = message.indexOf(': ');
  const detail = colon >= 0 ? message.slice(colon + 2) : message;
  const parts = detail
    .replace(/\.?\s*preemption:.*$/s, '')
    .replace(/\.\s*$/, '')
    .split(/,\s*(?![^{]*\})/)
    .map((p) => p.replace(/^\d+\s+/, '').trim())
    .filter(Boolean);
  return parts.slice(0, 2).join('; ') || undefined;
}

/** The newest termination over all containers, current state or last state alike. */
export function lastTerminationOf(statuses: readonly ContainerStatus[]): LastTermination | undefined {
  let best: LastTermination | undefined;
  let bestAt = -Infinity;
  for (const s of statuses) {
    for (const t of [s.lastState?.terminated, s.state?.terminated]) {
      if (!t) continue;
      // `>=` with the current state second: when timestamps are missing, the current one wins.
      const at = parseTime(t.finishedAt) ?? 0;
      if (at < bestAt) continue;
      bestAt = at;
      best = {
        container: s.name,
        ...(t.reason !== undefined ? { reason: t.reason } : {}),
        ...(t.exitCode !== undefined ? { exitCode: t.exitCode } : {}),
        ...(t.finishedAt !== undefined ? { finishedAt: t.finishedAt } : {}),
      };
    }
  }
  return best;
}

/** When the pod last restarted a container, if the statuses say so. */
export function lastRestartAt(statuses: readonly ContainerStatus[]): number | undefined {
  let latest: number | undefined;
  for (const s of statuses) {
    if (!s.restartCount) continue;
    // A restarted container's new run started when the old one finished: either time will do.
    const at = parseTime(s.lastState?.terminated?.finishedAt) ?? parseTime(s.state?.running?.startedAt);
    if (at !== undefined && (latest === undefined || at > latest)) latest = at;
  }
  return latest;
}

/**
 * Native sidecars (init containers with restartPolicy Always) keep running after
 * initialisation; once started they no longer hold the pod in its Init phase.
 */
export function sidecarNames(pod: Pod): ReadonlySet<string> {
  const names = new Set<string>();
  for (const c of pod.spec?.initContainers ?? []) {
    // Our structural Container type does not declare restartPolicy; read it without widening it.
    if ((c as { restartPolicy?: unknown }).restartPolicy === 'Always') names.add(c.name);
  }
  return names;
}

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** API messages can be paragraphs; a tree description has one line. */
export function clip(text: string, max = 80): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
