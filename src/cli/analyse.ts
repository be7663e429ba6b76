import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { readManifest } from '../adapters/fs/files';
import { analyseFileEach, type AnalyseOptions } from '../core/rules/engine';
import { allRules } from '../core/rules/registry';
import { indexFile, type IndexedObject, type ScopeIndex } from '../core/rules/scope';
import type { Finding, RuleOptions, SeveritySetting } from '../core/rules/types';
import { parseManifestFileLight } from '../core/yaml/light-file';
import type { ManifestFile, ParseProblem } from '../core/yaml/parse';
import { manifestChunks } from './chunks';

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
/**
 * Where results go, file by file in the order the files were given, each file's findings in text
 * order and in batches: reports write them as they come instead of holding every finding.
 */
export interface LintSink {
  findings(batch: readonly LocatedFinding[]): void;
  /** A file's problems, after its findings. */
  endFile(path: string, problems: readonly FileProblem[]): void;
}

/** Results gathered whole (rendered charts and overlays, which are small), not streamed. */
export interface LintResult {
  readonly files: number;
  readonly bytes: number;
  readonly findings: LocatedFinding[];
  readonly problems: FileProblem[];
}

export interface LintTotals {
  readonly files: number;
  readonly bytes: number;
}

export interface LintLimits {
  readonly threads?: number | undefined;
  /** Files larger than this are reported, not read (`--max-file-size`). */
  readonly maxBytes: number;
  /** Index entries from outside the linted files (`--crds`), seen by every rule. */
  readonly extra?: readonly IndexedObject[];
}

interface Parsed {
  readonly path: string;
  /** Kept from phase 1 (small files, while the thread's budget lasts). */
  readonly file: ManifestFile | undefined;
  /** Read and parsed again, a chunk of documents at a time, in phase 2. */
  readonly again?: boolean;
  /** Why the file was not parsed (unreadable, too large…). */
  readonly problem?: FileProblem;
}

/**
 * YAML a thread keeps parsed between the phases when the corpus is bigger than ALL_KEPT (a parsed
 * file holds some 10–40 times its size). Past it, files are parsed again for phase 2, a chunk of
 * documents at a time (chunks.ts): memory follows the budget and the largest chunk, not the corpus
 * (issue 18), at the price of a second parse of those files. Up to ALL_KEPT every file is kept: the
 * peak there is the garbage of parsing (a 6 MB corpus keeps ~40 MB, peaks near 200 MB either way),
 * and a second parse cost it a third more time.
 */
export function keepBytes(totalBytes: number): number {
  return totalBytes <= ALL_KEPT ? Infinity : 2 * MB;
}
const ALL_KEPT = 8 * 1024 * 1024;
/** Files larger than this are always parsed in chunks (a 13 MB file peaked at 1.4 GB parsed whole). */
const WHOLE_MAX = 4 * 1024 * 1024;

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

function readProblem(path: string, read: { error: string; code: string }): FileProblem {
  const message =
    read.code === 'TOO_LARGE' ? `${read.error}: --max-file-size KB raises the limit` : read.error;
  return { file: path, message, code: read.code, severity: 'error' };
}

/** Phase 1 for a batch of files: read + parse, extract index entries, keep small files parsed. */
function parseBatch(
  paths: readonly string[],
  parsed: Parsed[],
  maxBytes: number,
  keep: number,
): { entries: IndexedObject[]; bytes: number } {
  const entries: IndexedObject[] = [];
  let bytes = 0;
  let kept = 0;
  for (const path of paths) {
    const read = readManifest(path, maxBytes);
    bytes += read.bytes;
    if ('error' in read) {
      parsed.push({ path, file: undefined, problem: readProblem(path, read) });
      continue;
    }
    if (read.text.length <= WHOLE_MAX && kept + read.text.length <= keep) {
      const file = parseManifestFileLight(read.text);
      kept += read.text.length;
      parsed.push({ path, file });
      for (const entry of indexFile(file, path)) entries.push(entry);
      continue;
    }
    for (const chunk of manifestChunks(read.text))
      for (const entry of indexFile(chunk, path)) entries.push(entry);
    parsed.push({ path, file: undefined, again: true });
  }
  return { entries, bytes };
}

