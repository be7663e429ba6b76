/** `npm run bench`: the analyser and explorer benchmarks, one table of figures and ratios. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../harness/paths';
import { benchActivation } from './activation';
import { benchAnalyser } from './analyser';
import { benchBigFile } from './big-file';
import { benchCharts } from './charts';
import { benchCodeActions } from './code-actions';
import { benchExplorer } from './explorer';
import { benchGrammar } from './grammar';
import { kubeconformSchemas } from './kubeconform-schemas';
import { benchPeers } from './peers';
import { Report } from './report';

const only = process.argv.slice(2);
const out = join(repoRoot, 'bench-results');
mkdirSync(out, { recursive: true });
const cache = join(
  process.env['SHIPSHAPE_CACHE'] ?? join(process.env['HOME'] ?? '/tmp', '.cache', 'shipshape'),
  'peers',
);
const report = new Report();
const machine = [
  `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}`,
  `${Math.round(totalmem() / 2 ** 30)} GiB`,
  `Node ${process.version}`,
];

async function main(): Promise<void> {
  if (only.length === 0 || only.includes('analyser')) {
    process.stderr.write('analyser benchmark…\n');
    benchAnalyser(report, out, cache);
  }
  if (only.length === 0 || only.includes('peers')) {
    process.stderr.write('side by side with kube-linter, kube-score and kubeconform…\n');
    const bench = join(cache, '..', 'bench');
    const schemas = await kubeconformSchemas(bench).catch((error: unknown) => {
      process.stderr.write(`kubeconform's schemas: ${String(error)}\n`);
      return undefined;
    });
    benchPeers(report, bench, cache, Number(process.env['BENCH_RUNS'] ?? 5), schemas);
  }
  if (only.length === 0 || only.includes('activation')) {
    process.stderr.write('activation in real VS Code…\n');
    await benchActivation(report, Number(process.env['BENCH_RUNS'] ?? 5));
  }
  if (only.length === 0 || only.includes('big-file')) {
    process.stderr.write('big-file benchmark…\n');
    await benchBigFile(report);
  }
  if (only.length === 0 || only.includes('code-actions')) {
    process.stderr.write('code actions benchmark…\n');
    benchCodeActions(report);
  }
  if (only.length === 0 || only.includes('explorer')) {
    process.stderr.write('explorer benchmark…\n');
    await benchExplorer(report);
  }
  if (only.length === 0 || only.includes('grammar')) {
    process.stderr.write('grammar benchmark…\n');
    await benchGrammar(report);
  }
  if (only.length === 0 || only.includes('charts')) {
    process.stderr.write('charts benchmark…\n');
    await benchCharts(
      report,
      join(cache, '..', 'bench'),
      Math.max(10, Number(process.env['BENCH_RUNS'] ?? 12)),
    );
  }
  const markdown = report.markdown('Shipshape benchmark', machine);
  writeFileSync(join(out, 'report.md'), markdown);
  process.stdout.write(`\n${markdown}\nwritten to bench-results/report.md\n`);
}

void main();
