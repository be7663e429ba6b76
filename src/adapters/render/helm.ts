import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { parseHelmError, renderedSection, templateLineFor, type RenderError } from '../../core/render/errors';
import type { HelmRender } from '../../core/render/helm-map';
import type { SourceFile } from '../../core/render/locate';
import { probeSet, probeValues, SentinelTable } from '../../core/render/values-probe';
import { formatBytes, runTool, type RunLimits } from './run';

/** A chart and its unpacked subcharts, by the path Helm writes in `# Source:` comments. */
export interface ChartTree {
  readonly root: string;
  readonly name: string;
  /** `data-platform` → root dir, `data-platform/charts/trino` → its dir… */
  readonly charts: ReadonlyMap<string, string>;
}

export function readChartTree(dir: string): ChartTree {
  const root = resolve(dir);
  const charts = new Map<string, string>();
  const walk = (chartDir: string, prefix: string) => {
    charts.set(prefix, chartDir);
    const sub = join(chartDir, 'charts');
    if (!existsSync(sub)) return;
    for (const entry of readdirSync(sub, { withFileTypes: true })) {
      const child = join(sub, entry.name);
      if (entry.isDirectory() && existsSync(join(child, 'Chart.yaml')))
        walk(child, `${prefix}/charts/${chartName(child) ?? entry.name}`);
    }
  };
  const name = chartName(root) ?? basename(root);
  walk(root, name);
  return { root, name, charts };
}

function chartName(dir: string): string | undefined {
  try {
    const chart = parse(readFileSync(join(dir, 'Chart.yaml'), 'utf8')) as { name?: unknown } | null;
    return typeof chart?.name === 'string' ? chart.name : undefined;
  } catch {
    return undefined;
  }
}

/** Resolves a `# Source:` / error path (`data-platform/charts/trino/templates/x.yaml`) to a file. */
export function sourceFile(tree: ChartTree, source: string): string | undefined {
  let best: string | undefined;
  for (const prefix of tree.charts.keys())
    if (source.startsWith(`${prefix}/`) && (!best || prefix.length > best.length)) best = prefix;
  if (!best) return undefined;
  return join(tree.charts.get(best) as string, source.slice(best.length + 1));
}

function templatesOf(tree: ChartTree): Map<string, SourceFile> {
  const out = new Map<string, SourceFile>();
  for (const [prefix, dir] of tree.charts) {
    const walk = (d: string) => {
      if (!existsSync(d)) return;
      for (const entry of readdirSync(d, { withFileTypes: true })) {
        const path = join(d, entry.name);
        if (entry.isDirectory()) walk(path);
        else
          out.set(`${prefix}/${relative(dir, path).split('\\').join('/')}`, {
            file: path,
            text: readFileSync(path, 'utf8'),
          });
      }
    };
    walk(join(dir, 'templates'));
  }
  return out;
}

export interface HelmRequest {
  readonly helm: string;
  readonly chart: string;
  readonly release: string;
  readonly namespace: string;
  readonly values: readonly string[];
  readonly set: readonly string[];
  /** `--set-string` (Argo CD parameters with forceString). */
  readonly setString?: readonly string[];
  /** `--set-file name=path`. */
  readonly setFile?: readonly string[];
  /** `--skip-crds`, `--kube-version`, `--api-versions`: passed to both renders as given. */
  readonly extraArgs?: readonly string[];
  readonly limits: RunLimits;
  /** The second, value-tracing render; only mapping needs it (default: true). */
  readonly probe?: boolean;
}

/** A render failure placed in the workspace: the file and 1-based line a person opens. */
export interface LocatedRenderError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export type HelmOutcome =
  | { readonly ok: true; readonly render: HelmRender; readonly tree: ChartTree }
  | { readonly ok: false; readonly errors: readonly LocatedRenderError[] };

const args = (
  r: HelmRequest,
  chart: string,
  values: readonly string[],
  set: readonly string[],
  setString: readonly string[] = r.setString ?? [],
) => [
  'template',
  r.release,
  chart,
  '--namespace',
  r.namespace,
  ...values.flatMap((v) => ['--values', v]),
  ...set.flatMap((s) => ['--set', s]),
  ...setString.flatMap((s) => ['--set-string', s]),
  ...(r.setFile ?? []).flatMap((s) => ['--set-file', s]),
  ...(r.extraArgs ?? []),
];

