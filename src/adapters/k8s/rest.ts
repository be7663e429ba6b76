import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { redact, type Logger } from '../../core/log';
import { KubeError, fromNetwork, fromStatus } from './errors';
import { execCredentials, type ExecConfig, type IssuedCredential } from './exec-credential';
import { agentFor, describeProxy, proxyFor, type ProxyChoice } from './proxy';

export interface RequestOptions {
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** What the request does, for error messages ("list pods in kafka"). */
  readonly what: string;
}

export interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: Record<string, unknown>;
}

const DEFAULT_TIMEOUT_MS = 15_000;
/** Sockets for short requests; watches and log streams never take one of these. */
const REQUEST_SOCKETS = 16;

/**
 * Short requests (GET, describe, dry runs, writes, LIST pages) and long-lived streams (watches,
 * followed logs) get separate pools: a stream holds its socket for minutes, and sharing a capped
 * pool let 16 of them queue every request behind them forever.
 */
type Pool = 'request' | 'stream';

export interface KubeRestOptions {
  /** Overrides the exec credential plugin timeout (tests). */
  readonly credentialTimeoutMs?: number;
}

/**
 * A small REST client over node:https with client-node doing only authentication (TLS material,
 * bearer tokens, OIDC; exec plugins run through the shared ExecCredentials broker). Owning the transport gives us hard timeouts on every request,
 * streaming watches we can abort, connection reuse, and API error messages kept verbatim.
 */
export class KubeRest {
  readonly server: string;
  private readonly agents = new Map<Pool, https.Agent | http.Agent>();
  private material = '';
  private readonly kc: KubeConfig;
  /** The user's exec plugin, run through the shared broker instead of client-node's ExecAuth. */
  private readonly exec: ExecConfig | undefined;
  private readonly proxy: ProxyChoice | undefined;
  /** Which credential each request carried, so a 401 drops exactly that one. */
  private readonly issued = new WeakMap<https.RequestOptions, IssuedCredential>();

  constructor(
    kc: KubeConfig,
    private readonly log: Logger,
    private readonly settings: KubeRestOptions = {},
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new KubeError('config', `The context "${kc.getCurrentContext()}" names no cluster.`);
    this.server = cluster.server.replace(/\/+$/, '');
    // kubectl's rules: the cluster's proxy-url, else HTTPS_PROXY / HTTP_PROXY unless NO_PROXY.
    this.proxy = proxyFor(this.server, cluster.proxyUrl);
    if (this.proxy)
      log.info(`${kc.getCurrentContext()}: connecting through proxy ${describeProxy(this.proxy)}`);
    const split = withoutExec(kc);
    this.kc = split.kc;
    this.exec = split.exec;
  }

  private async options(
    method: string,
    path: string,
    query: RequestOptions['query'],
    pool: Pool = 'request',
  ): Promise<https.RequestOptions> {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const opts: https.RequestOptions = {
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      headers: { Accept: 'application/json' },
    };
    // Fresh auth per request: OIDC tokens expire and client-node refreshes them; exec plugin
    // credentials come from the shared broker (cached until they expire).
    await this.kc.applyToHTTPSOptions(opts);
    if (this.exec) {
      const user = this.kc.getCurrentUser();
      const credential = await execCredentials.get(
        user?.name ?? '',
        this.exec,
        this.kc.getCurrentCluster() as unknown as Record<string, unknown> | undefined,
        this.kc.getCurrentContext(),
        this.settings.credentialTimeoutMs,
      );
      const status = credential.status;
      if (status.clientCertificateData && status.clientKeyData) {
        opts.cert = status.clientCertificateData;
        opts.key = status.clientKeyData;
      }
      if (status.token) opts.headers = { ...opts.headers, Authorization: `Bearer ${status.token}` };
      this.issued.set(opts, credential);
    }
    // The TLS material is re-read per request (client-node reads cert files each time): a client
    // certificate renewed in place must not stay hidden behind the pooled agent's old one.
    const material = tlsFingerprint(opts);
    if (material !== this.material) this.destroyAgents();
    this.material = material;
    let agent = this.agents.get(pool);
    if (!agent) {
      const tls = tlsOf(opts);
      // Streams are not capped: each is one watch or one open log view, and the API server's
      // own limits (max-requests-inflight excludes watches) are what bound them.
      const maxSockets = pool === 'request' ? REQUEST_SOCKETS : Infinity;
      agent = agentFor(this.server, this.proxy, {
        keepAlive: true,
        maxSockets,
        ...(url.protocol === 'https:' ? tls : {}),
      });
      this.agents.set(pool, agent);
    }
    opts.agent = agent;
    return opts;
  }

