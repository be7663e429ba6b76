import { relative } from 'node:path';
import { allRules } from '../core/rules/registry';
import type { Severity } from '../core/rules/types';
import type { FileProblem, LintResult, LocatedFinding } from './analyse';

const shown = new Map<string, string>();
/** Paths as given relative to the working directory, computed once per file (not per finding). */
function display(file: string): string {
  let path = shown.get(file);
  if (path === undefined) shown.set(file, (path = relative(process.cwd(), file) || file));
  return path;
}

export function jsonReport(result: LintResult): string {
  return JSON.stringify(
    {
      findings: result.findings.map((f) => ({
        rule: f.rule,
        severity: f.severity,
        message: f.message,
        file: display(f.file),
        range: f.range,
        object: {
          ...(f.object.apiVersion !== undefined ? { apiVersion: f.object.apiVersion } : {}),
          ...(f.object.kind !== undefined ? { kind: f.object.kind } : {}),
          ...(f.object.namespace !== undefined ? { namespace: f.object.namespace } : {}),
          ...(f.object.name !== undefined ? { name: f.object.name } : {}),
        },
        ...(f.container !== undefined ? { container: f.container } : {}),
        ...(f.fix ? { fix: { class: f.fix.class, title: f.fix.title } } : {}),
        scope: f.scope,
        ...(f.rendered ? { rendered: f.rendered, via: f.via } : {}),
      })),
      errors: result.problems
        .filter((p) => p.severity !== 'info')
        .map((p) => ({
          file: display(p.file),
          message: p.message,
          code: p.code,
          ...(p.range ? { range: p.range } : {}),
        })),
    },
    null,
    2,
  );
}

const COLORS: Record<Severity, string> = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m' };

export function textReport(result: LintResult, color: boolean): string {
  const paint = (s: string, c: string) => (color ? `${c}${s}\x1b[0m` : s);
  const out: string[] = [];
  const byFile = new Map<string, (LocatedFinding | FileProblem)[]>();
  for (const item of [...result.problems, ...result.findings]) {
    const list = byFile.get(item.file);
    if (list) list.push(item);
    else byFile.set(item.file, [item]);
  }
  for (const [file, items] of byFile) {
    out.push(paint(display(file), '\x1b[1m'));
    items.sort((a, b) => (a.range?.start.line ?? 0) - (b.range?.start.line ?? 0));
    for (const item of items) {
      const where = item.range ? `${item.range.start.line}:${item.range.start.column}` : '-';
      const severity = item.severity;
      const id = 'rule' in item ? item.rule : item.code.toLowerCase();
      const object =
        'object' in item && item.object.kind
          ? paint(`  ${item.object.kind}/${item.object.name ?? ''}`, '\x1b[2m')
          : '';
      const fix = 'fix' in item && item.fix ? paint(`  [fix: ${item.fix.class}]`, '\x1b[2m') : '';
      out.push(
        `  ${where.padEnd(8)} ${paint(severity.padEnd(7), COLORS[severity])} ${id.padEnd(34)} ${item.message}${object}${fix}`,
      );
    }
    out.push('');
  }
  const count = (s: Severity) => result.findings.filter((f) => f.severity === s).length;
  // Every problem listed above is counted: a warning (an unknown directive) as much as an error.
  const problems = result.problems.length;
  const errors = result.problems.filter((p) => p.severity === 'error').length;
  out.push(
    `${result.findings.length} finding(s) in ${result.files} file(s): ${count('error')} error, ${count('warning')} warning, ${count('info')} info` +
      (problems > 0 ? `; ${problems} file problem(s), ${errors} of them error(s)` : ''),
  );
  return out.join('\n');
}

const LEVEL: Record<string, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
  off: 'none' as 'note',
};

/** SARIF 2.1.0 with real line/column regions (GitHub code scanning, Azure DevOps…). */
export function sarifReport(result: LintResult, version: string): string {
  const rules = allRules.map((r) => ({
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
  const index = new Map(allRules.map((r, i) => [r.id, i]));
  const region = (f: LocatedFinding) => ({
    startLine: f.range.start.line,
    startColumn: f.range.start.column,
    endLine: f.range.end.line,
    endColumn: f.range.end.column,
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Shipshape', version, semanticVersion: version, rules } },
        columnKind: 'utf16CodeUnits',
        results: result.findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: index.get(f.rule) ?? 0,
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: display(f.file).split('\\').join('/') },
                region: region(f),
              },
              logicalLocations: [{ name: `${f.object.kind ?? ''}/${f.object.name ?? ''}`, kind: 'object' }],
            },
          ],
        })),
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: result.problems
              .filter((p) => p.severity !== 'info')
              .map((p) => ({
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
              })),
          },
        ],
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}
