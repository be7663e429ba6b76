/** "45s", "3m", "2h", "5d": the age format kubectl users read. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 90) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 90) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

export function parseTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * When a snapshot was taken, as well as it can be told: its newest timestamp. A snapshot is judged
 * at that moment (ages, "stuck Terminating"), not today.
 */
export function latestTimestamp(
  state: {
    readonly pods: readonly {
      metadata?: { creationTimestamp?: string; deletionTimestamp?: string };
      status?: { startTime?: string; conditions?: readonly { lastTransitionTime?: string }[] };
    }[];
    readonly events: readonly { lastTimestamp?: string; eventTime?: string }[];
  },
  fallback: number,
): number {
  let latest = 0;
  const see = (t: string | undefined) => {
    const ms = parseTime(t);
    if (ms !== undefined && ms > latest) latest = ms;
  };
  for (const pod of state.pods) {
    see(pod.metadata?.creationTimestamp);
    see(pod.status?.startTime);
    for (const c of pod.status?.conditions ?? []) see(c.lastTransitionTime);
  }
  for (const e of state.events) {
    see(e.lastTimestamp);
    see(e.eventTime);
  }
  return latest > 0 ? latest : fallback;
}
