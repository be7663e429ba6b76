import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { redact } from '../../core/log';
import { KubeError } from './errors';

/** A kubeconfig user's `exec` entry (client.authentication.k8s.io), as the YAML holds it. */
export interface ExecConfig {
  readonly command: string;
  readonly args?: readonly string[];
  readonly env?: readonly { readonly name: string; readonly value: string }[] | null;
  readonly apiVersion?: string;
  readonly interactiveMode?: 'Never' | 'IfAvailable' | 'Always';
  readonly provideClusterInfo?: boolean;
  readonly installHint?: string;
}

/** What a plugin prints: `ExecCredential.status`. */
export interface ExecCredentialStatus {
  readonly token?: string;
  readonly clientCertificateData?: string;
  readonly clientKeyData?: string;
  readonly expirationTimestamp?: string;
}

/** A credential handed to one request; `generation` lets a 401 drop exactly this one. */
export interface IssuedCredential {
  readonly key: string;
  readonly generation: number;
  readonly status: ExecCredentialStatus;
}

/**
 * A plugin that may be waiting for a person (a browser sign-in, a device code on stderr). The
 * extension shows it as a cancellable notification; the CLI ignores it.
 */
export interface SignInPrompt {
  readonly plugin: string;
  readonly context: string;
  /** What the plugin wrote to stderr so far (redacted): device-code plugins print their instructions there. */
  output(): string;
  onOutput(listener: (text: string) => void): void;
  readonly done: Promise<void>;
  cancel(): void;
}

/**
 * Timeouts: 60 s for a plugin that never asks anyone anything; 180 s when it may wait for a person
 * (kubelogin itself gives a browser sign-in 180 s), so an MFA prompt is not cut short.
 */
export const PLUGIN_TIMEOUT_MS = { unattended: 60_000, interactive: 180_000 } as const;
/** A token fetch normally takes well under this; past it, tell the user the plugin may want them. */
const PROMPT_AFTER_MS = 2_000;
/** Renew a little before expiry, so a request does not leave with a token that dies in flight. */
const EXPIRY_MARGIN_MS = 10_000;

interface Entry {
  readonly generation: number;
  readonly status: ExecCredentialStatus;
  /** Absent: no expirationTimestamp, kept until the API server answers 401 (as client-go does). */
  readonly expires?: number;
}

/**
 * Runs exec credential plugins for every connection in this process: one run at a time per user
 * entry (15 informers starting together share it), the answer cached until it expires, a hard
 * timeout that kills the plugin, and a prompt for plugins that may be waiting for a person.
 * client-node's own ExecAuth has none of this (one process per request, no timeout).
 */
export class ExecCredentials {
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();
  private readonly promptListeners = new Set<(prompt: SignInPrompt) => void>();
  private generation = 0;

  onSignIn(listener: (prompt: SignInPrompt) => void): { dispose(): void } {
    this.promptListeners.add(listener);
    return { dispose: () => this.promptListeners.delete(listener) };
  }