  async request<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const text = await this.raw(method, path, options);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** One request, whole body as text. Rejects with a KubeError on any failure or timeout. */
  async raw(method: string, path: string, options: RequestOptions): Promise<string> {
    let opts: https.RequestOptions;
    try {
      opts = await this.options(method, path, options.query);
    } catch (error) {
      throw error instanceof KubeError
        ? error
        : new KubeError(
            'config',
            redact(
              `Cannot authenticate to ${this.server}: ${error instanceof Error ? error.message : String(error)}`,
            ),
          );
    }
    // Authentication can take a while (an exec plugin runs): a cancel during it must still count.
    if (options.signal?.aborted) throw new KubeError('aborted', 'Request cancelled.');
    const body =
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body);
    // Content-Length always: Node sends DELETE bodies neither chunked nor sized by default, and the
    // server then reads the body as the start of the next request on this keep-alive socket.
    if (body !== undefined) {
      opts.headers = {
        ...opts.headers,
        'Content-Type': options.contentType ?? 'application/json',
        'Content-Length': Buffer.byteLength(body),
      };
    }
    const started = Date.now();
    return new Promise<string>((resolve, reject) => {
      const client = opts.protocol === 'http:' ? http : https;
      const req = client.request(opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          this.log.trace(`${method} ${path} → ${res.statusCode ?? '?'} in ${Date.now() - started} ms`);
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(text);
          else reject(this.refused(opts, fromStatus(status, text, options.what, retryAfter(res))));
        });
        res.on('error', (e) => reject(fromNetwork(e, this.server)));
      });
      const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      req.setTimeout(timeout, () =>
        req.destroy(Object.assign(new Error(`timed out after ${timeout} ms`), { code: 'ETIMEDOUT' })),
      );
      // The socket timeout above starts only once a socket is assigned: a request queued for a
      // free one must time out too, or it waits forever behind slow ones. A request destroyed
      // while queued says nothing until it gets a socket, so the rejection is ours to make.
      const queued = setTimeout(() => {
        const error = Object.assign(new Error(`timed out after ${timeout} ms waiting for a connection`), {
          code: 'ETIMEDOUT',
        });
        reject(fromNetwork(error, this.server));
        req.destroy(error);
      }, timeout);
      req.once('socket', () => clearTimeout(queued));
      req.once('close', () => clearTimeout(queued));
      req.on('error', (e) => reject(fromNetwork(e, this.server)));
      const onAbort = () => req.destroy(Object.assign(new Error('aborted'), { name: 'AbortError' }));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('close', () => options.signal?.removeEventListener('abort', onAbort));
      req.end(body);
    });
  }

  /**
   * A streaming watch. Resolves when the server ends the stream (its timeoutSeconds elapsed) or
   * `signal` aborts; rejects on HTTP errors (410 Gone included) and network failures. If no byte
   * arrives for `idleMs` (bookmarks come every minute or so) the stream is treated as dead.
   */
  async watch(
    path: string,
    query: RequestOptions['query'],
    onEvent: (event: WatchEvent) => void,
    signal: AbortSignal,
    onOpen: () => void = () => undefined,
    idleMs = 120_000,
  ): Promise<void> {
    const opts = await this.options('GET', path, { ...query, watch: 1 }, 'stream');
    // Aborted while authenticating: the listener below would never fire and the watch would run on.
    if (signal.aborted) return;
    return new Promise<void>((resolve, reject) => {
      const client = opts.protocol === 'http:' ? http : https;
      let settled = false;
      const finish = (error?: unknown) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        if (error === undefined || signal.aborted) resolve();
        else reject(error instanceof KubeError ? error : fromNetwork(error, this.server));
      };
      const req = client.request(opts, (res) => {
        const status = res.statusCode ?? 0;
        if (status !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            finish(
              this.refused(
                opts,
                fromStatus(status, Buffer.concat(chunks).toString('utf8'), 'watch', retryAfter(res)),
              ),
            ),
          );
          return;
        }
        onOpen();
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let nl = buffer.indexOf('\n');
          while (nl >= 0) {
            const line = buffer.slice(0, nl);
            buffer = buffer.slice(nl + 1);
            if (line.trim()) {
              try {
                const event = JSON.parse(line) as WatchEvent;
                if (event.type === 'ERROR') {
                  const code = Number((event.object as { code?: unknown }).code ?? 0);
                  req.destroy();
                  finish(fromStatus(code || 500, JSON.stringify(event.object), 'watch'));
                  return;
                }
                onEvent(event);
              } catch (error) {
                this.log.warn(
                  `watch ${path}: skipped an unreadable event (${error instanceof Error ? error.message : String(error)})`,
                );
              }
            }
            nl = buffer.indexOf('\n');
          }
        });
        res.on('end', () => finish());
        res.on('error', (e) => finish(e));
      });
      req.setTimeout(idleMs, () =>
        req.destroy(Object.assign(new Error(`no data for ${idleMs} ms`), { code: 'ETIMEDOUT' })),
      );
      req.on('error', (e) => finish(e));
      const onAbort = () => {
        req.destroy();
        finish();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      req.end();
    });
  }

  /** Streams a text body (pod logs with follow) until the server closes it or `signal` aborts. */
  async stream(
    path: string,
    query: RequestOptions['query'],
    onText: (text: string) => void,
    signal: AbortSignal,
    what: string,
  ): Promise<void> {
    const opts = await this.options('GET', path, query, 'stream');
    // Aborted while authenticating (a log view closed meanwhile): no socket may open after it.
    if (signal.aborted) return;
    opts.headers = { ...opts.headers, Accept: '*/*' };
    return new Promise<void>((resolve, reject) => {
      const client = opts.protocol === 'http:' ? http : https;
      const req = client.request(opts, (res) => {
        const status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        if (status !== 200) {
          let body = '';
          res.on('data', (c: string) => (body += c));
          res.on('end', () => reject(this.refused(opts, fromStatus(status, body, what))));
          return;
        }
        res.on('data', (chunk: string) => onText(chunk));
        res.on('end', () => resolve());
        res.on('error', (e) => (signal.aborted ? resolve() : reject(fromNetwork(e, this.server))));
      });
      req.on('error', (e) => (signal.aborted ? resolve() : reject(fromNetwork(e, this.server))));
      signal.addEventListener('abort', () => req.destroy(), { once: true });
      req.end();
    });
  }

  /**
   * Authenticated options for a WebSocket upgrade (exec, port-forward): the request pool's
   * credentials and proxy, but an agent of its own, because a shell or a forwarded connection
   * holds its socket for as long as it lives and must not starve the pool.
   */
  async upgradeOptions(path: string): Promise<https.RequestOptions> {
    const opts = await this.options('GET', path, undefined);
    // The API server passes a port-forward upgrade on to the kubelet as it came, and the
    // kubelet's router answers 406 to a stream that asks for JSON.
    const { Accept: _json, ...headers } = opts.headers as Record<string, string>;
    opts.headers = headers;
    const tls = tlsOf(opts);
    opts.agent = agentFor(this.server, this.proxy, {
      keepAlive: false,
      ...(opts.protocol === 'https:' ? tls : {}),
    });
    return opts;
  }

  /** A 401 on a plugin's credential: drop it, so Refresh runs the plugin again (as client-go does). */
  private refused(opts: https.RequestOptions, error: KubeError): KubeError {
    const credential = this.issued.get(opts);
    if (error.kind === 'unauthorized' && credential) execCredentials.invalidate(credential);
    return error;
  }

  dispose(): void {
    this.destroyAgents();
  }

  private destroyAgents(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

const retryAfter = (res: http.IncomingMessage): string | undefined => {
  const header: unknown = res.headers['retry-after'];
  return typeof header === 'string' ? header : undefined;
};

function tlsFingerprint(opts: https.RequestOptions): string {
  const hash = createHash('sha256');
  for (const part of [
    opts.ca,
    opts.cert,
    opts.key,
    opts.pfx,
    opts.passphrase,
    String(opts.rejectUnauthorized),
  ])
    for (const piece of Array.isArray(part) ? part : [part]) {
      hash.update(
        typeof piece === 'string' || Buffer.isBuffer(piece) ? piece : JSON.stringify(piece ?? null),
      );
      hash.update('\0');
    }
  return hash.digest('hex');
}

/**
 * The same KubeConfig with the current user's exec plugin taken out (client-node would run it
 * on every request with no timeout), and that plugin's configuration.
 */
function withoutExec(kc: KubeConfig): { kc: KubeConfig; exec?: ExecConfig } {
  const user = kc.getCurrentUser();
  const provider = user?.authProvider as { name?: string; config?: { exec?: ExecConfig } } | undefined;
  const exec = (user?.exec as ExecConfig | undefined) ?? provider?.config?.exec;
  if (!user || !exec?.command) return { kc };
  const stripped = { ...user, exec: undefined };
  if (provider?.config?.exec || provider?.name === 'exec')
    delete (stripped as { authProvider?: unknown }).authProvider;
  const plain = new KubeConfig();
  plain.loadFromOptions({
    clusters: kc.clusters,
    users: kc.users.map((u) => (u === user ? stripped : u)),
    contexts: kc.contexts,
    currentContext: kc.getCurrentContext(),
  });
  return { kc: plain, exec };
}

/** The TLS material of a request, for the agent that carries it. */
function tlsOf(opts: https.RequestOptions): https.AgentOptions {
  return {
    ca: opts.ca,
    cert: opts.cert,
    key: opts.key,
    pfx: opts.pfx,
    passphrase: opts.passphrase,
    ...(opts.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: opts.rejectUnauthorized }),
  };
}
