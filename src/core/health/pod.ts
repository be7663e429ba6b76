import type { Pod } from '../k8s/types';
import { SEVERITY, worstContainer, type PodClass, type Severity } from './classes';
import {
  WAITING_CLASS,
  clip,
  lastRestartAt,
  lastTerminationOf,
  plural,
  schedulerSummary,
  sidecarNames,
  type LastTermination,
} from './containers';
import { formatAge, parseTime } from './time';

export { formatAge } from './time';
export { schedulerSummary, type LastTermination } from './containers';
export { SEVERITY, type PodClass, type Severity } from './classes';

/** One pod's health as an operator reads it. */
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
  /** The most specific Kubernetes reason (CrashLoopBackOff, Init:ImagePullBackOff, Unschedulable…). */
  readonly reason: string;
  /** The container the reason belongs to. */
  readonly container?: string;
  /** Restarts summed over all containers, init containers included. */
  readonly restarts: number;
  readonly lastTermination?: LastTermination;
  /** The API's own message (scheduler, kubelet). */
  readonly message?: string;
  /** One line for a tree item: "CrashLoopBackOff · 12 restarts · OOMKilled 3m ago". */
  readonly summary: string;
}

export interface ClassifyOptions {
  /** Restarts at or above this, one of them in the last hour, make a Ready pod "restarting". */
  readonly restartThreshold?: number;
}

/** Slack past the deletion deadline before a Terminating pod counts as stuck (kubelet sync lag). */
export const STUCK_SLACK_MS = 60_000;
const HOUR_MS = 3_600_000;

/**
 * Pod-level reasons meaning "the node threw this pod out": node-pressure eviction and graceful
 * node shutdown. The pod will not come back; its controller has already replaced it.
 */
const EVICTED_REASONS: ReadonlySet<string> = new Set([
  'Evicted',
  'Preempting',
  'NodeShutdown',
  'Shutdown',
  'Terminated',
]);

type Extra = { readonly container?: string; readonly message?: string | undefined };
type ContainerStatus = NonNullable<NonNullable<Pod['status']>['containerStatuses']>[number];
type Termination = { reason?: string; exitCode?: number; finishedAt?: string } | undefined;

/** What every step of `classifyPod` reads, worked out once. */
interface PodFacts {
  readonly pod: Pod;
  readonly now: number;
  readonly status: Pod['status'];
  readonly phase: string | undefined;
  readonly inits: readonly ContainerStatus[];
  readonly apps: readonly ContainerStatus[];
  readonly all: readonly ContainerStatus[];
  readonly sidecars: ReadonlySet<string>;
  readonly restarts: number;
  readonly lastTermination: LastTermination | undefined;
  readonly condition: (type: string) => { status?: string; reason?: string; message?: string } | undefined;
  readonly make: (cls: PodClass, reason: string, summary: string, extra?: Extra) => PodHealth;
  /** " · OOMKilled 3m ago" for a container's last termination. */
  readonly ended: (t: Termination) => string;
}

type Step = (facts: PodFacts) => PodHealth | undefined;

/**
 * Classifies one pod at time `now` (ms epoch). The order of the steps is the order of what
 * the operator must know first: being deleted, finished, evicted, stuck in init, failed, a
 * failing container, unschedulable, still pending, not ready, flapping, fine.
 */
export function classifyPod(pod: Pod, now: number, options: ClassifyOptions = {}): PodHealth {
  const facts = factsOf(pod, now);
  const steps: readonly Step[] = [
    deleting,
    finishedOrEvicted,
    initStage,
    failedPhase,
    failingContainer,
    scheduling,
    readiness,
    (f) => flapping(f, options.restartThreshold ?? 3),
  ];
  for (const step of steps) {
    const health = step(facts);
    if (health) return health;
  }
  const declared = Math.max(facts.apps.length, pod.spec?.containers?.length ?? 0);
  const ready = facts.apps.filter((s) => s.ready).length;
  const restarts = facts.restarts > 0 ? ` · ${plural(facts.restarts, 'restart')}` : '';
  return facts.make('healthy', 'Running', `Running · ${ready}/${declared} ready${restarts}`);
}