  async get(
    userName: string,
    exec: ExecConfig,
    cluster: Record<string, unknown> | undefined,
    context: string,
    timeoutMs?: number,
  ): Promise<IssuedCredential> {
    const key = cacheKey(userName, exec, cluster);
    const cached = this.cache.get(key);
    if (cached && (cached.expires === undefined || Date.now() < cached.expires - EXPIRY_MARGIN_MS))
      return { key, generation: cached.generation, status: cached.status };
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.run(exec, cluster, context, timeoutMs).then(
        (entry) => {
          this.inflight.delete(key);
          this.cache.set(key, entry);
          return entry;
        },
        (error: unknown) => {
          // Failures are not cached: Refresh (after the user fixed the plugin) runs it again.
          this.inflight.delete(key);
          throw error;
        },
      );
      this.inflight.set(key, pending);
    }
    const entry = await pending;
    return { key, generation: entry.generation, status: entry.status };
  }

  /** The API server refused this credential (401): the next request runs the plugin again. */
  invalidate(credential: IssuedCredential): void {
    if (this.cache.get(credential.key)?.generation === credential.generation)
      this.cache.delete(credential.key);
  }

  private run(
    exec: ExecConfig,
    cluster: Record<string, unknown> | undefined,
    context: string,
    timeoutMs: number | undefined,
  ): Promise<Entry> {
    const plugin = basename(exec.command);
    const interactive = (exec.interactiveMode ?? 'IfAvailable') !== 'Never';
    const limit = timeoutMs ?? (interactive ? PLUGIN_TIMEOUT_MS.interactive : PLUGIN_TIMEOUT_MS.unattended);
    const fail = (message: string) =>
      new KubeError('unauthorized', `The credential plugin \`${plugin}\` ${message} (context ${context}).`);
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const { name, value } of exec.env ?? []) env[name] = value;
    // What client-go tells a plugin. There is no terminal to hand over: interactive is false,
    // and stdin is closed so a plugin that prompts there fails instead of hanging.
    env['KUBERNETES_EXEC_INFO'] = JSON.stringify({
      apiVersion: exec.apiVersion ?? 'client.authentication.k8s.io/v1beta1',
      kind: 'ExecCredential',
      spec: { interactive: false, ...(exec.provideClusterInfo && cluster ? { cluster } : {}) },
    });
    return new Promise<Entry>((resolve, reject) => {
      const child = spawn(exec.command, [...(exec.args ?? [])], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
      });
      let stdout = '';
      let stderr = '';
      let settled = false;
      const outputListeners = new Set<(text: string) => void>();
      let finished: () => void = () => undefined;
      const done = new Promise<void>((r) => (finished = r));
      const settle = (error: KubeError | undefined, entry?: Entry) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(promptTimer);
        finished();
        if (error) {
          if (child.exitCode === null) child.kill('SIGKILL');
          reject(error);
        } else if (entry) resolve(entry);
      };
      const timer = setTimeout(() => settle(fail(`did not answer in ${Math.round(limit / 1000)} s`)), limit);
      let prompted = false;
      const prompt = () => {
        if (prompted || settled || !interactive) return;
        prompted = true;
        const signIn: SignInPrompt = {
          plugin,
          context,
          output: () => redact(stderr),
          onOutput: (listener) => outputListeners.add(listener),
          done,
          cancel: () => settle(fail('was stopped: sign-in cancelled')),
        };
        for (const listener of this.promptListeners) listener(signIn);
      };
      const promptTimer = setTimeout(prompt, PROMPT_AFTER_MS);
      child.stdout.setEncoding('utf8');
      child.stderr.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => (stdout += chunk));
      child.stderr.on('data', (chunk: string) => {
        stderr += chunk;
        prompt();
        for (const listener of outputListeners) listener(redact(stderr));
      });
      child.on('error', (error: NodeJS.ErrnoException) => {
        const hint = exec.installHint ? ` ${exec.installHint.trim()}` : '';
        settle(
          fail(
            error.code === 'ENOENT'
              ? `was not found (${exec.command}).${hint} Install it or fix the kubeconfig, then Refresh`
              : `could not start: ${error.message}`,
          ),
        );
      });
      child.on('close', (code) => {
        if (code !== 0) {
          const said = redact(stderr.trim()).split('\n').slice(-3).join(' ');
          settle(fail(`failed (exit code ${code ?? 'signal'})${said ? `: ${said}` : ''}`));
          return;
        }
        try {
          const status = parseCredential(stdout);
          const expires = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) : NaN;
          settle(undefined, {
            generation: ++this.generation,
            status,
            ...(Number.isFinite(expires) ? { expires } : {}),
          });
        } catch (error) {
          settle(
            fail(
              `printed no usable ExecCredential: ${error instanceof Error ? error.message : String(error)}`,
            ),
          );
        }
      });
    });
  }
}

function parseCredential(stdout: string): ExecCredentialStatus {
  const parsed = JSON.parse(stdout) as { kind?: unknown; status?: ExecCredentialStatus };
  if (parsed.kind !== 'ExecCredential') throw new Error('kind is not ExecCredential');
  const status = parsed.status;
  if (!status || (!status.token && !(status.clientCertificateData && status.clientKeyData)))
    throw new Error('status has neither a token nor a client certificate and key');
  return status;
}

function cacheKey(userName: string, exec: ExecConfig, cluster: Record<string, unknown> | undefined): string {
  return createHash('sha256')
    .update(JSON.stringify([userName, exec, exec.provideClusterInfo ? (cluster ?? null) : null]))
    .digest('hex');
}

/** One broker per process: every connection to every context shares the plugin runs. */
export const execCredentials = new ExecCredentials();
