import * as net from 'node:net';
import WebSocket from 'ws';
import { fromNetwork, fromStatus, messageOf } from './errors';
import type { KubeRest } from './rest';

/**
 * Exec and port-forward over the API server's WebSocket subresources, the way kubectl 1.30+
 * speaks them: one binary message per write, its first byte the channel. Authentication, TLS and
 * proxy come from the REST client (client-node's own Exec would bypass its credential broker).
 */

export interface PodRef {
  readonly namespace: string;
  readonly name: string;
}

/** Channels of the streaming protocol (k8s.io/apimachinery/pkg/util/remotecommand). */
const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const RESIZE = 4;
const CLOSE = 255;

export interface ExecOptions {
  readonly container?: string;
  readonly command: readonly string[];
  readonly stdin?: boolean;
  readonly tty?: boolean;
}

export interface ExecResult {
  /** The process's exit code; undefined when it could not be started (see `message`). */
  readonly exitCode: number | undefined;
  readonly message?: string;
}

export interface ExecSession {
  write(data: string | Buffer): void;
  resize(columns: number, rows: number): void;
  /** End of input (the v5 protocol's close signal; older servers only notice on close). */
  endInput(): void;
  close(): void;
  readonly done: Promise<ExecResult>;
}

export interface ExecOutput {
  stdout(data: Buffer): void;
  stderr(data: Buffer): void;
}

async function connect(
  rest: KubeRest,
  path: string,
  protocols: readonly string[],
  what: string,
  onMessage: (data: Buffer) => void,
): Promise<WebSocket> {
  const opts = await rest.upgradeOptions(path);
  const url = new URL(rest.server + path);
  url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
  const socket = new WebSocket(url, [...protocols], {
    agent: opts.agent as never,
    headers: opts.headers as Record<string, string>,
    ...(opts.ca ? { ca: opts.ca } : {}),
    ...(opts.cert ? { cert: opts.cert } : {}),
    ...(opts.key ? { key: opts.key } : {}),
    ...(opts.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
  });
  // Attached before the upgrade completes: the first messages (a port-forward's port numbers,
  // a quick command's output) can arrive before a caller's continuation runs.
  socket.on('message', onMessage);
  return new Promise<WebSocket>((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => reject(fromStatus(res.statusCode ?? 0, body, what)));
    });
    socket.once('error', (e) => reject(fromNetwork(e, rest.server)));
  });
}

/** The exit code from the error channel's Status (reason NonZeroExitCode, cause ExitCode). */
export function execResult(statusJson: string): ExecResult {
  try {
    const status = JSON.parse(statusJson) as {
      status?: string;
      message?: string;
      details?: { causes?: { reason?: string; message?: string }[] };
    };
    if (status.status === 'Success') return { exitCode: 0 };
    const code = status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message;
    if (code !== undefined && /^\d+$/.test(code))
      return { exitCode: Number(code), ...(status.message ? { message: status.message } : {}) };
    return { exitCode: undefined, message: status.message ?? statusJson };
  } catch {
    return { exitCode: undefined, message: statusJson };
  }
}

export async function openExec(
  rest: KubeRest,
  pod: PodRef,
  options: ExecOptions,
  output: ExecOutput,
): Promise<ExecSession> {
  const query = new URLSearchParams();
  for (const part of options.command) query.append('command', part);
  if (options.container) query.set('container', options.container);
  query.set('stdout', 'true');
  // A terminal merges stderr into its one stream; the server refuses both together.
  if (!options.tty) query.set('stderr', 'true');
  if (options.stdin) query.set('stdin', 'true');
  if (options.tty) query.set('tty', 'true');
  const path = `/api/v1/namespaces/${encodeURIComponent(pod.namespace)}/pods/${encodeURIComponent(pod.name)}/exec?${query.toString()}`;
  let result: ExecResult | undefined;
  const socket = await connect(
    rest,
    path,
    ['v5.channel.k8s.io', 'v4.channel.k8s.io'],
    `exec in pod ${pod.namespace}/${pod.name}`,
    (data) => {
      const payload = data.subarray(1);
      if (data[0] === STDOUT) output.stdout(payload);
      else if (data[0] === STDERR) output.stderr(payload);
      else if (data[0] === ERROR) result = execResult(payload.toString('utf8'));
    },
  );
  const done = new Promise<ExecResult>((resolve) => {
    socket.on('close', () => resolve(result ?? { exitCode: undefined, message: 'The connection closed.' }));
    socket.on('error', () => undefined);
  });
  const send = (channel: number, data: Buffer) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(Buffer.concat([Buffer.from([channel]), data]));
  };
  return {
    write: (data) => send(STDIN, typeof data === 'string' ? Buffer.from(data, 'utf8') : data),
    resize: (columns, rows) => send(RESIZE, Buffer.from(JSON.stringify({ Width: columns, Height: rows }))),
    endInput: () => {
      if (socket.protocol === 'v5.channel.k8s.io') send(CLOSE, Buffer.from([STDIN]));
    },
    close: () => socket.close(),
    done,
  };
}

