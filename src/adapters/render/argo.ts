import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  helmSettings,
  inlineLocation,
  kustomizeSettings,
  mayHoldArgoApp,
  readArgoApps,
  type ArgoApp,
  type ArgoSource,
  type InlineValues,
} from '../../core/render/argo-app';
import type { LiveAppMatch } from '../../core/render/cluster-apps';
import type { RenderLint } from '../../core/render/helm-map';
import type { MappedFinding } from '../../core/render/locate';
import { renderChart, type HelmOutcome, type HelmRequest, type LocatedRenderError } from './helm';
import { kustomizationIn } from './kustomize';
import type { RunLimits } from './run';

/** Something about the Application itself, shown on its file (0-based line). */
export interface AppProblem {
  readonly line: number;
  readonly message: string;
  readonly severity: 'error' | 'warning' | 'info';
}

/** How Argo CD renders one source of one Application, with paths on this machine. */
export interface AppPlan {
  readonly app: string;
  /** The workspace file that holds the Application; absent for one the cluster serves. */
  readonly appFile?: string;
  readonly document: number;
  /** An Application the cluster serves: which context, which object, and what matched. */
  readonly live?: { readonly context: string; readonly id: string; readonly matched: string };
  readonly kind: 'helm' | 'kustomize';
  /** The chart or overlay folder. */
  readonly dir: string;
  readonly namespace: string | undefined;
  readonly helm?: {
    readonly release: string;
    readonly namespace: string;
    /** Existing value files, in Argo CD's order (the inline values come after them). */
    readonly values: readonly string[];
    readonly set: readonly string[];
    readonly setString: readonly string[];
    readonly setFile: readonly string[];
    readonly extraArgs: readonly string[];
    readonly inline: InlineValues | undefined;
  };
  readonly kustomize?: { readonly overlay: Readonly<Record<string, unknown>> | undefined };
  readonly problems: readonly AppProblem[];
}

/** The Argo CD Applications of a file (none when it is not one, or cannot be read). */
export function appsInFile(file: string): ArgoApp[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return mayHoldArgoApp(text) ? readArgoApps(text) : [];
}

/**
 * The repository root an Application's `path` is relative to: the nearest folder, from the
 * Application file's own folder upwards, that holds that path as a chart or overlay. An
 * Application usually lives in the repo it deploys (`argocd/` next to `helm/`), so this finds the
 * checkout's root without asking git, and still works when the workspace is a subfolder of it.
 */
