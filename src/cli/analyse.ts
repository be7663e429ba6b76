import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { readManifest } from '../adapters/fs/files';
import { analyseFile, type AnalyseOptions } from '../core/rules/engine';
import { allRules } from '../core/rules/registry';
import { indexFile, type IndexedObject, type ScopeIndex } from '../core/rules/scope';
import type { Finding, RuleOptions, SeveritySetting } from '../core/rules/types';
import { parseManifestFile, type ManifestFile, type ParseProblem } from '../core/yaml/parse';

/** JSON-able analysis settings (rules themselves are code, loaded by every worker). */
export interface LintConfig {
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  readonly severities?: Readonly<Record<string, SeveritySetting>>;
  readonly options?: Partial<RuleOptions>;
}

export interface Position1 {
  readonly line: number;
  readonly column: number;
}
export interface Range1 {
  readonly start: Position1;
  readonly end: Position1;
}
export interface LocatedFinding extends Finding {
  readonly file: string;
  readonly range: Range1;
  /** For a chart or overlay: the object as rendered (the finding itself sits on its source line). */
  readonly rendered?: { readonly file: string; readonly document: number; readonly path: string };
  /** How the source line was found (template, values, action, base, patch). */
  readonly via?: string;
}
export interface FileProblem {
  readonly file: string;
  readonly message: string;
  readonly code: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly range?: Range1;
}
export interface LintResult {
  readonly files: number;
  readonly bytes: number;
  readonly findings: LocatedFinding[];
  readonly problems: FileProblem[];
}

interface Parsed {
  readonly path: string;
  readonly file: ManifestFile;
}

const options = (config: LintConfig, index: ScopeIndex): AnalyseOptions => ({
  rules: allRules,
  index,
  ...(config.include ? { include: config.include } : {}),
  ...(config.exclude ? { exclude: config.exclude } : {}),
  ...(config.severities ? { severities: config.severities } : {}),
  ...(config.options ? { options: config.options } : {}),
});

function range1(file: ManifestFile, start: number, end: number): Range1 {
  const a = file.lines.positionAt(start);
  const b = file.lines.positionAt(end);
  return {
    start: { line: a.line + 1, column: a.character + 1 },
    end: { line: b.line + 1, column: b.character + 1 },
  };
}

/** Phase 1 for a batch of files: read + parse (kept for phase 2) and extract index entries. */
function parseBatch(
  paths: readonly string[],
  parsed: Parsed[],
  problems: FileProblem[],
): { entries: IndexedObject[]; bytes: number } {
  const entries: IndexedObject[] = [];
  let bytes = 0;
  for (const path of paths) {
    const read = readManifest(path);
    bytes += read.bytes;
    if ('error' in read) {
      problems.push({ file: path, message: read.error, code: 'UNREADABLE', severity: 'error' });
      continue;
    }
    const file = parseManifestFile(read.text);
    parsed.push({ path, file });
    entries.push(...indexFile(file, path));
  }
  return { entries, bytes };
}

/** Phase 2: rules over every parsed file with the merged index. */
function analyseBatch(
  parsed: readonly Parsed[],
  config: LintConfig,
  index: ScopeIndex,
): { findings: LocatedFinding[]; problems: FileProblem[] } {
  const findings: LocatedFinding[] = [];
  const problems: FileProblem[] = [];
  for (const { path, file } of parsed) {
    const analysis = analyseFile(file, options(config, index));
    for (const f of analysis.findings)
      findings.push({ ...f, file: path, range: range1(file, f.start, f.end) });
    for (const p of analysis.problems) problems.push(problemOf(path, file, p));
  }
  return { findings, problems };
}

function problemOf(path: string, file: ManifestFile, p: ParseProblem): FileProblem {
  return {
    file: path,
    message: p.message,
    code: p.code,
    severity: p.severity,
    range: range1(file, p.start, p.end),
  };
}

/**
 * Lints files in two phases (index everything, then run rules with the whole index, so
 * cross-resource rules see every file), spread over worker threads when there is enough input.
 */