/** `helm template`, then the probe render that traces values (see core/render/values-probe). */
export async function renderChart(request: HelmRequest): Promise<HelmOutcome> {
  const tree = readChartTree(request.chart);
  const rendering = runTool(
    request.helm,
    args(request, tree.root, request.values, request.set),
    request.limits,
  );
  // The probe render runs beside the real one (it is a second helm process, mostly waiting on
  // helm's own start-up), so mapping adds little to a save's wall time; a failed render stops it.
  const values = valuesFiles(tree, request);
  const stopProbe = new AbortController();
  const onAbort = () => stopProbe.abort();
  request.limits.signal?.addEventListener('abort', onAbort, { once: true });
  if (request.limits.signal?.aborted) stopProbe.abort();
  const probing =
    request.probe === false
      ? undefined
      : probeRender(
          { ...request, limits: { ...request.limits, signal: stopProbe.signal } },
          tree,
          values,
        ).catch(() => undefined);
  let first: Awaited<typeof rendering>;
  try {
    first = await rendering;
  } finally {
    request.limits.signal?.removeEventListener('abort', onAbort);
  }
  const failure = failed(first, request, 'helm template');
  if (failure || first.code !== 0) stopProbe.abort();
  if (failure)
    return {
      ok: false,
      errors: [{ file: join(tree.root, 'Chart.yaml'), line: 1, column: 1, message: failure }],
    };
  if (first.code !== 0) {
    const errors = parseHelmError(first.stderr);
    // "yaml: line N" counts the template's rendered lines: --debug prints them, so the line can
    // be found in the template itself.
    const debug = errors.some((e) => e.renderedLine)
      ? await runTool(
          request.helm,
          [...args(request, tree.root, request.values, request.set), '--debug'],
          request.limits,
        )
      : undefined;
    return { ok: false, errors: locateHelmErrors(errors, tree, request, debug?.stdout) };
  }
  const templates = templatesOf(tree);
  const probe = await probing;
  return {
    ok: true,
    tree,
    render: { rendered: first.stdout, templates, values, ...(probe ?? {}) },
  };
}

/** The values files a render reads, as Helm orders them: subchart defaults, the parent's blocks, -f files. */
function valuesFiles(
  tree: ChartTree,
  request: HelmRequest,
): Map<string, SourceFile & { precedence: number }> {
  const values = new Map<string, SourceFile & { precedence: number }>();
  for (const [prefix, dir] of tree.charts) {
    const file = join(dir, 'values.yaml');
    if (existsSync(file))
      values.set(file, {
        file,
        text: readFileSync(file, 'utf8'),
        precedence: 10 - prefix.split('/charts/').length,
      });
  }
  request.values.forEach((v, i) => {
    const file = resolve(v);
    // A missing -f file is helm's error to report (the render fails and names it).
    if (existsSync(file) && statSync(file).isFile())
      values.set(file, { file, text: readFileSync(file, 'utf8'), precedence: 100 + i });
  });
  return values;
}

function failed(
  result: Awaited<ReturnType<typeof runTool>>,
  request: HelmRequest,
  what: string,
): string | undefined {
  if (result.timedOut)
    return `${what} did not finish within ${Math.round(request.limits.timeoutMs / 1000)} s and was stopped`;
  if (result.tooBig) return `${what} wrote more than ${formatBytes(request.limits.maxBytes)} and was stopped`;
  if (result.code === null) return `${what} could not be run: ${result.stderr.trim()}`;
  return undefined;
}

/**
 * Probe renders by everything helm reads for them: a save that changes only values (the same
 * keys, other strings and numbers) gives the same probe, so its second helm run is skipped.
 */
const probes = new Map<string, string>();
const PROBES_KEPT = 8;