/** Findings cross to the sink in batches of about this many (bounded messages between threads). */
const BATCH = 2000;

/**
 * Phase 2 for one file: rules with the merged index, findings handed over as they are produced.
 * `take` empties the slot, so each parsed file is released once analysed.
 */
function analyseOne(
  entry: Parsed,
  config: LintConfig,
  index: ScopeIndex,
  findings: (batch: LocatedFinding[]) => void,
  maxBytes: number,
): FileProblem[] {
  const { path, file } = entry;
  if (file) return analyseParsed(path, file, config, index, findings);
  if (!entry.again) return entry.problem ? [entry.problem] : [];
  const read = readManifest(path, maxBytes);
  if ('error' in read) return [readProblem(path, read)];
  const problems: FileProblem[] = [];
  for (const chunk of manifestChunks(read.text))
    for (const p of analyseParsed(path, chunk, config, index, findings)) problems.push(p);
  return problems;
}

function analyseParsed(
  path: string,
  file: ManifestFile,
  config: LintConfig,
  index: ScopeIndex,
  findings: (batch: LocatedFinding[]) => void,
): FileProblem[] {
  let batch: LocatedFinding[] = [];
  const problems = analyseFileEach(file, options(config, index), (some) => {
    for (const f of some) batch.push({ ...f, file: path, range: range1(file, f.start, f.end) });
    if (batch.length >= BATCH) {
      findings(batch);
      batch = [];
    }
  });
  if (batch.length > 0) findings(batch);
  return problems.map((p) => problemOf(path, file, p));
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
 * Results stream to the sink; nothing here holds more than one file's batch of findings.
 */
export async function lintFiles(
  paths: readonly string[],
  config: LintConfig,
  totalBytes: number,
  sink: LintSink,
  limits: LintLimits,
): Promise<LintTotals> {
  const workers = Math.max(
    1,
    Math.min(limits.threads ?? threadsFor(totalBytes, availableParallelism()), paths.length, 8),
  );
  if (workers === 1 || totalBytes < 512 * 1024) {
    const parsed: (Parsed | undefined)[] = [];
    const keep = keepBytes(totalBytes);
    const { entries, bytes } = parseBatch(paths, parsed as Parsed[], limits.maxBytes, keep);
    const index: ScopeIndex = { scope: 'workspace', objects: [...(limits.extra ?? []), ...entries] };
    for (let i = 0; i < parsed.length; i++) {
      const entry = parsed[i];
      if (!entry) continue;
      parsed[i] = undefined;
      const problems = analyseOne(entry, config, index, (batch) => sink.findings(batch), limits.maxBytes);
      sink.endFile(entry.path, problems);
    }
    return { files: paths.length, bytes };
  }
  return lintWithWorkers(paths, config, workers, sink, limits, keepBytes(totalBytes));
}

const MB = 1024 * 1024;

/**
 * The default worker count for a corpus of `totalBytes` on `cores` cores. Each worker costs its
 * start-up, a JSON trip for the index and the findings, and a heap of its own. On two cores, once
 * documents were read without yaml's parser (issue 18), a second worker saved a quarter of the
 * wall time on the 20 MB corpus (5.4 → 4.1 s) for twice the memory (220 → 440 MB, kube-linter's
 * 295): one thread, `--threads 2` for those who prefer the time. With more cores, about one
 * worker per MB of YAML (measured before that change, on two cores only).
 */
export function threadsFor(totalBytes: number, cores: number): number {
  if (cores <= 2) return 1;
  return Math.max(1, Math.min(cores, Math.floor(totalBytes / MB)));
}

// Results cross threads as JSON text: structured clone of ~25k small finding objects measured
// ~1 s between a worker's postMessage and the main thread's handler, JSON ~0.1 s.
type ToWorker =
  | { type: 'parse'; paths: string[]; maxBytes: number; keep: number }
  | { type: 'analyse'; config: LintConfig; index: string; maxBytes: number };
type FromWorker =
  | { type: 'indexed'; json: string }
  | { type: 'findings'; path: string; json: string }
  | { type: 'file'; path: string; json: string }
  | { type: 'analysed' };
interface Indexed {
  entries: IndexedObject[];
  bytes: number;
}

/** A file's results as they arrive from its worker, held only while an earlier file is pending. */
interface Pending {
  readonly findings: LocatedFinding[][];
  problems: FileProblem[] | undefined;
}

async function lintWithWorkers(
  paths: readonly string[],
  config: LintConfig,
  count: number,
  sink: LintSink,
  { maxBytes, extra = [] }: LintLimits,
  keep: number,
): Promise<LintTotals> {
  // Longest-processing-time-first: big files spread evenly over the workers; each worker then
  // analyses its files in the order given, so results can be written in that order.
  const order = new Map(paths.map((p, i) => [p, i]));
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
  for (const b of batches) b.paths.sort((x, y) => (order.get(x) ?? 0) - (order.get(y) ?? 0));
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
      pool.map(({ batch, worker }) => ask(worker, { type: 'parse', paths: batch.paths, maxBytes, keep })),
    );
    let entries: IndexedObject[] = [];
    let bytes = 0;
    for (const message of indexed) {
      if (message.type !== 'indexed') continue;
      const r = JSON.parse(message.json) as Indexed;
      for (const e of r.entries) entries.push(e);
      bytes += r.bytes;
    }
    // The index in the order the files were given, as one thread builds it: rules that pick one
    // object among equals (a Service's closest workload) then answer the same for any thread count.
    entries = entries
      .map((e, i) => ({ e, i, at: order.get(e.file) ?? 0 }))
      .sort((a, b) => a.at - b.at || a.i - b.i)
      .map(({ e }) => e);
    const index = JSON.stringify({
      scope: 'workspace',
      objects: [...extra, ...entries],
    } satisfies ScopeIndex);
    // Files are written in the order given: the next one's results go straight to the sink, later
    // ones wait here until it is done.
    const pending = new Map<string, Pending>();
    let next = 0;
    const flush = () => {
      for (;;) {
        const path = paths[next];
        const entry = path === undefined ? undefined : pending.get(path);
        if (path === undefined || !entry) return;
        for (const batch of entry.findings) sink.findings(batch);
        entry.findings.length = 0;
        if (!entry.problems) return;
        sink.endFile(path, entry.problems);
        pending.delete(path);
        next++;
      }
    };
    const receive = (message: FromWorker) => {
      if (message.type !== 'findings' && message.type !== 'file') return;
      const entry = pending.get(message.path) ?? { findings: [], problems: undefined };
      pending.set(message.path, entry);
      if (message.type === 'findings') entry.findings.push(JSON.parse(message.json) as LocatedFinding[]);
      else entry.problems = JSON.parse(message.json) as FileProblem[];
      flush();
    };
    await Promise.all(
      pool.map(
        ({ worker }) =>
          new Promise<void>((resolve, reject) => {
            const onMessage = (message: FromWorker) => {
              if (message.type === 'analysed') {
                worker.off('message', onMessage);
                resolve();
              } else receive(message);
            };
            worker.on('message', onMessage);
            worker.once('error', reject);
            worker.postMessage({ type: 'analyse', config, index, maxBytes } satisfies ToWorker);
          }),
      ),
    );
    flush();
    return { files: paths.length, bytes };
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
  const post = (message: FromWorker) => port.postMessage(message);
  const parsed: (Parsed | undefined)[] = [];
  port.on('message', (message: ToWorker) => {
    if (message.type === 'parse') {
      const { entries, bytes } = parseBatch(
        message.paths,
        parsed as Parsed[],
        message.maxBytes,
        message.keep,
      );
      post({ type: 'indexed', json: JSON.stringify({ entries, bytes } satisfies Indexed) });
    } else {
      const index = JSON.parse(message.index) as ScopeIndex;
      for (let i = 0; i < parsed.length; i++) {
        const entry = parsed[i];
        if (!entry) continue;
        parsed[i] = undefined;
        const problems = analyseOne(
          entry,
          message.config,
          index,
          (batch) => post({ type: 'findings', path: entry.path, json: JSON.stringify(batch) }),
          message.maxBytes,
        );
        post({ type: 'file', path: entry.path, json: JSON.stringify(problems) });
      }
      post({ type: 'analysed' });
    }
  });
}
