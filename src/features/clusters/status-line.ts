import { Commands } from '../../constants';
import type { SourceStatus } from '../../services/clusters/sources';

/**
 * What the Clusters tree says about a cluster whose data is not live, and the one next step it
 * offers. No `vscode` here: tests check the words and the command in plain Node, and the tree
 * only turns the icon names into ThemeIcons.
 */
export interface StatusLine {
  /** The line shown under the cluster. */
  readonly text: string;
  readonly tooltip: string;
  /** A few words for the cluster's own row, where the health figures would be. */
  readonly summary?: string;
  readonly icon: 'loading~spin' | 'warning' | 'error' | 'lock';
  readonly severity?: 'warning' | 'error';
  readonly command?: { readonly title: string; readonly command: string };
}

export function statusLine(status: SourceStatus): StatusLine | undefined {
  const time = (ms: number | undefined) => (ms ? new Date(ms).toLocaleTimeString() : 'the start');
  switch (status.state) {
    case 'connecting':
      return { text: 'Connecting…', tooltip: 'Connecting…', icon: 'loading~spin' };
    case 'stale': {
      const text = `Stale since ${time(status.since)} — ${status.error?.message ?? 'connection lost'} Retrying by itself.`;
      return {
        text,
        tooltip: text,
        icon: 'warning',
        severity: 'warning',
        command: { title: 'Retry now', command: Commands.refresh },
      };
    }
    case 'failed': {
      const text = status.error?.message ?? 'Cannot read this cluster.';
      if (status.error?.kind === 'unauthorized')
        return {
          text,
          // Nothing retries by itself here: the user signs in again first, then asks for it.
          tooltip: `${text}\n\nAfter signing in again, Refresh reconnects. Open kubeconfig… uses other credentials.`,
          // No HTTP status: the credential plugin failed before anything reached the server.
          summary: status.error.status === undefined ? 'sign-in failed' : 'credentials rejected',
          icon: 'error',
          severity: 'error',
          command: { title: 'Open kubeconfig…', command: Commands.openKubeconfig },
        };
      return {
        text,
        tooltip: text,
        summary: status.error?.kind === 'config' ? 'kubeconfig problem' : 'cannot read the cluster',
        icon: 'error',
        severity: 'error',
        command:
          status.error?.kind === 'config'
            ? { title: 'Open kubeconfig…', command: Commands.openKubeconfig }
            : { title: 'Retry', command: Commands.refresh },
      };
    }
    case 'blocked':
      return { text: status.reason, tooltip: status.reason, icon: 'lock' };
    default:
      return undefined;
  }
}
