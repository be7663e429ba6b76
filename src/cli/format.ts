import { relative } from 'node:path';
import { allRules } from '../core/rules/registry';
import type { Severity } from '../core/rules/types';
import type { FileProblem, LintSink, LintTotals, LocatedFinding } from './analyse';
import type { SyncWriter } from './output';

const shown = new Map<string, string>();
/** Paths as given relative to the working directory, computed once per file (not per finding). */
function display(file: string): string {
  let path = shown.get(file);
  if (path === undefined) shown.set(file, (path = relative(process.cwd(), file) || file));
  return path;
}

/** A report written as results arrive; `end` writes what needs every file (errors, counts). */
export interface Report extends LintSink {
  end(totals: LintTotals): void;
  /** True when a finding reached `failOn` or a file problem is an error (the exit code). */
  readonly failing: boolean;
  /** True when a rule threw (RULE_FAILED): Shipshape's fault, never a pass. */
  readonly ruleFailed: boolean;
}

/** Counts severities and decides the exit code; the formats below add the writing. */
abstract class Reporter implements Report {
  protected readonly counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  protected readonly problems: FileProblem[] = [];
  private fail = false;
  private crashed = false;

  constructor(private readonly failOn: Severity) {}

  get failing(): boolean {
    return this.fail;
  }

  get ruleFailed(): boolean {
    return this.crashed;
  }

  findings(batch: readonly LocatedFinding[]): void {
    for (const f of batch) {
      this.counts[f.severity]++;
      if (RANK[f.severity] >= RANK[this.failOn]) this.fail = true;
    }
    this.write(batch);
  }

  endFile(path: string, problems: readonly FileProblem[]): void {
    for (const p of problems) {
      if (p.severity === 'error') this.fail = true;
      if (p.code === 'RULE_FAILED') this.crashed = true;
      // Only what the report shows is kept: a few per file, unlike findings.
      if (this.keeps(p)) this.problems.push(p);
    }
    this.fileDone(path, problems);
  }

  protected keeps(p: FileProblem): boolean {
    return p.severity !== 'info';
  }
  protected abstract write(batch: readonly LocatedFinding[]): void;
  protected fileDone(_path: string, _problems: readonly FileProblem[]): void {}
  abstract end(totals: LintTotals): void;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/**
 * Writes the items of a JSON array one by one, laid out exactly as `JSON.stringify(…, null, 2)`
 * lays out the whole document (`[]` when empty). `open` is written before the first item.
 */
class ArrayWriter {
  private count = 0;
  /** Arrays the item is wrapped in, and the length of their text on each side of it. */
  private readonly depth: number;
  private readonly margin: number;

  constructor(
    private readonly writer: SyncWriter,
    private readonly indent: string,
  ) {
    this.depth = indent.length / 2;
    // `[\n  [\n` before the item, `\n  ]\n]` after it: 2, 4, 6… characters a level.
    this.margin = this.depth * (this.depth + 1);
  }

  /** Writes a batch of items (a file's findings) with one stringify: 3,600 calls cost 13 ms. */
  items(values: readonly unknown[], open: () => void): void {
    if (values.length === 0) return;
    if (this.count === 0) {
      open();
      this.writer.write('\n');
    } else this.writer.write(',\n');
    this.count += values.length;
    // Nested in as many arrays as they are indented (the batch is one), stringify lays the items out
    // at their depth in one pass (a regex re-indenting each item cost a quarter of a large lint).
    let wrapped: unknown = values;
    for (let i = 1; i < this.depth; i++) wrapped = [wrapped];
    const text = JSON.stringify(wrapped, null, 2);
    this.writer.write(text.slice(this.margin, text.length - this.margin));
  }

  /** Closes the array (after `open`, which may not have run yet). */
  close(open: () => void): void {
    if (this.count === 0) {
      open();
      this.writer.write(']');
    } else this.writer.write(`\n${this.indent.slice(2)}]`);
  }
}

/** Writes a document's head once, before its first array item or at its end. */
function once(write: () => void): () => void {
  let done = false;
  return () => {
    if (!done) write();
    done = true;
  };
}

export class JsonReport extends Reporter {
  private readonly items: ArrayWriter;
  private readonly head: () => void;

  constructor(
    private readonly writer: SyncWriter,
    failOn: Severity,
  ) {
    super(failOn);
    this.items = new ArrayWriter(writer, '    ');
    this.head = once(() => writer.write('{\n  "findings": ['));
  }

  protected write(batch: readonly LocatedFinding[]): void {
    this.items.items(
      // One object shape, undefined where a field is absent (JSON.stringify leaves those out):
      // spreading conditional objects cost 4 ms of a 0.25 s lint.
      batch.map((f) => ({
        rule: f.rule,
        severity: f.severity,
        message: f.message,
        file: display(f.file),
        range: f.range,
        object: {
          apiVersion: f.object.apiVersion,
          kind: f.object.kind,
          namespace: f.object.namespace,
          name: f.object.name,
        },
        container: f.container,
        fix: f.fix ? { class: f.fix.class, title: f.fix.title } : undefined,
        scope: f.scope,
        rendered: f.rendered || undefined,
        via: f.rendered ? f.via : undefined,
      })),
      this.head,
    );
  }

  end(): void {
    this.items.close(this.head);
    const errors = JSON.stringify(
      this.problems.map((p) => ({
        file: display(p.file),
        message: p.message,
        code: p.code,
        ...(p.range ? { range: p.range } : {}),
      })),
      null,
      2,
    );
    this.writer.write(`,\n  "errors": ${errors.replace(/\n/g, '\n  ')}\n}\n`);
    this.writer.flush();
  }
}

const COLORS: Record<Severity, string> = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m' };

export class TextReport extends Reporter {
  private fileFindings: LocatedFinding[] = [];
  private problemCount = 0;
  private errorProblems = 0;