export function repoRootFor(appFile: string, path: string): string | undefined {
  for (let dir = dirname(resolve(appFile)); ; dir = dirname(dir)) {
    const candidate = join(dir, path);
    if (isRoot(candidate)) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

const isRoot = (dir: string) =>
  statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true &&
  (existsSync(join(dir, 'Chart.yaml')) || kustomizationIn(dir) !== undefined);

/** Every source of the file's Applications that is a chart or overlay on this machine. */
export function plansInFile(appFile: string): AppPlan[] {
  const apps = appsInFile(appFile);
  return apps.flatMap((app) => app.sources.flatMap((source) => planFor(appFile, app, source) ?? []));
}

export function planFor(appFile: string, app: ArgoApp, source: ArgoSource): AppPlan | undefined {
  if (!source.path || source.chart) return undefined;
  const repo = repoRootFor(appFile, source.path);
  if (!repo) return undefined;
  return planAt(repo, app, source, { app: app.name, appFile: resolve(appFile), document: app.document });
}

/** An Application the cluster serves, matched with a root of the workspace (see matchLiveApps). */
export function livePlan(match: LiveAppMatch, context: string): AppPlan | undefined {
  const where = `Argo CD app ${match.id} in ${context}`;
  const plan = planAt(match.repoRoot, match.app, match.source, {
    app: match.app.name,
    document: 0,
    live: { context, id: match.id, matched: match.matched },
  });
  // A live Application has no file to show its problems on: they name it instead.
  return (
    plan && {
      ...plan,
      problems: plan.problems.map((p) => ({ ...p, line: 0, message: `${where}: ${p.message}` })),
    }
  );
}

function planAt(
  repo: string,
  app: ArgoApp,
  source: ArgoSource,
  base: Pick<AppPlan, 'app' | 'appFile' | 'document' | 'live'>,
): AppPlan | undefined {
  if (!source.path) return undefined;
  const dir = join(repo, source.path);
  if (!isRoot(dir)) return undefined;
  if (existsSync(join(dir, 'Chart.yaml'))) {
    const s = helmSettings(app, source);
    const problems: AppProblem[] = s.notes.map((message) => ({ line: app.line, message, severity: 'info' }));
    const values: string[] = [];
    for (const v of s.valueFiles) {
      if ('unresolved' in v) {
        problems.push({ line: v.line, message: `value file ${v.unresolved}: ${v.why}`, severity: 'warning' });
        continue;
      }
      const file = join(repo, v.path);
      if (statSync(file, { throwIfNoEntry: false })?.isFile()) values.push(file);
      else if (!s.ignoreMissingValueFiles)
        problems.push({
          line: v.line,
          message: `value file ${v.path} does not exist: Argo CD cannot render app ${app.name} (rendered without it; ignoreMissingValueFiles: true skips it)`,
          severity: 'error',
        });
    }
    return {
      ...base,
      dir,
      kind: 'helm',
      namespace: s.namespace,
      helm: {
        release: s.release,
        namespace: s.namespace,
        values,
        set: s.set,
        setString: s.setString,
        setFile: s.setFile.map((f) => {
          const eq = f.indexOf('=');
          return `${f.slice(0, eq)}=${join(repo, f.slice(eq + 1))}`;
        }),
        extraArgs: s.extraArgs,
        inline: s.inline,
      },
      problems,
    };
  }
  const k = kustomizeSettings(app, source);
  return {
    ...base,
    dir,
    kind: 'kustomize',
    namespace: k.namespace,
    kustomize: { overlay: k.overlay },
    problems: k.notes.map((message) => ({ line: app.line, message, severity: 'info' })),
  };
}

export type AppHelmOutcome = HelmOutcome & {
  /** Puts findings from the inline values on the Application file. */
  readonly relocate: (lint: RenderLint) => RenderLint;
};

/**
 * `helm template` as Argo CD runs it for a plan: the inline values go to a temporary file after
 * the value files (Argo CD gives them precedence the same way), parameters after that.
 */
export async function renderPlanChart(
  helm: string,
  plan: AppPlan,
  limits: RunLimits,
  extra: Partial<HelmRequest> = {},
): Promise<AppHelmOutcome> {
  const h = plan.helm;
  if (!h) throw new Error(`${plan.dir} is not a chart`);
  const work = h.inline ? mkdtempSync(join(tmpdir(), 'shipshape-argo-')) : undefined;
  const inlineFile = work ? join(work, `${plan.app}-${h.inline?.key ?? 'values'}.yaml`) : undefined;
  try {
    if (inlineFile && h.inline) writeFileSync(inlineFile, h.inline.text);
    const outcome = await renderChart({
      helm,
      chart: plan.dir,
      release: h.release,
      namespace: h.namespace,
      values: inlineFile ? [...h.values, inlineFile] : h.values,
      set: h.set,
      setString: h.setString,
      setFile: h.setFile,
      extraArgs: h.extraArgs,
      limits,
      ...extra,
    });
    const appFile = plan.appFile;
    const onApp = (line: number, column: number) => {
      if (!h.inline || !appFile) return undefined;
      const text = readFileSync(appFile, 'utf8');
      return inlineLocation(text, plan.document, h.inline, line, column);
    };
    const relocate = (lint: RenderLint): RenderLint =>
      inlineFile
        ? { ...lint, findings: lint.findings.map((m) => relocated(m, inlineFile, plan, onApp)) }
        : lint;
    if (outcome.ok) return { ...outcome, relocate };
    return {
      ok: false,
      errors: outcome.errors.map((e): LocatedRenderError => {
        if (e.file !== inlineFile) return e;
        const at = onApp(Math.max(0, e.line - 1), Math.max(0, e.column - 1));
        const message = plan.live
          ? `${e.message} (in the inline values of Argo CD app ${plan.live.id})`
          : e.message;
        return {
          ...e,
          message,
          file: appFile ?? join(plan.dir, 'Chart.yaml'),
          line: (at?.line ?? 0) + 1,
          column: (at?.column ?? 0) + 1,
        };
      }),
      relocate,
    };
  } finally {
    if (work) rmSync(work, { recursive: true, force: true });
  }
}

function relocated(
  m: MappedFinding,
  inlineFile: string,
  plan: AppPlan,
  onApp: (line: number, column: number) => ReturnType<typeof inlineLocation>,
): MappedFinding {
  if (m.location?.file !== inlineFile) return m;
  // The cluster's Application has no file here: the finding stays on the rendered object.
  if (!plan.appFile) return { ...m, location: undefined };
  const at = onApp(m.location.line, m.location.column);
  return {
    ...m,
    location: {
      file: plan.appFile,
      ...(at ?? { line: 0, column: 0, endLine: 0, endColumn: 0 }),
      via: 'values',
      note: `inline ${plan.helm?.inline?.key ?? 'values'} of Argo CD app ${plan.app}`,
    },
  };
}

/** The git checkouts the folders sit in (the nearest folder upwards holding `.git`). */
/**
 * The remote URLs of each git checkout (from its config, no git binary needed). A worktree's
 * `.git` file points at its gitdir, whose `commondir` holds the shared config. Unreadable: none,
 * so matching falls back to paths alone.
 */
export function gitRemotes(roots: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const root of roots) {
    try {
      out.set(root, remoteURLs(readFileSync(gitConfigOf(root), 'utf8')));
    } catch {
      // Not a checkout we can read: no remotes.
    }
  }
  return out;
}

function gitConfigOf(root: string): string {
  const dotGit = join(root, '.git');
  if (statSync(dotGit).isDirectory()) return join(dotGit, 'config');
  const gitdir = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim() ?? '';
  const dir = resolve(root, gitdir);
  const common = existsSync(join(dir, 'commondir'))
    ? readFileSync(join(dir, 'commondir'), 'utf8').trim()
    : '.';
  return join(resolve(dir, common), 'config');
}

export function remoteURLs(config: string): string[] {
  const urls: string[] = [];
  let inRemote = false;
  for (const line of config.split('\n')) {
    const section = /^\s*\[([^\]]+)\]/.exec(line);
    if (section) inRemote = /^remote\s+"/.test(section[1] ?? '');
    const url = inRemote ? /^\s*url\s*=\s*(.+?)\s*$/.exec(line)?.[1] : undefined;
    if (url) urls.push(url);
  }
  return urls;
}

export function gitRoots(dirs: readonly string[]): string[] {
  const out = new Set<string>();
  for (const start of dirs)
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      if (existsSync(join(dir, '.git'))) {
        out.add(dir);
        break;
      }
      if (dirname(dir) === dir) break;
    }
  return [...out];
}
