/**
 * The simulator's and loader's own way into the API server: the kubeconfig's current context read
 * with `yaml`, JSON over node:https, LIST/WATCH/POST/PUT/PATCH/DELETE, and its own error type.
 *
 * Why not the product's KubeRest, nor @kubernetes/client-node: the simulator stands in for the
 * kubelets and controllers the product is tested against. Sharing the product's client (or the
 * library that client authenticates with) would let a bug there shape both the cluster the tests
 * build and what the product reads back, so it could hide itself. The test cluster's kubeconfig is
 * small and fixed (scripts/harness/testcluster.ts: inline CA, client certificate and key), so an
 * independent client is ~150 lines with no timeouts to tune, retries or credential plugins.
 * eslint.config.mjs forbids scenarios/ from importing src/adapters to keep it that way.
 */
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

export type Json = Record<string, unknown>;

/** A non-2xx answer (status and the Status object's reason and message), or an ERROR watch event. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Whether `error` is the API server answering with one of `codes` (404, 409, 410…). */
export const hasStatus = (error: unknown, ...codes: number[]): boolean =>
  error instanceof ApiError && codes.includes(error.status);

export interface Call {
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly body?: unknown;
  readonly contentType?: string;
  /** What the call does, for error messages. */
  readonly what?: string;
  readonly timeoutMs?: number;
}

export interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: Json;
}

type Entry = Record<string, string | boolean | undefined>;
interface Named {
  readonly name: string;
  readonly cluster?: Entry;
  readonly user?: Entry;
  readonly context?: Entry;
}

/** Inline `*-data` (base64) or the file it names, relative to the kubeconfig as kubectl reads it. */
function material(entry: Entry, key: string, base: string): Buffer | undefined {
  const data = entry[`${key}-data`];
  if (typeof data === 'string') return Buffer.from(data, 'base64');
  const file = entry[key];
  return typeof file === 'string' ? readFileSync(resolve(base, file)) : undefined;
}

export class ApiClient {
  readonly server: string;
  private readonly agent: https.Agent | http.Agent;
  private readonly token: string | undefined;

  constructor(kubeconfig: string, context?: string) {
    const config = parse(readFileSync(kubeconfig, 'utf8')) as {
      'current-context'?: string;
      contexts?: Named[];
      clusters?: Named[];
      users?: Named[];
    };
    const find = (list: Named[] | undefined, name: unknown) => list?.find((e) => e.name === name);
    const wanted = context ?? config['current-context'];
    const ctx = find(config.contexts, wanted)?.context;
    const cluster = find(config.clusters, ctx?.['cluster'])?.cluster;
    const user = find(config.users, ctx?.['user'])?.user ?? {};
    if (!ctx || !cluster || typeof cluster['server'] !== 'string')
      throw new Error(`scenario client: ${kubeconfig} has no usable context ${String(wanted)}`);
    const base = dirname(kubeconfig);
    this.server = cluster['server'].replace(/\/+$/, '');
    this.token = typeof user['token'] === 'string' ? user['token'] : undefined;
    // Loads are bounded by their own pools; watches each hold a socket for minutes: no cap here.
    this.agent = this.server.startsWith('http:')
      ? new http.Agent({ keepAlive: true })
      : new https.Agent({
          keepAlive: true,
          ...optional('ca', material(cluster, 'certificate-authority', base)),
          ...optional('cert', material(user, 'client-certificate', base)),
          ...optional('key', material(user, 'client-key', base)),
          rejectUnauthorized: cluster['insecure-skip-tls-verify'] !== true,
        });
  }

  private open(method: string, path: string, call: Call): { req: http.ClientRequest; body?: string } {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(call.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    const headers: http.OutgoingHttpHeaders = { Accept: 'application/json' };
    if (this.token) headers['Authorization'] = `Bearer ${this.token}`;
    // Content-Length on every body: a DELETE body sent without it is read as the next request.
    if (body !== undefined) {
      headers['Content-Type'] = call.contentType ?? 'application/json';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const req = (url.protocol === 'http:' ? http : https).request(url, {
      method,
      headers,
      agent: this.agent,
    });
    return body === undefined ? { req } : { req, body };
  }

  /** One call, its JSON answer; rejects with ApiError on a non-2xx answer. */
  request<T = Json>(method: string, path: string, call: Call = {}): Promise<T> {
    const what = call.what ?? `${method} ${path}`;
    return new Promise<T>((resolvePromise, reject) => {
      const { req, body } = this.open(method, path, call);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) return reject(errorOf(status, text, what));
          try {
            resolvePromise((text ? JSON.parse(text) : undefined) as T);
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      });
      req.on('error', reject);
      req.setTimeout(call.timeoutMs ?? 60_000, () => req.destroy(new Error(`${what}: timed out`)));
      req.end(body);
    });
  }

  /**
   * A watch stream, each event to `onEvent`, until the server ends it (its timeoutSeconds), the
   * signal aborts it (resolves) or it fails (rejects; an ERROR event becomes an ApiError).
   */
  watch(
    path: string,
    query: Call['query'],
    onEvent: (event: WatchEvent) => void,
    signal: AbortSignal,
  ): Promise<void> {
    return new Promise<void>((resolvePromise, reject) => {
      if (signal.aborted) return resolvePromise();
      const { req } = this.open('GET', path, { query: { ...query, watch: 1 } });
      const abort = () => req.destroy();
      signal.addEventListener('abort', abort, { once: true });
      const finish = (error?: Error) => {
        signal.removeEventListener('abort', abort);
        if (error === undefined || signal.aborted) resolvePromise();
        else reject(error);
      };
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          if (status !== 200) return;
          let newline: number;
          while ((newline = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, newline).trim();
            buffered = buffered.slice(newline + 1);
            if (!line) continue;
            let event: WatchEvent;
            try {
              event = JSON.parse(line) as WatchEvent;
            } catch {
              res.destroy();
              return finish(new Error(`watch ${path}: unreadable event ${line.slice(0, 200)}`));
            }
            if (event.type === 'ERROR') {
              const code = Number(event.object['code'] ?? 500);
              res.destroy();
              return finish(errorOf(code, JSON.stringify(event.object), `watch ${path}`));
            }
            onEvent(event);
          }
        });
        res.on('error', finish);
        res.on('end', () => finish(status === 200 ? undefined : errorOf(status, buffered, `watch ${path}`)));
        // Cut without an end (the server went away): settles only if 'end' did not.
        res.on('close', () => finish(new Error(`watch ${path}: connection closed`)));
      });
      req.on('error', finish);
      req.end();
    });
  }

  dispose(): void {
    this.agent.destroy();
  }
}

function optional<K extends string>(key: K, value: Buffer | undefined): Partial<Record<K, Buffer>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, Buffer>);
}

function errorOf(status: number, text: string, what: string): ApiError {
  let reason = '';
  let message = text.slice(0, 500);
  try {
    const parsed = JSON.parse(text) as { reason?: unknown; message?: unknown };
    if (typeof parsed.reason === 'string') reason = parsed.reason;
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // Not a Status object: keep the text.
  }
  return new ApiError(status, reason, `${what}: ${status}${reason ? ` ${reason}` : ''}: ${message}`);
}