async function probeRender(
  request: HelmRequest,
  tree: ChartTree,
  values: ReadonlyMap<string, SourceFile>,
): Promise<{ probed: string; sentinels: SentinelTable } | undefined> {
  const table = new SentinelTable();
  const written = new Map<string, string>();
  for (const dir of tree.charts.values()) {
    const file = join(dir, 'values.yaml');
    const source = values.get(file);
    const probed = source ? probeValues(source.text, file, table) : undefined;
    if (probed !== undefined) written.set(file, probed);
  }
  const userTexts = request.values.map((v) => {
    const text = values.get(resolve(v))?.text ?? '';
    return probeValues(text, resolve(v), table) ?? text;
  });
  const set = request.set.map((s) => probeSet(s, table));
  const setString = (request.setString ?? []).map((s) => probeSet(s, table));
  const key = probeKey(tree.root, written, [
    request.helm,
    ...args({ ...request, setString }, '', userTexts, set),
    ...(request.setFile ?? []).map((s) => readIfFile(s.slice(s.indexOf('=') + 1))),
  ]);
  const known = probes.get(key);
  if (known !== undefined) {
    probes.delete(key);
    probes.set(key, known);
    return { probed: known, sentinels: table };
  }
  const work = mkdtempSync(join(tmpdir(), 'shipshape-probe-'));
  try {
    const copy = join(work, basename(tree.root));
    cpSync(tree.root, copy, { recursive: true, filter: (src) => !SKIPPED.test(src) });
    for (const [file, text] of written) writeFileSync(join(copy, relative(tree.root, file)), text);
    const userFiles = userTexts.map((text, i) => {
      const out = join(work, `values-${i}.yaml`);
      writeFileSync(out, text);
      return out;
    });
    const result = await runTool(
      request.helm,
      args(request, copy, userFiles, set, setString),
      request.limits,
    );
    // A chart that does arithmetic or string comparisons on a value may not render probed:
    // the mapping then falls back to template lines.
    if (result.code !== 0) return undefined;
    probes.set(key, result.stdout);
    if (probes.size > PROBES_KEPT) probes.delete(probes.keys().next().value as string);
    return { probed: result.stdout, sentinels: table };
  } finally {
    // Deleting the copy costs more than rendering it on some file systems: nobody waits for it.
    rm(work, { recursive: true, force: true }).catch(() => undefined);
  }
}

const SKIPPED = /[\\/](\.git|node_modules)$/;

/** A hash of every file under the chart (values as probed) and of the command line. */
function probeKey(root: string, written: ReadonlyMap<string, string>, command: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of command) hash.update(`${part}\0`);
  const walk = (dir: string, depth = 0) => {
    // A link back up the tree must not walk forever.
    if (depth > 32) return;
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const path = join(dir, entry.name);
      if (SKIPPED.test(path)) continue;
      // A linked folder (a subchart kept elsewhere) is read through, as helm reads it.
      if (entry.isDirectory() || (entry.isSymbolicLink() && isDirectory(path))) walk(path, depth + 1);
      else {
        hash.update(`${relative(root, path)}\0`);
        hash.update(written.get(path) ?? readIfFile(path));
        hash.update('\0');
      }
    }
  };
  walk(root);
  return hash.digest('hex');
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function readIfFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function locateHelmErrors(
  errors: readonly RenderError[],
  tree: ChartTree,
  request: HelmRequest,
  debugOutput: string | undefined,
): LocatedRenderError[] {
  return errors.map((e) => {
    if (e.fileKind === 'chart-dependency' && e.dependency) {
      const owner =
        [...tree.charts.values()].find((dir) => dependencyLine(dir, e.dependency as string) > 0) ?? tree.root;
      return {
        file: join(owner, 'Chart.yaml'),
        line: Math.max(1, dependencyLine(owner, e.dependency)),
        column: 1,
        message: `${e.message} (helm dependency build ${shownDir(owner)})`,
      };
    }
    if (e.fileKind === 'template' && e.file) {
      const file = sourceFile(tree, e.file) ?? join(tree.root, 'Chart.yaml');
      let line = e.line ?? 1;
      if (e.renderedLine && existsSync(file)) {
        const rendered = debugOutput ? renderedSection(debugOutput, e.file) : undefined;
        line = templateLineFor(readFileSync(file, 'utf8'), rendered, line);
      }
      return { file, line, column: e.column ?? 1, message: e.message };
    }
    if (e.fileKind === 'path' && e.file) {
      // A -f file as the user named it; else the chart's own values.yaml ("cannot load values.yaml").
      const given = request.values.find((v) => v === e.file || resolve(v) === resolve(e.file as string));
      const inChart = join(tree.root, e.file);
      const file = given ? resolve(given) : existsSync(inChart) ? inChart : resolve(e.file);
      return { file, line: e.line ?? 1, column: e.column ?? 1, message: e.message };
    }
    return { file: join(tree.root, 'Chart.yaml'), line: 1, column: 1, message: e.message };
  });
}

/** A folder as the user's shell would name it: relative below the working directory, else absolute (the editor's). */
function shownDir(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? dir : rel;
}

/** The 1-based line of `- name: <dependency>` in a chart's Chart.yaml, or 0. */
function dependencyLine(dir: string, dependency: string): number {
  const path = join(dir, 'Chart.yaml');
  if (!existsSync(path) || !statSync(path).isFile()) return 0;
  const lines = readFileSync(path, 'utf8').split('\n');
  const i = lines.findIndex((l) =>
    new RegExp(
      `^\\s*-?\\s*name:\\s*["']?${dependency.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*$`,
    ).test(l),
  );
  return i + 1;
}