function factsOf(pod: Pod, now: number): PodFacts {
  const status = pod.status;
  const inits = status?.initContainerStatuses ?? [];
  const apps = status?.containerStatuses ?? [];
  const all = [...inits, ...apps];
  const restarts = all.reduce((n, s) => n + (s.restartCount ?? 0), 0);
  const lastTermination = lastTerminationOf(all);
  const phase = status?.phase;
  const running = phase === 'Running';
  return {
    pod,
    now,
    status,
    phase,
    inits,
    apps,
    all,
    sidecars: sidecarNames(pod),
    restarts,
    lastTermination,
    condition: (type) => status?.conditions?.find((c) => c.type === type),
    make: (cls, reason, summary, extra = {}) => ({
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
      ...(extra.message ? { message: extra.message } : {}),
    }),
    ended: (t) => {
      if (!t) return '';
      const at = parseTime(t.finishedAt);
      return ` · ${t.reason ?? `exit ${t.exitCode ?? '?'}`}${at === undefined ? '' : ` ${formatAge(now - at)} ago`}`;
    },
  };
}

/** Being deleted trumps whatever the containers say: the pod is going away either way. */
const deleting: Step = ({ pod, now, make }) => {
  const meta = pod.metadata ?? {};
  const deletion = parseTime(meta.deletionTimestamp);
  if (deletion === undefined) return undefined;
  // The API server sets deletionTimestamp to request time + grace period: it already is the
  // deadline. Past it (plus slack) nothing is coming to finish the job — a lost node, or a
  // finalizer nobody removes, which is why finalizers need no slack.
  const grace = meta.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  const requested = deletion - grace * 1000;
  const finalizers = meta.finalizers ?? [];
  const stuck = now > deletion + STUCK_SLACK_MS || (finalizers.length > 0 && now > deletion);
  const since = now > requested ? ` for ${formatAge(now - requested)}` : '';
  const named = finalizers.length ? ` · finalizers: ${finalizers.join(', ')}` : '';
  return stuck
    ? make('stuckTerminating', 'Terminating', `Terminating${since} (stuck)${named}`)
    : make('terminating', 'Terminating', `Terminating${since}${named}`);
};

const finishedOrEvicted: Step = ({ status, phase, make }) => {
  if (!status) return make('pending', 'Pending', 'Pending · no status reported yet');
  if (phase === 'Succeeded') return make('succeeded', 'Completed', 'Completed');
  if (!status.reason || !EVICTED_REASONS.has(status.reason)) return undefined;
  const msg = status.message;
  return make('evicted', status.reason, `${status.reason}${msg ? ` · ${clip(msg)}` : ''}`, { message: msg });
};

/**
 * Init containers run one after another; the first unfinished one is where the pod stands.
 * kubectl's rule, prefix "Init:" included. Skipped once the pod is initialised.
 */
