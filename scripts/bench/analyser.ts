import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import jsYaml from 'js-yaml';
import { parseAllDocuments } from 'yaml';
import { IncrementalAnalyser } from '../../src/core/analysis/file-analysis';
import { analyseText } from '../../src/core/rules/engine';
import { allRules } from '../../src/core/rules/registry';
import { repoRoot } from '../harness/paths';
import { corpusDocuments, writeCorpus } from './corpus';
import { fmt, median, percentile, type Report } from './report';

function time(fn: () => void, runs = 3): number {
  const samples: number[] = [];
  fn(); // warm-up: JIT and file cache
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

function wall(
  command: string,
  args: readonly string[],
  runs = 3,
): { ms: number; ok: boolean; output: string } {
  let ok = true;
  let output = '';
  const ms = time(() => {
    const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
    ok = r.status === 0 || r.status === 1;
    output = (r.stderr ?? '').slice(-500);
  }, runs);
  return { ms, ok, output };
}

/** A peer binary: $NAME env var, the per-user cache, or PATH. */
function peer(name: string, cacheDir: string): string | undefined {
  const env = process.env[name.toUpperCase().replace(/-/g, '_')];
  if (env && existsSync(env)) return env;
  const cached = join(cacheDir, name);
  if (existsSync(cached)) return cached;
  const which = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

export function benchAnalyser(report: Report, workDir: string, peersDir: string): void {
  const dir = join(workDir, 'corpus');
  rmSync(dir, { recursive: true, force: true });
  const { paths, bytes } = writeCorpus(dir, 5000, 50);
  const mb = bytes / 1e6;
  const texts = paths.map((p) => readFileSync(p, 'utf8'));
  const section = 'analyser';
  report.add({
    section,
    metric: 'corpus',
    value: `${paths.length} files, 5,000 documents, ${fmt(mb, 2)} MB`,
  });

  const yamlMs = time(() => texts.forEach((t) => parseAllDocuments(t)));
  report.add({
    section,
    metric: '`yaml` parseAllDocuments (1 thread)',
    value: `${fmt(yamlMs, 0)} ms · ${fmt(mb / (yamlMs / 1000))} MB/s`,
  });
  const jsYamlMs = time(() => texts.forEach((t) => jsYaml.loadAll(t)));
  report.add({
    section,
    metric: 'js-yaml loadAll (1 thread, no positions)',
    value: `${fmt(jsYamlMs, 0)} ms · ${fmt(mb / (jsYamlMs / 1000))} MB/s`,
  });

  const cli = join(repoRoot, 'dist', 'cli.js');
  const ours = wall(process.execPath, [cli, 'lint', dir, '--format', 'json']);
  const oursMbps = mb / (ours.ms / 1000);
  report.add({
    section,
    metric: `shipshape lint (CLI wall time, default threads on ${availableParallelism()} cores)`,
    value: `${fmt(ours.ms, 0)} ms · ${fmt(oursMbps)} MB/s`,
    target: '≥ 4 MB/s',
    verdict: oursMbps >= 4 ? 'met' : 'missed',
  });
  for (const threads of ['1', '2']) {
    const r = wall(process.execPath, [cli, 'lint', dir, '--format', 'json', '--threads', threads]);
    report.add({
      section,
      metric: `shipshape lint --threads ${threads}`,
      value: `${fmt(r.ms, 0)} ms · ${fmt(mb / (r.ms / 1000))} MB/s`,
    });
  }
  report.add({
    section,
    metric: 'ratio: shipshape end-to-end / yaml full parse',
    value: `${fmt(oursMbps / (mb / (yamlMs / 1000)), 2)}×`,
    target: '≥ 2×',
    verdict: oursMbps / (mb / (yamlMs / 1000)) >= 2 ? 'met' : 'missed',
  });

  for (const [name, args] of [
    ['kube-linter', (files: string[]) => ['lint', '--format', 'json', ...files]],
    ['kube-score', (files: string[]) => ['score', '--output-format', 'json', ...files]],
  ] as const) {
    const bin = peer(name, peersDir);
    if (!bin) {
      report.add({ section, metric: `${name} (same corpus)`, value: 'not available on this machine' });
      continue;
    }
    const r = wall(bin, args(paths));
    if (!r.ok) {
      report.add({
        section,
        metric: `${name} (same corpus)`,
        value: `failed: ${r.output.trim().split('\n').pop() ?? ''}`,
      });
      continue;
    }
    const faster = r.ms / ours.ms;
    report.add({
      section,
      metric: `${name} (same corpus, wall time)`,
      value: `${fmt(r.ms, 0)} ms · shipshape is ${fmt(faster, 2)}× ${faster >= 1 ? 'faster' : 'slower'}`,
      ...(name === 'kube-linter'
        ? { target: 'faster than kube-linter', verdict: faster >= 1 ? ('met' as const) : ('missed' as const) }
        : {}),
    });
  }

  // Editor: 300-line, 8-document file; random keystrokes inside one document at a time.
  const file = corpusDocuments(8).join('---\n');
  const lines = file.split('\n').length;
  const incremental = new IncrementalAnalyser('bench.yaml', { rules: allRules });
  incremental.update(file);
  let text = file;
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const inc: number[] = [];
  const full: number[] = [];
  for (let i = 0; i < 400; i++) {
    const at = text.indexOf('\n', rand(text.length - 1)) + 1;
    const insert = i % 2 === 0 ? '#' : ' ';
    text = text.slice(0, at) + insert + text.slice(at);
    let t = performance.now();
    incremental.update(text);
    inc.push(performance.now() - t);
    t = performance.now();
    analyseText(text, { rules: allRules });
    full.push(performance.now() - t);
  }
  const p95 = percentile(inc, 95);
  report.add({
    section,
    metric: `keystroke re-analysis, ${lines}-line file (incremental)`,
    value: `p50 ${fmt(percentile(inc, 50), 2)} ms · p95 ${fmt(p95, 2)} ms`,
    target: 'p95 ≤ 4 ms',
    verdict: p95 <= 4 ? 'met' : 'missed',
  });
  report.add({
    section,
    metric: 'keystroke re-analysis, same file (full re-parse, for comparison)',
    value: `p50 ${fmt(percentile(full, 50), 2)} ms · p95 ${fmt(percentile(full, 95), 2)} ms`,
  });
}
