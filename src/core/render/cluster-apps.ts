import { argoAppFrom, joinPath, type ArgoApp, type ArgoSource } from './argo-app';
import { stableJson } from '../text/stable-json';

/**
 * Argo CD Applications the cluster serves, matched with the charts and overlays of the
 * workspace: an Application whose `path` is a chart or overlay folder here renders it the way
 * that Application says, as a workspace Application does. Pure: paths are compared as strings.
 */

/** A chart or overlay folder of the workspace (absolute). */
export interface RootRef {
  readonly kind: 'helm' | 'kustomize';
  readonly dir: string;
}

export interface LiveAppMatch {
  readonly app: ArgoApp;
  readonly source: ArgoSource;
  /** `argocd/data-platform`: how messages name the live Application. */
  readonly id: string;
  readonly root: RootRef;
  /** The folder the Application's paths (value files, `$values/…`) are relative to, here. */
  readonly repoRoot: string;
  /** What matched, in words: `spec.source.path helm/charts/data-platform` and how. */
  readonly matched: string;
}

/**
 * Each source of each Application whose `path` names a root: the root's folder ends with that
 * path. Where the repository root is known (a workspace folder, a git checkout) the path must
 * start there; otherwise the match is on the path's end alone, and only for paths of two or more
 * segments (`path: app` would match any folder called app). Argo CD's `repoURL` and
 * `targetRevision` are not compared with the checkout: `matched` says so.
 */
export function matchLiveApps(
  objects: readonly unknown[],
  roots: readonly RootRef[],
  bases: readonly string[],
  /** A checkout's folder → its git remotes' URLs: an Application of another repository is not it. */
  remotes: ReadonlyMap<string, readonly string[]> = new Map(),
  /** Told of each Application left out for its repoURL: a mirror's other URL must not go unseen. */
  skipped: (why: string) => void = () => undefined,
): LiveAppMatch[] {
  const known = new Set(bases.map(trimEnd));
  const out: LiveAppMatch[] = [];
  for (const object of objects) {
    const app = argoAppFrom(object, 0);
    if (!app) continue;
    const id = `${namespaceOf(object) ?? ''}/${app.name}`;
    for (const source of app.sources) {
      if (!source.path || source.chart) continue;
      const path = joinPath('.', source.path);
      const wanted = path === '.' ? [] : path.split('/');
      const candidates = roots.flatMap((root) => {
        const segments = trimEnd(root.dir).split(/[\\/]/);
        const tail = segments.slice(segments.length - wanted.length);
        if (wanted.length >= segments.length || !tail.every((s, i) => s === wanted[i])) return [];
        const repoRoot =
          segments.slice(0, segments.length - wanted.length).join(separatorOf(root.dir)) || '/';
        return [{ root, repoRoot, known: known.has(repoRoot) }];
      });
      const anchored = candidates.filter((c) => c.known);
      const picked = anchored.length > 0 ? anchored : wanted.length >= 2 ? candidates : [];
      const field = source.at
        .map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`))
        .join('')
        .slice(1);
      for (const c of picked) {
        const urls = (remotes.get(c.repoRoot) ?? []).map(repoKey);
        const sameRepo = source.repoURL !== undefined && urls.includes(repoKey(source.repoURL));
        // A checkout whose remotes are known and differ is another repository that happens to
        // have a folder of the same name: rendering it as that Application would be a lie.
        if (urls.length > 0 && source.repoURL !== undefined && !sameRepo) {
          skipped(
            `Argo CD app ${id} renders path ${path} of ${source.repoURL}, not of this checkout ` +
              `(${c.repoRoot}: ${(remotes.get(c.repoRoot) ?? []).join(', ')}); not rendered as it`,
          );
          continue;
        }
        out.push({
          app,
          source,
          id,
          root: c.root,
          repoRoot: c.repoRoot,
          matched: `${field}.path ${path} ${
            c.known ? 'from the repository root' : 'matches the end of the folder'
          } (${
            sameRepo
              ? "repoURL is this checkout's remote; targetRevision not compared"
              : 'repoURL and targetRevision not compared with this checkout'
          })`,
        });
      }
    }
  }
  return out;
}

/** A workspace Application wins over the cluster's Application of the same name. */
export function notShadowed<T extends { readonly app: string }>(
  live: readonly T[],
  workspaceApps: readonly string[],
): T[] {
  const names = new Set(workspaceApps);
  return live.filter((p) => !names.has(p.app));
}

/**
 * What of a live Application changes a render: its sources and destination. A status write (each
 * sync, each health check) leaves it alone, so only a real edit renders the chart again.
 */
export function renderKey(object: unknown): string {
  const o = (object ?? {}) as {
    metadata?: { name?: unknown; namespace?: unknown };
    spec?: Record<string, unknown>;
  };
  return stableJson([
    o.metadata?.namespace,
    o.metadata?.name,
    o.spec?.['source'],
    o.spec?.['sources'],
    o.spec?.['destination'],
  ]);
}

/**
 * One spelling per repository: `git@github.com:org/repo.git`, `ssh://git@github.com/org/repo` and
 * `https://github.com/org/repo/` are the same repository to Argo CD and to a person.
 */
export function repoKey(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/^[a-z+]+:\/\//, '')
    .replace(/^[^@/]+@/, '')
    .replace(/^([^/:]+):(?!\d+\/)/, '$1/')
    .replace(/^([^/:]+):\d+\//, '$1/')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
}

const namespaceOf = (object: unknown): string | undefined => {
  const ns = (object as { metadata?: { namespace?: unknown } } | undefined)?.metadata?.namespace;
  return typeof ns === 'string' ? ns : undefined;
};
const trimEnd = (dir: string) => (dir.length > 1 ? dir.replace(/[\\/]+$/, '') : dir);
const separatorOf = (dir: string) => (dir.includes('/') ? '/' : '\\');
