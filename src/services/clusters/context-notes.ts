import type { ContextInfo } from '../../adapters/k8s/kubeconfig';

/**
 * What a context's row says about how it connects, beside its health: today, that TLS is not
 * verified. No `vscode` here, so the words are tested in plain Node.
 */
export interface ContextNotes {
  /** Words appended to the row's description. */
  readonly description?: string;
  /** Lines appended to the row's tooltip. */
  readonly tooltip: readonly string[];
  readonly warning: boolean;
}

export const INSECURE_TLS = 'TLS verification is off for this cluster';

export function contextNotes(context: ContextInfo | undefined): ContextNotes {
  if (!context?.insecure) return { tooltip: [], warning: false };
  return {
    description: 'TLS not verified',
    tooltip: [
      `${INSECURE_TLS} (insecure-skip-tls-verify in the kubeconfig): anyone on the network path could read or change the traffic, credentials included.`,
    ],
    warning: true,
  };
}

/** The log line for an insecure context (logged once per context and session). */
export function insecureLogLine(context: ContextInfo): string {
  return `context ${context.name}: ${INSECURE_TLS} (${context.server}, insecure-skip-tls-verify: true).`;
}
