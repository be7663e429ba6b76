import type { ContainerStatus, Pod } from '../k8s/types';
import { formatAge, parseTime } from './time';

export type PodClass =
  | 'healthy'
  | 'succeeded'
  | 'crashloop'
  | 'image'
  | 'config'
  | 'failed'
  | 'evicted'
  | 'unschedulable'
  | 'pending'
  | 'starting'
  | 'notReady'
  | 'terminating'
  | 'stuckTerminating'
  | 'restarting';

export type Severity = 0 | 1 | 2 | 3 | 4;

export interface LastTermination {
  readonly container: string;
  readonly reason?: string;
  readonly exitCode?: number;
  readonly finishedAt?: string;
}

/** One pod's health as an operator reads it (see docs in the explorer's tooltips). */
export interface PodHealth {
  readonly class: PodClass;
  /** Counts toward health %. */
  readonly healthy: boolean;
  /** False only for completed pods: they leave the denominator of health %. */
  readonly counted: boolean;
  /** Phase Running — crash-looping pods are Running too, which is why "running/total" flatters. */
  readonly running: boolean;
  /** 4 = most urgent; problems are ranked by it. */
  readonly severity: Severity;
  /** The most specific Kubernetes reason (CrashLoopBackOff, ImagePullBackOff, Unschedulable…). */
  readonly reason: string;
  readonly container?: string;
  readonly restarts: number;
  readonly lastTermination?: LastTermination;
  /** The API's own message (scheduler, kubelet). */
  readonly message?: string;
  /** One line for a tree item: "CrashLoopBackOff · 12 restarts · OOMKilled 3m ago". */
  readonly summary: string;
}

export interface ClassifyOptions {
  /** Restarts at or above this within the last hour make a Ready pod "restarting" (Popeye: 3). */
  readonly restartThreshold?: number;
}

const SEVERITY: Record<PodClass, Severity> = {
  crashloop: 4,
  image: 4,
  config: 4,
  failed: 4,
  evicted: 4,
  stuckTerminating: 4,
  unschedulable: 3,
  notReady: 2,
  pending: 2,
  terminating: 1,
  starting: 1,
  restarting: 1,
  healthy: 0,
  succeeded: 0,
};

