import type { Pod } from '../../core/k8s/types';
import {
  LineSplitter,
  logPrefix,
  planLogs,
  podsGone,
  splitTimestamp,
  timeOrder,
  waitingContainers,
  type LogToOpen,
  type TrackedLog,
} from '../../core/pods/merged-logs';
import { streamLogs } from './actions';
import { messageOf } from './errors';
import type { KubeRest } from './rest';

export interface MergedLogOptions {
  readonly follow: boolean;
  /** Lines of each container's log to show when it is first seen. */
  readonly tailLines?: number;
  /** Keep the runtime's timestamp after the prefix. */
  readonly timestamps?: boolean;
  /** How often the pods are looked at again while following (new pods, restarts). */
  readonly pollMs?: number;
}

export interface MergedLogOutput {
  /** One log line, labelled with its pod (and container when the pod has several). */
  line(prefix: string, text: string): void;
  /** Pods and containers joining and leaving, and streams that failed. */
  note(text: string): void;
}

interface Tracked extends TrackedLog {
  active: boolean;
  lastTime?: string;
  abort?: AbortController;
  done?: Promise<void>;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * The logs of several pods in one stream, each line labelled with its pod. `pods` lists the pods
 * behind the workload (the extension's watch cache, or a LIST); while following it is asked again
 * every `pollMs`, so pods that appear are picked up, a restarted container's new log is followed
 * after its old one, and a dropped stream resumes after the last line it gave.
 */
export async function streamMergedLogs(
  rest: KubeRest,
  namespace: string,
  pods: () => Promise<readonly Pod[]> | readonly Pod[],
  options: MergedLogOptions,
  out: MergedLogOutput,
  signal: AbortSignal,
): Promise<void> {
  const tracked = new Map<string, Tracked>();
  const containers = new Map<string, number>();
  /** Pods whose leaving was said, so it is said once. */
  const left = new Set<string>();
  /** Why a container shows nothing, said once per container and reason. */
  const waitingSaid = new Map<string, string>();
  const open = (o: LogToOpen) => {
    const previous = tracked.get(o.key);
    const abort = new AbortController();
    const entry: Tracked = {
      instance: o.instance,
      active: true,
      abort,
      ...(previous?.lastTime ? { lastTime: previous.lastTime } : {}),
    };
    tracked.set(o.key, entry);
    const prefix = logPrefix(o.pod, o.container, containers.get(o.pod) ?? 1);
    if (options.follow)
      out.note(
        o.again
          ? `${prefix} ${o.instance === previous?.instance ? 'reconnected' : `restarted (restart ${o.restart})`}`
          : `${prefix} joined`,
      );
    const lines = new LineSplitter();
    // sinceTime has whole seconds: the lines of that second come again and are skipped here.
    // Within one stream nothing repeats, so equal timestamps there are all shown.
    const resumeAfter = o.sinceTime;
    const emit = (line: string) => {
      const { time, text } = splitTimestamp(line);
      if (time) {
        const order = timeOrder(time);
        if (resumeAfter && order <= resumeAfter) return;
        entry.lastTime = order;
      }
      out.line(prefix, options.timestamps ? line : text);
    };
    const stop = () => abort.abort();
    signal.addEventListener('abort', stop, { once: true });
    entry.done = streamLogs(
      rest,
      { kind: 'Pod', namespace, name: o.pod },
      {
        container: o.container,
        // A previous run has ended: there is nothing to follow.
        follow: options.follow && !o.previous,
        ...(o.previous ? { previous: true } : {}),
        ...(o.sinceTime
          ? { sinceTime: o.sinceTime.replace(/\.\d+Z$/, 'Z') }
          : options.tailLines !== undefined
            ? { tailLines: options.tailLines }
            : {}),
      },
      (chunk) => lines.push(chunk).forEach(emit),
      abort.signal,
    )
      .then(
        () => lines.flush().forEach(emit),
        (error: unknown) => {
          if (!abort.signal.aborted) out.note(`${prefix} could not read logs: ${messageOf(error)}`);
        },
      )
      .finally(() => {
        entry.active = false;
        signal.removeEventListener('abort', stop);
      });
  };

  for (;;) {
    let list: readonly Pod[] | undefined;
    try {
      list = await pods();
    } catch (error) {
      out.note(`could not list the pods: ${messageOf(error)}`);
    }
    if (signal.aborted) break;
    if (list) {
      for (const pod of list) containers.set(pod.metadata?.name ?? '', pod.spec?.containers?.length ?? 1);
      const plan = planLogs(list, tracked);
      for (const pod of list) left.delete(pod.metadata?.name ?? '');
      for (const pod of podsGone(list, tracked)) {
        if (options.follow && !left.has(pod)) out.note(`[${pod}] left`);
        left.add(pod);
      }
      for (const w of waitingContainers(list)) {
        if (waitingSaid.get(w.key) === w.status) continue;
        waitingSaid.set(w.key, w.status);
        out.note(`${logPrefix(w.pod, w.container, containers.get(w.pod) ?? 1)} ${w.status}`);
      }
      for (const key of plan.close) tracked.get(key)?.abort?.abort();
      for (const o of plan.open) open(o);
      // Gone pods are forgotten once their streams end, so a pod of the same name (a StatefulSet's
      // replacement) starts afresh.
      for (const pod of podsGone(list, tracked))
        for (const [k, t] of tracked) if (k.startsWith(`${pod}/`) && !t.active) tracked.delete(k);
    }
    if (!options.follow) break;
    await sleep(options.pollMs ?? 2000, signal);
    if (signal.aborted) break;
  }
  await Promise.all([...tracked.values()].flatMap((t) => (t.done ? [t.done] : [])));
}
