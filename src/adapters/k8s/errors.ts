import { redact } from '../../core/log';

/**
 * Every failure talking to a cluster, classified so the UI can say what happened in plain words
 * and offer the right next step (open kubeconfig, retry, check RBAC).
 */
export type KubeErrorKind =
  | 'unreachable'
  | 'timeout'
  | 'tls'
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'conflict'
  | 'gone'
  | 'invalid'
  | 'server'
  | 'config'
  | 'aborted'
  | 'other';

export class KubeError extends Error {
  constructor(
    readonly kind: KubeErrorKind,
    message: string,
    readonly status?: number,
    /** The API server's own message (Status.message), shown verbatim on failed writes. */
    readonly apiMessage?: string,
    /** Status.details.causes: which fields were invalid, which managers own conflicting fields. */
    readonly causes?: readonly StatusCause[],
    /** When the server asked to be left alone for a while (Status.details or Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'KubeError';
  }

  /** Worth retrying by itself: the network or the server may come back. */
  get transient(): boolean {
    return (
      this.kind === 'unreachable' || this.kind === 'timeout' || this.kind === 'server' || this.kind === 'gone'
    );
  }

  /**
   * Retrying will give the same answer until a person changes something: signs in again
   * (unauthorized), gets RBAC granted, installs a CRD, fixes the kubeconfig. Watchers stop and
   * say so instead of backing off forever and calling the data merely stale.
   */
  get needsAction(): boolean {
    return (
      this.kind === 'unauthorized' ||
      this.kind === 'forbidden' ||
      this.kind === 'notFound' ||
      this.kind === 'config'
    );
  }
}

export interface StatusCause {
  /** CauseType, serialised as `reason` ("FieldManagerConflict", "FieldValueInvalid"…). */
  readonly reason?: string;
  readonly message?: string;
  readonly field?: string;
}

export function fromStatus(status: number, body: string, what: string, retryAfterHeader?: string): KubeError {
  const error = classify(status, body, what);
  const retryAfter = retryAfterOf(body) ?? secondsOf(retryAfterHeader);
  if (retryAfter === undefined) return error;
  return new KubeError(error.kind, error.message, error.status, error.apiMessage, error.causes, retryAfter);
}

/** Retry-After as seconds (an HTTP date too), or undefined when absent or unreadable. */
function secondsOf(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds > 0 ? seconds : undefined;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000)) || undefined;
}

function retryAfterOf(body: string): number | undefined {
  try {
    const seconds = (JSON.parse(body) as { details?: { retryAfterSeconds?: unknown } } | null)?.details
      ?.retryAfterSeconds;
    return typeof seconds === 'number' && seconds > 0 ? seconds : undefined;
  } catch {
    return undefined;
  }
}

function classify(status: number, body: string, what: string): KubeError {
  let apiMessage: string | undefined;
  let reason: string | undefined;
  let causes: StatusCause[] | undefined;
  try {
    const parsed = JSON.parse(body) as {
      message?: unknown;
      reason?: unknown;
      details?: { causes?: unknown };
    };
    if (typeof parsed.message === 'string') apiMessage = parsed.message;
    if (typeof parsed.reason === 'string') reason = parsed.reason;
    if (Array.isArray(parsed.details?.causes)) causes = parsed.details.causes as StatusCause[];
  } catch {
    // Not a Status object (a proxy's HTML page, say): keep the HTTP status only.
  }
  const detail = apiMessage ? `: ${apiMessage}` : '';
  switch (status) {
    case 401:
      return new KubeError(
        'unauthorized',
        `The cluster rejected the credentials (401 Unauthorized) — they may have expired. Re-authenticate or pick another kubeconfig.`,
        status,
        apiMessage,
      );
    case 403:
      return new KubeError('forbidden', `Not allowed to ${what}${detail}`, status, apiMessage);
    case 404:
      return new KubeError('notFound', `Not found: ${what}${detail}`, status, apiMessage);
    case 409:
      return new KubeError(
        'conflict',
        `Conflict while trying to ${what}${detail}`,
        status,
        apiMessage,
        causes,
      );
    case 410:
      return new KubeError(
        'gone',
        `The watch fell too far behind (410 Gone); reloading ${what}.`,
        status,
        apiMessage,
      );
    case 422:
    case 400:
      return new KubeError(
        'invalid',
        `The API server rejected the request to ${what}${detail}`,
        status,
        apiMessage,
        causes,
      );
    default:
      if (status >= 500)
        return new KubeError(
          'server',
          `The API server failed to ${what} (${status}${reason ? ` ${reason}` : ''})${detail}`,
          status,
          apiMessage,
        );
      return new KubeError('other', `Unexpected answer (${status}) to ${what}${detail}`, status, apiMessage);
  }
}

export function fromNetwork(error: unknown, url: string): KubeError {
  if (error instanceof KubeError) return error;
  // Shown in the Clusters view: `https://user:pass@…` must not be.
  const server = redact(url);
  const code = (error as { code?: string } | null)?.code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ABORT_ERR' || (error as Error | null)?.name === 'AbortError')
    return new KubeError('aborted', 'Request cancelled.');
  if (
    ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EAI_AGAIN', 'EPIPE'].includes(
      code,
    )
  ) {
    return new KubeError(
      'unreachable',
      `Cannot reach the cluster at ${server} (${code}). Is it running, and is the address in the kubeconfig right?`,
    );
  }
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || /timed? ?out/i.test(message)) {
    return new KubeError('timeout', `The cluster at ${server} did not answer in time.`);
  }
  if (
    code.startsWith('ERR_TLS') ||
    code.includes('CERT') ||
    /certificate|self[- ]signed|SSL/i.test(message)
  ) {
    return new KubeError(
      'tls',
      `TLS failed with ${server}: ${message}. Check the kubeconfig's certificate-authority.`,
    );
  }
  return new KubeError('other', `Request to ${server} failed: ${message}`);
}

/** What to tell a person about an error: the API server's own words when it said something. */
export const messageOf = (error: unknown): string =>
  error instanceof KubeError
    ? (error.apiMessage ?? error.message)
    : error instanceof Error
      ? error.message
      : String(error);
