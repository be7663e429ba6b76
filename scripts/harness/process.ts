import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/** A child that tests and the demo start; `stop()` is idempotent and always resolves. */
export interface Managed {
  readonly child: ChildProcess;
  readonly output: () => string;
  stop(): Promise<void>;
}

const running = new Set<Managed>();
let hooked = false;

/**
 * Spawns a child in its own process group (so a terminal's Ctrl-C reaches only us, and we send
 * exactly one SIGTERM) and registers it to be killed if this process exits first.
 */
export function spawnManaged(
  command: string,
  args: string[],
  options: SpawnOptions & { logFile?: string },
): Managed {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  let buffer = '';
  const file = options.logFile ? createWriteStream(options.logFile) : undefined;
  const collect = (chunk: Buffer) => {
    buffer = (buffer + chunk.toString()).slice(-200_000);
    file?.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const managed: Managed = {
    child,
    output: () => buffer,
    async stop() {
      running.delete(managed);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      killGroup(child, 'SIGKILL');
      file?.end();
    },
  };
  running.add(managed);
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const m of running) killGroup(m.child, 'SIGKILL');
    });
  }
  return managed;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Resolves with the first line of the child's stdout that matches, or rejects on exit/timeout. */
export function waitForLine(
  managed: Managed,
  pattern: RegExp,
  timeoutMs: number,
  what: string,
): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = managed.output().match(pattern);
      if (match) {
        cleanup();
        resolve(match);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(
        new Error(
          `${what} exited (code ${String(code)}) before it was ready:\n${managed.output().slice(-4000)}`,
        ),
      );
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${what} not ready after ${timeoutMs} ms:\n${managed.output().slice(-4000)}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      managed.child.stdout?.off('data', check);
      managed.child.stderr?.off('data', check);
      managed.child.off('exit', onExit);
    };
    managed.child.stdout?.on('data', check);
    managed.child.stderr?.on('data', check);
    managed.child.once('exit', onExit);
    check();
  });
}

// Ports are picked below the kernel's ephemeral range: one taken from that range and released
// can go to any outgoing connection before our server binds it, even to a readiness poll that
// connects to itself (TCP self-connect). tools/testcluster/ports.go does the same.
const lowestPort = 10_000;
const handedOut = new Set<number>();

export async function freePort(): Promise<number> {
  const high = ephemeralLow();
  for (let attempt = 0; high - lowestPort > 1000 && attempt < 500; attempt++) {
    const port = lowestPort + Math.floor(Math.random() * (high - lowestPort));
    if (handedOut.has(port)) continue;
    if ((await tryListen(port)) !== undefined) {
      handedOut.add(port);
      return port;
    }
  }
  const port = await tryListen(0);
  if (port === undefined) throw new Error('no free loopback port');
  return port;
}

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.on('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

export function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether something accepts connections on a loopback port (a server we started is really gone). */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