const WAITING_CLASS: Record<string, PodClass> = {
  CrashLoopBackOff: 'crashloop',
  ImagePullBackOff: 'image',
  ErrImagePull: 'image',
  InvalidImageName: 'image',
  ErrImageNeverPull: 'image',
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

/** "0/3 nodes are available: 3 Insufficient cpu, 1 node(s) had untolerated taint." → "Insufficient cpu; node(s) had untolerated taint" */
export function schedulerSummary(message: string | undefined): string | undefined {
  if (!message) return undefined;
  const detail = message.includes(': ') ? message.slice(message.indexOf(': ') + 2) : message;
  const parts = detail
    .replace(/\.\s*(preemption:.*)?$/s, '')
    .split(/,\s*/)
    .map((p) => p.replace(/^\d+\s+/, '').trim())
    .filter(Boolean);
  return parts.slice(0, 2).join('; ') || undefined;
}

function lastTerminationOf(statuses: readonly ContainerStatus[]): LastTermination | undefined {
  let best: LastTermination | undefined;
  let bestAt = -Infinity;
  for (const s of statuses) {
    const t = s.lastState?.terminated ?? s.state?.terminated;
    if (!t) continue;
    const at = parseTime(t.finishedAt) ?? 0;
    if (at >= bestAt) {
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

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function classifyPod(pod: Pod, now: number, options: ClassifyOptions = {}): PodHealth {
  const status = pod.status;
  const meta = pod.metadata ?? {};
  const containers = status?.containerStatuses ?? [];
  const inits = status?.initContainerStatuses ?? [];
  const all = [...inits, ...containers];
  const restarts = all.reduce((n, s) => n + (s.restartCount ?? 0), 0);
  const lastTermination = lastTerminationOf(all);
  const phase = status?.phase;
  const running = phase === 'Running';
  const ready = containers.filter((s) => s.ready).length;
  const declared = Math.max(containers.length, pod.spec?.containers?.length ?? 0);

  const make = (
    cls: PodClass,
    reason: string,
    summary: string,
    extra: { container?: string; message?: string } = {},
  ): PodHealth => ({
    class: cls,
    healthy: cls === 'healthy' || cls === 'restarting',
    counted: cls !== 'succeeded',
    running,
    severity: SEVERITY[cls],
    reason,
    restarts,
    summary,
    ...(lastTermination ? { lastTermination } : {}),
    ...(extra.container !== undefined ? { container: extra.container } : {}),
    ...(extra.message !== undefined && extra.message !== '' ? { message: extra.message } : {}),
  });
  const ago = (t: LastTermination | undefined) => {
    const at = parseTime(t?.finishedAt);
    return at === undefined ? '' : ` ${formatAge(now - at)} ago`;
  };

  // Deletion first: a pod being deleted is that, whatever its containers say.
  const deletion = parseTime(meta.deletionTimestamp);
  if (deletion !== undefined) {
    // deletionTimestamp already includes the grace period; past it (plus slack) nothing is
    // coming to finish the job — a lost node or a finalizer that nobody removes.
    const stuck = now > deletion + 60_000;
    const finalizers = meta.finalizers?.length ? ` (finalizers: ${meta.finalizers.join(', ')})` : '';
    const since = now > deletion ? ` for ${formatAge(now - deletion)}` : '';
    return stuck
      ? make('stuckTerminating', 'Terminating', `Terminating${since} (stuck)${finalizers}`)
      : make('terminating', 'Terminating', `Terminating${since}${finalizers}`);
  }
  if (!status) return make('pending', 'Pending', 'Pending · no status reported yet');
  if (phase === 'Succeeded') return make('succeeded', 'Completed', 'Completed');
  if (status.reason === 'Evicted')
    return make('evicted', 'Evicted', `Evicted${status.message ? ` · ${status.message}` : ''}`, {
      ...(status.message ? { message: status.message } : {}),
    });

  // Init containers: while one of them fails, the pod never starts.
  for (const [i, s] of inits.entries()) {
    const waiting = s.state?.waiting?.reason;
    const cls = waiting ? WAITING_CLASS[waiting] : undefined;
    if (waiting && cls && cls !== 'starting') {
      return make(
        cls,
        `Init:${waiting}`,
        `Init:${waiting}${cls === 'crashloop' ? ` · ${plural(s.restartCount ?? 0, 'restart')}` : ''} · init container ${s.name}`,
        {
          container: s.name,
          ...(s.state?.waiting?.message ? { message: s.state.waiting.message } : {}),
        },
      );
    }
    const t = s.state?.terminated;
    if (t && t.exitCode !== 0 && phase !== 'Running') {
      return make(
        phase === 'Failed' ? 'failed' : 'crashloop',
        `Init:${t.reason ?? 'Error'}`,
        `Init:${t.reason ?? 'Error'} · exit ${t.exitCode ?? '?'} · init container ${s.name}`,
        { container: s.name },
      );
    }
    if (s.state?.running || waiting === 'PodInitializing') {
      return make(
        'starting',
        `Init:${i}/${inits.length}`,
        `Init:${i}/${inits.length} · running init container ${s.name}`,
        { container: s.name },
      );
    }
  }

  if (phase === 'Failed') {
    const t = lastTermination;
    const reason = status.reason ?? t?.reason ?? 'Failed';
    return make('failed', reason, `${reason}${t?.exitCode !== undefined ? ` · exit ${t.exitCode}` : ''}`, {
      ...(t?.container ? { container: t.container } : {}),
      ...(status.message ? { message: status.message } : {}),
    });
  }

  // The most severe waiting reason among the app containers.
  let worst: { cls: PodClass; reason: string; status: ContainerStatus; message?: string } | undefined;
  for (const s of containers) {
    const reason = s.state?.waiting?.reason;
    if (!reason) continue;
    const cls = WAITING_CLASS[reason] ?? 'notReady';
    if (!worst || SEVERITY[cls] > SEVERITY[worst.cls])
      worst = {
        cls,
        reason,
        status: s,
        ...(s.state?.waiting?.message ? { message: s.state.waiting.message } : {}),
      };
  }
  if (worst && worst.cls !== 'starting' && worst.cls !== 'notReady') {
    const s = worst.status;
    const detail =
      worst.cls === 'crashloop'
        ? ` · ${plural(s.restartCount ?? 0, 'restart')}${s.lastState?.terminated ? ` · ${s.lastState.terminated.reason ?? `exit ${s.lastState.terminated.exitCode ?? '?'}`}${ago({ container: s.name, ...(s.lastState.terminated.finishedAt ? { finishedAt: s.lastState.terminated.finishedAt } : {}) })}` : ''}`
        : worst.cls === 'image'
          ? ` · ${s.image ?? pod.spec?.containers?.find((c) => c.name === s.name)?.image ?? ''}`
          : worst.message
            ? ` · ${worst.message.slice(0, 80)}`
            : '';
    return make(worst.cls, worst.reason, `${worst.reason}${detail}`, {
      container: s.name,
      ...(worst.message ? { message: worst.message } : {}),
    });
  }

  const scheduled = status.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False') {
    const why = schedulerSummary(scheduled.message);
    const reason = scheduled.reason ?? 'Unschedulable';
    return make(
      reason === 'Unschedulable' ? 'unschedulable' : 'pending',
      reason,
      `${reason}${why ? ` · ${why}` : ''}`,
      { ...(scheduled.message ? { message: scheduled.message } : {}) },
    );
  }
  if (phase === 'Pending' || phase === undefined) {
    if (worst) return make('starting', worst.reason, worst.reason, { container: worst.status.name });
    return make('pending', 'Pending', status.message ? `Pending · ${status.message}` : 'Pending', {
      ...(status.message ? { message: status.message } : {}),
    });
  }
  if (phase === 'Unknown')
    return make('notReady', 'Unknown', 'Unknown · the node stopped reporting this pod', {});

  // Running: a terminated app container with a non-zero exit (restartPolicy Never) is a failure.
  const dead = containers.find((s) => s.state?.terminated && s.state.terminated.exitCode !== 0);
  if (dead?.state?.terminated) {
    const t = dead.state.terminated;
    return make(
      'failed',
      t.reason ?? 'Error',
      `${t.reason ?? 'Error'} · exit ${t.exitCode ?? '?'} · container ${dead.name}`,
      { container: dead.name },
    );
  }
  if (declared > 0 && ready < declared) {
    const reason = worst?.reason ?? 'NotReady';
    return make(
      'notReady',
      reason,
      `${reason} · ${ready}/${declared} ready${restarts > 0 ? ` · ${plural(restarts, 'restart')}` : ''}`,
      { ...(worst ? { container: worst.status.name } : {}) },
    );
  }
  const threshold = options.restartThreshold ?? 3;
  const lastRestart = parseTime(lastTermination?.finishedAt);
  if (restarts >= threshold && lastRestart !== undefined && now - lastRestart < 3_600_000) {
    return make(
      'restarting',
      'Restarting',
      `Running · ${plural(restarts, 'restart')} · last${ago(lastTermination)}${lastTermination?.reason ? ` (${lastTermination.reason})` : ''}`,
      {
        ...(lastTermination ? { container: lastTermination.container } : {}),
      },
    );
  }
  return make(
    'healthy',
    'Running',
    `Running · ${ready}/${declared} ready${restarts > 0 ? ` · ${plural(restarts, 'restart')}` : ''}`,
  );
}
