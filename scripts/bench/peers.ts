/**
 * Shipshape side by side with kube-linter, kube-score and kubeconform on the same corpora, same
 * machine, same run (issue 18): wall time (median of `runs` turns, fifteen for sub-second corpora,
 * after a warm-up) and peak RSS of each process (GNU time's maximum resident set size), and
 * Shipshape's ratio to each peer. CPU time (user + system, from GNU time too) is printed beside the
 * wall time: on a loaded machine the wall time of a sub-second run follows the other processes,
 * the CPU time follows the work.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../harness/paths';
import { benchCorpora, type Corpus } from './corpora';
import { fmt, median, type Report } from './report';

interface Tool {
  readonly name: string;
  readonly command: string;
  readonly args: (corpus: Corpus) => readonly string[];
}

interface Measured {
  readonly ms: number;
  /** Peak resident set size in MB, undefined without GNU time. */
  readonly peakMb: number | undefined;
  /** User + system CPU seconds, undefined without GNU time. */
  readonly cpuS: number | undefined;
  readonly failed?: string;
}

const GNU_TIME = '/usr/bin/time';

function once(tool: Tool, corpus: Corpus, scratch: string): Measured {
  const args = tool.args(corpus);
  const timed = existsSync(GNU_TIME);
  const stats = join(scratch, 'time.txt');
  const start = performance.now();
  const r = timed
    ? spawnSync(GNU_TIME, ['-f', '%M %U %S', '-o', stats, tool.command, ...args], {
        encoding: 'utf8',
        maxBuffer: 1024 * 1024 * 1024,
      })
    : spawnSync(tool.command, args, { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  const ms = performance.now() - start;
  // 0 clean, 1 findings: both are a completed run for every tool measured here, when it wrote its
  // report. kube-score exits 1 with none when one object does not decode (kubernetes/examples).
  const said = (r.stderr ?? '').trim().split('\n').pop() ?? '';
  const failed =
    r.status !== 0 && r.status !== 1
      ? `exit ${r.status ?? r.signal}: ${said}`
      : (r.stdout ?? '').trim() === ''
        ? `no report: ${said}`
        : undefined;
  // GNU time's last line ("Command exited with non-zero status 1" may come before it).
  const [kb = NaN, user = NaN, system = NaN] = timed
    ? (readFileSync(stats, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number)
    : [];
  return {
    ms,
    peakMb: Number.isFinite(kb) ? kb / 1024 : undefined,
    cpuS: Number.isFinite(user + system) ? user + system : undefined,
    ...(failed ? { failed } : {}),
  };
}

/**
 * Each tool's medians over `runs`, after a warm-up each. The runs take turns (Shipshape, then each
 * peer, then again): a machine that slows down for a while slows every tool alike.
 */
function measureAll(tools: readonly Tool[], corpus: Corpus, runs: number, scratch: string): Measured[] {
  const warm = tools.map((tool) => once(tool, corpus, scratch));
  const samples: Measured[][] = tools.map(() => []);
  // A sub-second run varies by ±10 % from one to the next here (kube-linter on kube-prometheus:
  // 0.35–0.46 s), which five turns do not settle: they take fifteen.
  const turns = warm.every((w) => w.ms < 2000) ? Math.max(runs, 15) : runs;
  for (let run = 0; run < turns; run++)
    for (const [k, tool] of tools.entries())
      if (!warm[k]?.failed && !samples[k]?.some((s) => s.failed))
        samples[k]?.push(once(tool, corpus, scratch));
  return tools.map((_, k) => {
    const failed = warm[k]?.failed ? warm[k] : samples[k]?.find((s) => s.failed);
    if (failed) return failed;
    const mine = samples[k] ?? [];
    const peaks = mine.flatMap((s) => (s.peakMb === undefined ? [] : [s.peakMb]));
    const cpus = mine.flatMap((s) => (s.cpuS === undefined ? [] : [s.cpuS]));
    return {
      ms: median(mine.map((s) => s.ms)),
      peakMb: peaks.length > 0 ? median(peaks) : undefined,
      cpuS: cpus.length > 0 ? median(cpus) : undefined,
    };
  });
}

/** A peer binary: its environment variable, then the bench's tool cache, then PATH. */
function peerBinary(name: string, peersDir: string): string | undefined {
  const env = process.env[name.toUpperCase().replace(/-/g, '_')];
  if (env && existsSync(env)) return env;
  const cached = join(peersDir, name);
  if (existsSync(cached)) return cached;
  const which = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() || undefined : undefined;
}

const describe = (m: Measured) =>
  m.failed
    ? `failed: ${m.failed}`
    : `${fmt(m.ms / 1000, 2)} s / ${m.cpuS === undefined ? 'n/a' : `${fmt(m.cpuS, 2)} s CPU`} / ${m.peakMb === undefined ? 'n/a' : `${fmt(m.peakMb, 0)} MB`}`;

export function benchPeers(
  report: Report,
  cacheDir: string,
  peersDir: string,
  runs = 5,
  kubeconformSchemas: string | undefined = undefined,
): void {
  // BENCH_CORPORA=k8s-examples,argo-cd-install: those corpora only (a quick look at one case).
  const only = (process.env['BENCH_CORPORA'] ?? '').split(',').filter((name) => name !== '');
  const corpora = benchCorpora(join(cacheDir, 'corpora')).filter(
    (c) => only.length === 0 || only.some((name) => c.name.startsWith(name)),
  );
  const cli = join(repoRoot, 'dist', 'cli.js');
  const shipshape: Tool = {
    name: 'shipshape',
    command: process.execPath,
    args: (c) => [cli, 'lint', c.dir, '--format', 'json', '--max-file-size', '25600'],
  };
  const peers: { name: string; args: (c: Corpus) => string[]; why: string }[] = [
    {
      name: 'kube-linter',
      args: (c) => ['lint', '--format', 'json', c.dir],
      why: 'set KUBE_LINTER to a binary or KUBE_LINTER_SRC to a kube-linter checkout',
    },
    {
      name: 'kube-score',
      args: (c) => ['score', '--output-format', 'json', ...c.files],
      why: 'go install github.com/zegl/kube-score/cmd/kube-score@v1.20.0 failed; set KUBE_SCORE',
    },
  ];
  // kubeconform downloads its JSON schemas at run time unless given a copy: offline it spends
  // minutes in timeouts, which says nothing about its speed (./kubeconform-schemas.ts makes one).
  const schemas = kubeconformSchemas;
  if (schemas)
    peers.push({
      name: 'kubeconform',
      args: (c) => [
        '-summary',
        '-output',
        'json',
        '-schema-location',
        schemas,
        '-ignore-missing-schemas',
        c.dir,
      ],
      why: 'go install github.com/yannh/kubeconform/cmd/kubeconform failed; set KUBECONFORM',
    });
  else
    report.add({
      section: 'peers',
      metric: 'kubeconform',
      value:
        'not run: its schemas could not be made from the test cluster (set KUBECONFORM_SCHEMA_LOCATION to a local copy)',
    });
  const scratch = mkdtempSync(join(tmpdir(), 'shipshape-peers-'));
  const section = 'peers';
  const tools: Tool[] = [];
  for (const peer of peers) {
    const bin = peerBinary(peer.name, peersDir);
    if (bin) tools.push({ name: peer.name, command: bin, args: peer.args });
    else report.add({ section, metric: peer.name, value: `absent: ${peer.why}` });
  }
  try {
    for (const corpus of corpora) {
      const label = `${corpus.name} (${corpus.files.length} files, ${fmt(corpus.bytes / 1e6, 1)} MB, ${corpus.origin})`;
      const [ours, ...all] = measureAll([shipshape, ...tools], corpus, runs, scratch);
      if (!ours) continue;
      report.add({ section, metric: `${label}: shipshape wall / CPU / peak RSS`, value: describe(ours) });
      for (const [k, tool] of tools.entries()) {
        const theirs = all[k];
        if (!theirs) continue;
        if (theirs.failed || ours.failed) {
          report.add({ section, metric: `${label}: ${tool.name}`, value: describe(theirs) });
          continue;
        }
        const speed = ours.ms / theirs.ms;
        const cpu = ours.cpuS !== undefined && theirs.cpuS ? ours.cpuS / theirs.cpuS : undefined;
        const memory =
          ours.peakMb !== undefined && theirs.peakMb !== undefined ? ours.peakMb / theirs.peakMb : undefined;
        const kl = tool.name === 'kube-linter';
        report.add({
          section,
          metric: `${label}: ${tool.name} wall / CPU / peak RSS · ratio shipshape/${tool.name}`,
          value: `${describe(theirs)} · time ${fmt(speed, 2)}× (${speed <= 1 ? 'faster' : 'slower'}) · CPU ${cpu === undefined ? 'n/a' : `${fmt(cpu, 2)}×`} · memory ${memory === undefined ? 'n/a' : `${fmt(memory, 2)}×`}`,
          ...(kl
            ? {
                target: 'time < 1×, memory ≤ 1.5×',
                verdict: speed < 1 && (memory ?? 0) <= 1.5 ? 'met' : 'missed',
              }
            : {}),
        });
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
