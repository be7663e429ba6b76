import { targetLabel, type ForwardTarget, type PodRoute } from './forward-target';

/**
 * What the status bar and the Clusters view show of the active port-forwards, from plain values,
 * so both say the same thing and the wording is tested without an editor.
 */

/** An active forward as the views see it. */
export interface ActiveForward {
  /** The kubeconfig context it runs on (the Clusters view's top-level row). */
  readonly context: string;
  readonly target: ForwardTarget;
  readonly localPort: number;
  /**
   * Where a Service or workload forward's next connection goes; null when no pod behind it is
   * ready. Absent for a pod forward, which has no choice to show.
   */
  readonly route?: PodRoute | null;
}

/** One forward's row under its context in the Clusters view. */
export interface ForwardRow {
  /** Which forward: stays the same while it runs, even when it moves to another pod. */
  readonly key: string;
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  readonly address: string;
}

/** The forward's identity within its context (what Stop and Open in Browser look up). */
export function forwardKey(target: ForwardTarget): string {
  return `${target.namespace}/${target.kind}/${target.name}:${target.port}`;
}

const routed = (f: ActiveForward) => f.route !== undefined;

/** `8080→web-0:8080`; a Service or workload forward adds its pod: `3000→svc/grafana:3000 (grafana-5d8f-x2)`. */
export function statusLabel(f: ActiveForward): string {
  const base = `${f.localPort}→${targetLabel(f.target)}`;
  return routed(f) ? `${base} (${f.route?.pod ?? 'no ready pod'})` : base;
}

/** `127.0.0.1:34615 → svc/web:80 (pod web-a)`: the status bar's words, with the whole address. */
export function rowLabel(f: ActiveForward): string {
  const base = `127.0.0.1:${f.localPort} → ${targetLabel(f.target)}`;
  if (!routed(f)) return base;
  return `${base} (${f.route ? `pod ${f.route.pod}` : 'no ready pod'})`;
}

/** The forwards to list under one context, in the order they started (the status bar's order). */
export function forwardRows(forwards: readonly ActiveForward[], context: string): ForwardRow[] {
  return forwards
    .filter((f) => f.context === context)
    .map((f) => {
      const { kind, namespace, name, port } = f.target;
      const via = !routed(f)
        ? ''
        : f.route
          ? `\nConnections go to pod ${f.route.pod}:${f.route.port}.`
          : '\nNo pod behind it is ready: connections fail until one is.';
      return {
        key: forwardKey(f.target),
        label: rowLabel(f),
        description: namespace,
        tooltip: `127.0.0.1:${f.localPort} → ${kind} ${namespace}/${name}:${port}${via}`,
        address: `127.0.0.1:${f.localPort}`,
      };
    });
}

/** The group row's label: `Port forwards (2)`. */
export const forwardsLabel = (count: number) => `Port forwards (${count})`;
