import { IncrementalAnalyser } from '../../src/core/analysis/file-analysis';
import { applyFixes, fixEdits } from '../../src/core/fixes/apply';
import { allRules } from '../../src/core/rules/registry';
import { LineIndex } from '../../src/core/yaml/lines';
import type { Finding } from '../../src/core/rules/types';
import { corpusDocuments } from './corpus';
import { fmt, percentile, type Report } from './report';

/**
 * The lightbulb asks for code actions on every cursor move. 0.1.0 computed every offered fix's
 * edits and the fix-all plan then; now the edits wait for `resolveCodeAction` (a pick, or save).
 * Both are replayed here with the same core calls the provider makes, the cursor on each line of
 * the editor benchmark's file that has a finding, the file's analysis cached as in the editor.
 */
export function benchCodeActions(report: Report): void {
  const section = 'code actions';
  const text = corpusDocuments(8).join('---\n');
  const options = { rules: allRules };
  const analysis = new IncrementalAnalyser('bench.yaml', options).update(text);
  const lines = new LineIndex(text);
  const onLine = new Map<number, Finding[]>();
  for (const f of analysis.findings) {
    const line = lines.positionAt(f.start).line;
    onLine.set(line, [...(onLine.get(line) ?? []), f]);
  }
  const eager: number[] = [];
  const lazy: number[] = [];
  const resolveOne: number[] = [];
  const resolveAll: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const here of onLine.values()) {
      let t = performance.now();
      for (const f of here) if (f.fix) fixEdits(text, f, options);
      if (here.some((f) => f.fix?.class === 'auto')) applyFixes(text, { classes: ['auto'] }, options);
      eager.push(performance.now() - t);
      t = performance.now();
      // What is left per move: matching diagnostics back to findings, and the fix-all count.
      let matched = 0;
      for (const f of here)
        if (analysis.findings.find((g) => g.rule === f.rule && g.start === f.start)) matched++;
      matched += analysis.findings.filter((f) => f.fix?.class === 'auto').length;
      lazy.push(performance.now() - t);
      if (matched < here.length) throw new Error('a finding was not matched back');
    }
    for (const f of analysis.findings.filter((g) => g.fix).slice(0, 40)) {
      const t = performance.now();
      fixEdits(text, f, options);
      resolveOne.push(performance.now() - t);
    }
    const t = performance.now();
    applyFixes(text, { classes: ['auto'] }, options);
    resolveAll.push(performance.now() - t);
  }
  const p = (xs: number[]) => `p50 ${fmt(percentile(xs, 50), 2)} ms · p95 ${fmt(percentile(xs, 95), 2)} ms`;
  const before = percentile(eager, 95);
  const after = percentile(lazy, 95);
  report.add({
    section,
    metric: `cursor onto a finding, ${lines.lineCount}-line file: 0.1.0 (edits computed eagerly)`,
    value: p(eager),
  });
  report.add({
    section,
    metric: 'cursor onto a finding, same file: now (edits resolved on pick)',
    value: `${p(lazy)} (0.1.0: p95 ${fmt(before, 2)} ms)`,
    target: 'p95 ≤ 1 ms',
    verdict: after <= 1 ? 'met' : 'missed',
  });
  report.add({ section, metric: 'on pick: one quick fix resolved', value: p(resolveOne) });
  report.add({ section, metric: 'on pick or save: fix-all resolved', value: p(resolveAll) });
}