export async function lintFiles(
  paths: readonly string[],
  config: LintConfig,
  totalBytes: number,
  threads?: number,
): Promise<LintResult> {
  const workers = Math.max(1, Math.min(threads ?? defaultThreads(), paths.length, 8));
  if (workers === 1 || totalBytes < 512 * 1024) {
    const parsed: Parsed[] = [];
    const problems: FileProblem[] = [];
    const { entries, bytes } = parseBatch(paths, parsed, problems);
    const result = analyseBatch(parsed, config, { scope: 'workspace', objects: entries });
    return {
      files: paths.length,
      bytes,
      findings: result.findings,
      problems: [...problems, ...result.problems],
    };
  }
  return lintWithWorkers(paths, config, workers);
}

/**
 * On two cores, two workers lost to one thread (3.1 s vs 2.8 s on the benchmark corpus): V8's GC
 * helpers and the results' trip through JSON eat the second core. From three cores on they win.
 */
function defaultThreads(): number {
  const cores = availableParallelism();
  return cores <= 2 ? 1 : cores;
}

// Results cross threads as JSON text: structured clone of ~25k small finding objects measured
// ~1 s between a worker's postMessage and the main thread's handler, JSON ~0.1 s.
type ToWorker = { type: 'parse'; paths: string[] } | { type: 'analyse'; config: LintConfig; index: string };
type FromWorker = { type: 'indexed'; json: string } | { type: 'analysed'; json: string };
interface Indexed {
  entries: IndexedObject[];
  bytes: number;
  problems: FileProblem[];
}
interface Analysed {
  findings: LocatedFinding[];
  problems: FileProblem[];
}

async function lintWithWorkers(
  paths: readonly string[],
  config: LintConfig,
  count: number,
): Promise<LintResult> {
  // Longest-processing-time-first: big files spread evenly over the workers.
  const sized = paths.map((p) => ({ p, size: readSize(p) })).sort((a, b) => b.size - a.size);
  const batches: { paths: string[]; size: number }[] = Array.from({ length: count }, () => ({
    paths: [],
    size: 0,
  }));
  for (const item of sized) {
    const lightest = batches.reduce((min, b) => (b.size < min.size ? b : min));
    lightest.paths.push(item.p);
    lightest.size += item.size;
  }
  const pool = batches
    .filter((b) => b.paths.length > 0)
    .map((b) => ({ batch: b, worker: new Worker(__filename) }));
  const ask = (worker: Worker, message: ToWorker) =>
    new Promise<FromWorker>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.postMessage(message);
    });
  try {
    const indexed = await Promise.all(
      pool.map(({ batch, worker }) => ask(worker, { type: 'parse', paths: batch.paths })),
    );
    const entries: IndexedObject[] = [];
    const problems: FileProblem[] = [];
    let bytes = 0;
    for (const message of indexed) {
      const r = JSON.parse(message.json) as Indexed;
      entries.push(...r.entries);
      problems.push(...r.problems);
      bytes += r.bytes;
    }
    const index = JSON.stringify({ scope: 'workspace', objects: entries } satisfies ScopeIndex);
    const analysed = await Promise.all(
      pool.map(({ worker }) => ask(worker, { type: 'analyse', config, index })),
    );
    const findings: LocatedFinding[] = [];
    for (const message of analysed) {
      const r = JSON.parse(message.json) as Analysed;
      for (const f of r.findings) findings.push(f);
      problems.push(...r.problems);
    }
    const order = new Map(paths.map((p, i) => [p, i]));
    findings.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.start - b.start);
    problems.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0));
    return { files: paths.length, bytes, findings, problems };
  } finally {
    await Promise.all(pool.map(({ worker }) => worker.terminate()));
  }
}

function readSize(path: string): number {
  return statSync(path, { throwIfNoEntry: false })?.size ?? 0;
}

/** Worker side: keeps its parsed files between the two phases. */
export function runWorker(): void {
  if (isMainThread || !parentPort) return;
  const port = parentPort;
  const parsed: Parsed[] = [];
  port.on('message', (message: ToWorker) => {
    if (message.type === 'parse') {
      const problems: FileProblem[] = [];
      const { entries, bytes } = parseBatch(message.paths, parsed, problems);
      const result: Indexed = { entries, bytes, problems };
      port.postMessage({ type: 'indexed', json: JSON.stringify(result) } satisfies FromWorker);
    } else {
      const index = JSON.parse(message.index) as ScopeIndex;
      const result: Analysed = analyseBatch(parsed, message.config, index);
      port.postMessage({ type: 'analysed', json: JSON.stringify(result) } satisfies FromWorker);
    }
  });
}