  constructor(
    private readonly writer: SyncWriter,
    failOn: Severity,
    private readonly color: boolean,
  ) {
    super(failOn);
  }

  private paint(s: string, c: string): string {
    return this.color ? `${c}${s}\x1b[0m` : s;
  }

  // Text is read by people: a file's lines are sorted together, so its findings wait for its end.
  protected write(batch: readonly LocatedFinding[]): void {
    for (const f of batch) this.fileFindings.push(f);
  }

  protected override keeps(): boolean {
    return false;
  }

  protected override fileDone(path: string, problems: readonly FileProblem[]): void {
    // Every problem listed is counted: a warning (an unknown directive) as much as an error.
    this.problemCount += problems.length;
    this.errorProblems += problems.filter((p) => p.severity === 'error').length;
    const items: (LocatedFinding | FileProblem)[] = [...problems, ...this.fileFindings];
    this.fileFindings = [];
    if (items.length === 0) return;
    const out: string[] = [this.paint(display(path), '\x1b[1m')];
    items.sort((a, b) => (a.range?.start.line ?? 0) - (b.range?.start.line ?? 0));
    for (const item of items) {
      const where = item.range ? `${item.range.start.line}:${item.range.start.column}` : '-';
      const severity = item.severity;
      const id = 'rule' in item ? item.rule : item.code.toLowerCase();
      const object =
        'object' in item && item.object.kind
          ? this.paint(`  ${item.object.kind}/${item.object.name ?? ''}`, '\x1b[2m')
          : '';
      const fix = 'fix' in item && item.fix ? this.paint(`  [fix: ${item.fix.class}]`, '\x1b[2m') : '';
      out.push(
        `  ${where.padEnd(8)} ${this.paint(severity.padEnd(7), COLORS[severity])} ${id.padEnd(34)} ${item.message}${object}${fix}`,
      );
    }
    out.push('', '');
    this.writer.write(out.join('\n'));
  }

  end(totals: LintTotals): void {
    const { error, warning, info } = this.counts;
    this.writer.write(
      `${error + warning + info} finding(s) in ${totals.files} file(s): ${error} error, ${warning} warning, ${info} info` +
        (this.problemCount > 0
          ? `; ${this.problemCount} file problem(s), ${this.errorProblems} of them error(s)`
          : '') +
        '\n',
    );
    this.writer.flush();
  }
}

const LEVEL: Record<string, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
  off: 'none' as 'note',
};

const RESULTS = '@@shipshape-results@@';

/** SARIF 2.1.0 with real line/column regions (GitHub code scanning, Azure DevOps…). */
export class SarifReport extends Reporter {
  private readonly index = new Map(allRules.map((r, i) => [r.id, i]));
  private readonly items: ArrayWriter;
  private readonly head: () => void;

  constructor(
    private readonly writer: SyncWriter,
    failOn: Severity,
    private readonly version: string,
  ) {
    super(failOn);
    this.items = new ArrayWriter(writer, '        ');
    this.head = once(() => writer.write(this.document([]).split(`\n        "${RESULTS}"`)[0] ?? ''));
  }

  /** The whole document with a marker where the results go: the text before and after it. */
  private document(notifications: unknown[]): string {
    return JSON.stringify(
      {
        $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
        version: '2.1.0',
        runs: [
          {
            tool: {
              driver: {
                name: 'Shipshape',
                version: this.version,
                semanticVersion: this.version,
                rules: sarifRules(),
              },
            },
            columnKind: 'utf16CodeUnits',
            results: [RESULTS],
            invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
          },
        ],
      },
      null,
      2,
    );
  }

  protected write(batch: readonly LocatedFinding[]): void {
    this.items.items(
      batch.map((f) => ({
        ruleId: f.rule,
        ruleIndex: this.index.get(f.rule) ?? 0,
        level: LEVEL[f.severity],
        message: { text: f.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: display(f.file).split('\\').join('/') },
              region: {
                startLine: f.range.start.line,
                startColumn: f.range.start.column,
                endLine: f.range.end.line,
                endColumn: f.range.end.column,
              },
            },
            logicalLocations: [{ name: `${f.object.kind ?? ''}/${f.object.name ?? ''}`, kind: 'object' }],
          },
        ],
      })),
      this.head,
    );
  }

  end(): void {
    this.items.close(this.head);
    const notifications = this.problems.map((p) => ({
      level: p.severity === 'error' ? 'error' : 'warning',
      message: { text: p.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: display(p.file).split('\\').join('/') },
            ...(p.range
              ? { region: { startLine: p.range.start.line, startColumn: p.range.start.column } }
              : {}),
          },
        },
      ],
    }));
    const tail = this.document(notifications).split(`"${RESULTS}"\n      ]`)[1] ?? '';
    this.writer.write(`${tail}\n`);
    this.writer.flush();
  }
}

function sarifRules() {
  return allRules.map((r) => ({
    id: r.id,
    name: r.title.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : '')),
    shortDescription: { text: r.title },
    fullDescription: { text: r.docs.what.replace(/`/g, '') },
    help: {
      text: `${r.docs.why}\n\nFix: ${r.docs.fix}`,
      markdown: `**Why:** ${r.docs.why}\n\n**Fix:** ${r.docs.fix}`,
    },
    defaultConfiguration: { level: r.severity === 'off' ? 'none' : LEVEL[r.severity] },
    properties: { tags: ['kubernetes', r.category], fixClass: r.fixClass },
  }));
}