const initStage: Step = ({ pod, phase, inits, sidecars, condition, make, ended }) => {
  if (condition('Initialized')?.status === 'True' || phase === 'Running') return undefined;
  for (const [i, s] of inits.entries()) {
    const t = s.state?.terminated;
    if (t?.exitCode === 0) continue;
    if (sidecars.has(s.name) && (s.started || s.state?.running)) continue;
    const total = Math.max(inits.length, pod.spec?.initContainers?.length ?? 0);
    const on = { container: s.name, message: s.state?.waiting?.message ?? t?.message };
    if (t) {
      const why = t.reason ?? (t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode ?? '?'}`);
      // Pending means the kubelet will run it again: the crash loop in the making.
      const cls = phase === 'Failed' ? 'failed' : 'crashloop';
      return make(cls, `Init:${why}`, `Init:${why} · init container ${s.name}`, on);
    }
    const waiting = s.state?.waiting?.reason;
    if (waiting && waiting !== 'PodInitializing') {
      const cls = WAITING_CLASS[waiting] ?? 'pending';
      const detail =
        cls === 'crashloop'
          ? ` · ${plural(s.restartCount ?? 0, 'restart')}${ended(s.lastState?.terminated)}`
          : '';
      return make(cls, `Init:${waiting}`, `Init:${waiting}${detail} · init container ${s.name}`, on);
    }
    return make('starting', `Init:${i}/${total}`, `Init:${i}/${total} · init container ${s.name}`, on);
  }
  return undefined;
};

const failedPhase: Step = ({ status, phase, apps, lastTermination, make }) => {
  if (phase !== 'Failed' || !status) return undefined;
  const dead = apps.find((s) => s.state?.terminated && s.state.terminated.exitCode !== 0);
  const t = dead?.state?.terminated ?? lastTermination;
  const container = dead?.name ?? lastTermination?.container;
  const reason = status.reason ?? t?.reason ?? 'Failed';
  const detail = status.message
    ? ` · ${clip(status.message)}`
    : t?.exitCode !== undefined
      ? ` · exit ${t.exitCode}`
      : '';
  return make('failed', reason, `${reason}${detail}`, {
    ...(container !== undefined ? { container } : {}),
    message: status.message,
  });
};

/** The worst of the app containers, plus native sidecars once the pod is past its init phase. */
function worstOf({ pod, inits, apps, sidecars }: PodFacts): ReturnType<typeof worstContainer> {
  const watched = sidecars.size ? [...inits.filter((s) => sidecars.has(s.name)), ...apps] : apps;
  return worstContainer(watched, pod.spec?.restartPolicy);
}

const failingContainer: Step = (facts) => {
  const worst = worstOf(facts);
  if (!worst || SEVERITY[worst.cls] !== 4) return undefined;
  const s = worst.status;
  const image = facts.pod.spec?.containers?.find((c) => c.name === s.name)?.image ?? s.image;
  const detail =
    worst.cls === 'crashloop'
      ? ` · ${plural(s.restartCount ?? 0, 'restart')}${facts.ended(s.lastState?.terminated ?? s.state?.terminated)}`
      : worst.cls === 'image' && image
        ? ` · ${image}`
        : worst.message
          ? ` · ${clip(worst.message)}`
          : '';
  return facts.make(worst.cls, worst.reason, `${worst.reason}${detail}`, {
    container: s.name,
    message: worst.message,
  });
};

const scheduling: Step = (facts) => {
  const { status, phase, condition, make } = facts;
  const scheduled = condition('PodScheduled');
  if (scheduled?.status === 'False') {
    const reason = scheduled.reason ?? 'Unschedulable';
    const why = schedulerSummary(scheduled.message);
    // Other reasons (SchedulingGated) are a deliberate wait, not a capacity problem.
    const cls = reason === 'Unschedulable' ? 'unschedulable' : 'pending';
    return make(cls, reason, `${reason}${why ? ` · ${why}` : ''}`, { message: scheduled.message });
  }
  if (phase === 'Pending' || phase === undefined) {
    const worst = worstOf(facts);
    if (worst) {
      const cls = worst.cls === 'starting' ? 'starting' : 'pending';
      return make(cls, worst.reason, worst.reason, { container: worst.status.name, message: worst.message });
    }
    const message = status?.message;
    return make('pending', 'Pending', message ? `Pending · ${clip(message)}` : 'Pending', { message });
  }
  if (phase !== 'Running') {
    // "Unknown": the node stopped reporting. Not ready for sure; failed, nobody knows yet.
    return make('notReady', phase, `${phase} · the node stopped reporting this pod`, {
      message: status?.message,
    });
  }
  return undefined;
};

const readiness: Step = (facts) => {
  const { pod, apps, restarts, condition, make } = facts;
  const declared = Math.max(apps.length, pod.spec?.containers?.length ?? 0);
  const ready = apps.filter((s) => s.ready).length;
  const readyCondition = condition('Ready');
  // Container flags first; the pod condition also covers readiness gates.
  const allReady =
    (apps.length > 0 ? ready >= declared : readyCondition?.status === 'True') &&
    readyCondition?.status !== 'False';
  if (allReady) return undefined;
  const worst = worstOf(facts);
  const reason = worst?.reason ?? 'NotReady';
  const counts = declared > 0 ? ` · ${ready}/${declared} ready` : '';
  return make(
    'notReady',
    reason,
    `${reason}${counts}${restarts > 0 ? ` · ${plural(restarts, 'restart')}` : ''}`,
    {
      ...(worst ? { container: worst.status.name } : {}),
      message: worst?.message ?? readyCondition?.message,
    },
  );
};

/** Ready now, but restarted often and lately: healthy for the % yet worth a look. */
function flapping({ all, now, restarts, lastTermination, make, ended }: PodFacts, threshold: number) {
  const restartedAt = lastRestartAt(all);
  if (restarts < threshold || restartedAt === undefined || now - restartedAt >= HOUR_MS) return undefined;
  return make(
    'restarting',
    'Restarting',
    `Restarting · ${plural(restarts, 'restart')}${ended(lastTermination)}`,
    {
      ...(lastTermination ? { container: lastTermination.container } : {}),
    },
  );
}