/** Runs a command to completion (no input, no terminal) and collects its output. */
export async function execOnce(
  rest: KubeRest,
  pod: PodRef,
  container: string | undefined,
  command: readonly string[],
): Promise<ExecResult & { stdout: string; stderr: string }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const session = await openExec(
    rest,
    pod,
    { command, ...(container ? { container } : {}) },
    { stdout: (d) => out.push(Buffer.from(d)), stderr: (d) => err.push(Buffer.from(d)) },
  );
  const result = await session.done;
  return {
    ...result,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
  };
}

export interface PortForward {
  readonly localPort: number;
  readonly remotePort: number;
  /** Connections that failed on the pod's side (the API server's or the node's message). */
  readonly errors: readonly string[];
  close(): Promise<void>;
}

/** Where one connection goes: a pod and its port. */
export interface Route {
  readonly pod: PodRef;
  readonly port: number;
}

/**
 * Picks the pod for a new connection; `failed` names pods this connection could not reach a
 * moment ago. Throws (with a message for `errors`) when no pod can take it.
 */
export type Router = (failed: ReadonlySet<string>) => Promise<Route> | Route;

/** A pod that vanished between the pick and the upgrade is worth another pick; two are plenty. */
const PICKS_PER_CONNECTION = 3;

/**
 * Listens on a loopback port and carries each connection to `remotePort` of the pod over its own
 * WebSocket (the portforward subresource's channel protocol: data on 0, errors on 1, each channel
 * opening with the port number).
 */
export function startPortForward(
  rest: KubeRest,
  pod: PodRef,
  remotePort: number,
  localPort = 0,
): Promise<PortForward> {
  return startRoutedPortForward(rest, () => ({ pod, port: remotePort }), remotePort, localPort);
}

/**
 * A forward whose connections each ask `route` for a pod: a Service or workload forward keeps
 * working when its pod is replaced, because the next connection goes to another one. A pod that
 * refuses the upgrade (deleted since the pick) is skipped and the router asked again.
 */
export async function startRoutedPortForward(
  rest: KubeRest,
  route: Router,
  remotePort: number,
  localPort = 0,
): Promise<PortForward> {
  const errors: string[] = [];
  const sockets = new Set<net.Socket>();
  const carry = async (local: net.Socket) => {
    const failed = new Set<string>();
    for (let attempt = 0; attempt < PICKS_PER_CONNECTION; attempt++) {
      let to: Route;
      try {
        to = await route(failed);
      } catch (error) {
        errors.push(messageOf(error));
        break;
      }
      const { namespace, name } = to.pod;
      // A router with one pod only ever answers that pod: its refusal is final.
      if (failed.has(name)) break;
      const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/portforward?ports=${to.port}`;
      try {
        const socket = await connect(
          rest,
          path,
          ['v4.channel.k8s.io'],
          `port-forward to pod ${namespace}/${name}`,
          fromPod(local, errors),
        );
        pipe(local, socket);
        return;
      } catch (error) {
        errors.push(messageOf(error));
        failed.add(name);
      }
    }
    local.destroy();
  };
  const server = net.createServer((local) => {
    sockets.add(local);
    local.pause();
    local.on('close', () => sockets.delete(local));
    local.on('error', () => undefined);
    void carry(local);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(localPort, '127.0.0.1', () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  return {
    localPort: address.port,
    remotePort,
    errors,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Each channel's first message is the port number it serves (2 bytes), not data. */
function fromPod(local: net.Socket, errors: string[]): (data: Buffer) => void {
  const seen = new Set<number>();
  return (data) => {
    const channel = data[0] ?? -1;
    let payload = data.subarray(1);
    if (!seen.has(channel)) {
      seen.add(channel);
      payload = payload.subarray(2);
    }
    if (channel === 0 && payload.length > 0) local.write(payload);
    else if (channel === 1 && payload.length > 0) errors.push(payload.toString('utf8'));
  };
}

function pipe(local: net.Socket, socket: WebSocket): void {
  socket.on('close', () => local.end());
  socket.on('error', () => local.destroy());
  local.on('data', (chunk: Buffer) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(Buffer.concat([Buffer.from([0]), chunk]));
  });
  local.on('end', () => socket.close());
  local.on('close', () => socket.close());
  local.resume();
}
