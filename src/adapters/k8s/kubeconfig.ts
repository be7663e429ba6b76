import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join, relative, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { redact } from '../../core/log';
import { KubeError } from './errors';

export interface KubeconfigSource {
  /** Files merged in order (first file's current-context wins, like kubectl). */
  readonly paths: readonly string[];
  readonly kc: KubeConfig;
}

export interface ContextInfo {
  readonly name: string;
  readonly cluster: string;
  readonly server: string;
  readonly user: string;
  readonly namespace?: string;
  readonly current: boolean;
  /** The user runs a credential program (exec plugin): never run from an untrusted workspace. */
  readonly usesExec: boolean;
  /** `insecure-skip-tls-verify: true`: the server's certificate is not checked. */
  readonly insecure: boolean;
  /**
   * A digest of the user and cluster entries (never the secrets themselves): a kubeconfig with
   * new credentials under the same context, user and server names must reconnect.
   */
  readonly credentials: string;
}

/** The standard search order: explicit path, else $KUBECONFIG (several paths), else ~/.kube/config. */
export function kubeconfigPaths(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  if (explicit && explicit.trim()) return [resolve(explicit.trim().replace(/^~(?=$|\/)/, homedir()))];
  const fromEnv = (env['KUBECONFIG'] ?? '').split(delimiter).filter(Boolean);
  if (fromEnv.length > 0) return fromEnv.map((p) => resolve(p));
  return [join(homedir(), '.kube', 'config')];
}

/**
 * Loads (never writes) the kubeconfig files. A malformed file is an error naming the file; a
 * missing file among several is skipped, as kubectl does.
 */
export function loadKubeconfig(paths: readonly string[]): KubeconfigSource {
  const existing = paths.filter((p) => existsSync(p));
  if (existing.length === 0) {
    throw new KubeError('config', `No kubeconfig found (looked at ${paths.join(', ')}).`);
  }
  const kc = new KubeConfig();
  let first = true;
  for (const path of existing) {
    const part = new KubeConfig();
    try {
      part.loadFromFile(path);
    } catch (error) {
      // The parser quotes the lines around the error, credentials included.
      const why = redact(error instanceof Error ? error.message : String(error)).trim();
      throw new KubeError('config', `The kubeconfig ${path} could not be read: ${why}`);
    }
    if (first) {
      kc.loadFromOptions({
        clusters: part.clusters,
        users: part.users,
        contexts: part.contexts,
        currentContext: part.currentContext,
      });
      first = false;
    } else {
      kc.mergeConfig(part, true);
    }
  }
  return { paths: existing, kc };
}

export function contextsOf(source: KubeconfigSource): ContextInfo[] {
  const kc = source.kc;
  return kc.getContexts().map((ctx) => {
    const cluster = kc.getCluster(ctx.cluster);
    const user = kc.getUser(ctx.user);
    const info: { -readonly [K in keyof ContextInfo]: ContextInfo[K] } = {
      name: ctx.name,
      cluster: ctx.cluster,
      // Shown in tooltips and logs: `https://user:pass@…` must not be.
      server: redact(cluster?.server ?? ''),
      user: ctx.user,
      current: ctx.name === kc.getCurrentContext(),
      usesExec: Boolean(user?.exec) || Boolean(user?.authProvider),
      insecure: cluster?.skipTLSVerify === true,
      credentials: createHash('sha256')
        .update(JSON.stringify([user ?? null, cluster ?? null]))
        .digest('hex')
        .slice(0, 16),
    };
    if (ctx.namespace) info.namespace = ctx.namespace;
    return info;
  });
}

/** A KubeConfig narrowed to one context, for one connection (the shared object stays untouched). */
export function forContext(source: KubeconfigSource, context: string): KubeConfig {
  const kc = new KubeConfig();
  const base = source.kc;
  kc.loadFromOptions({
    clusters: base.clusters,
    users: base.users,
    contexts: base.contexts,
    currentContext: context,
  });
  return kc;
}

/** Whether a path lies inside one of the workspace folders (untrusted-workspace policy). */
export function insideAny(path: string, folders: readonly string[]): boolean {
  return folders.some((folder) => {
    const rel = relative(folder, path);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  });
}
