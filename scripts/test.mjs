// `npm test`: every tier, in order of cost. Bootstraps what it needs on a fresh clone (npm ci,
// the Go builds of the control plane, Helm and kustomize, code-server, Chromium) — heavy tools are cached outside
// the clone. `node scripts/test.mjs <tier…>` runs a subset: static unit cluster e2e.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureNodeModules } from './lib/bootstrap.mjs';
import { debian, ensureDebianPackages, log, repoRoot } from './lib/cache.mjs';

const ALL = ['static', 'unit', 'cluster', 'e2e'];
const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const tiers = requested.length > 0 ? requested : ALL;
for (const tier of tiers) {
  if (!ALL.includes(tier)) {
    process.stderr.write(`unknown tier "${tier}" (expected: ${ALL.join(', ')})\n`);
    process.exit(2);
  }
}

const timings = [];
function step(name, fn) {
  const started = Date.now();
  log(`▶ ${name}`);
  try {
    fn();
  } finally {
    timings.push([name, (Date.now() - started) / 1000]);
  }
}

function run(command, args, env = {}) {
  const result = spawnSync(command, args, {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  if (result.status !== 0) {
    log(`✗ ${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
    summary();
    process.exit(1);
  }
}

function testFiles(dir) {
  const abs = join(repoRoot, dir);
  const walk = (d) =>
    readdirSync(d).flatMap((name) => {
      const path = join(d, name);
      if (statSync(path).isDirectory()) return name === 'support' ? [] : walk(path);
      return name.endsWith('.test.ts') ? [relative(repoRoot, path)] : [];
    });
  return walk(abs).sort();
}

function nodeTest(files, { concurrency = 1, timeoutMs, env } = {}) {
  if (files.length === 0) return;
  run(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-reporter=spec',
      `--test-concurrency=${concurrency}`,
      ...(timeoutMs ? [`--test-timeout=${timeoutMs}`] : []),
      ...files,
    ],
    env,
  );
}

function summary() {
  const total = timings.reduce((sum, [, s]) => sum + s, 0);
  process.stderr.write(
    `\n${timings.map(([n, s]) => `  ${n.padEnd(36)} ${s.toFixed(1)} s`).join('\n')}\n  ${'total'.padEnd(36)} ${total.toFixed(1)} s\n`,
  );
}

step('dependencies (npm ci if needed)', ensureNodeModules);
const bin = (name) => join(repoRoot, 'node_modules', '.bin', name);

if (tiers.includes('static')) {
  step('typecheck (tsc --noEmit)', () => run(bin('tsc'), ['--noEmit', '-p', '.']));
  step('typecheck core (no Node or DOM types)', () =>
    run(bin('tsc'), ['--noEmit', '-p', 'tsconfig.core.json']),
  );
  step('lint (eslint)', () => run(bin('eslint'), ['--max-warnings', '0', '.']));
  step('format (prettier --check)', () => run(bin('prettier'), ['--check', '--log-level', 'warn', '.']));
}

function ensureCodeServer() {
  execFileSync(process.execPath, [join(repoRoot, 'scripts', 'ensure-code-server.mjs')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function ensureRenderTools() {
  for (const script of ['ensure-helm.mjs', 'ensure-kustomize.mjs'])
    execFileSync(process.execPath, [join(repoRoot, 'scripts', script)], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
}

if (tiers.includes('unit')) {
  // The grammar tests tokenise with the YAML grammar of the VS Code that code-server bundles.
  step('code-server (cached)', ensureCodeServer);
  // The chart tests render with real Helm 4 and kustomize, built from the Go module proxy.
  step('helm and kustomize (cached)', ensureRenderTools);
  // The CLI tests run the bundle users run.
  step('build', () => run(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')]));
  step('unit tests', () => nodeTest(testFiles('test/unit'), { concurrency: 2 }));
}

if (tiers.includes('cluster')) {
  step('control plane build (cached)', () =>
    execFileSync(process.execPath, [join(repoRoot, 'scripts', 'ensure-testcluster.mjs')], {
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  // The usage tests run the real metrics-server beside the API server (built once per version).
  step('metrics-server build (cached)', () =>
    execFileSync(process.execPath, [join(repoRoot, 'scripts', 'ensure-metrics-server.mjs')], {
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  step('cluster tests (real kube-apiserver)', () =>
    nodeTest(testFiles('test/cluster'), { timeoutMs: 600_000 }),
  );
}

if (tiers.includes('e2e')) {
  step('Chromium and code-server (cached)', () => {
    ensureDebianPackages([debian.chromium]);
    ensureCodeServer();
  });
  // The editor renders the demo charts with them (shipshape.helm.path / kustomize.path).
  step('helm and kustomize (cached)', ensureRenderTools);
  const vsix = join(repoRoot, 'out', 'shipshape.vsix');
  step('package .vsix', () => run(process.execPath, [join(repoRoot, 'scripts', 'package.mjs'), vsix]));
  step('build (with in-host test bundle)', () =>
    run(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')]),
  );
  step('e2e tests (real VS Code in Chromium)', () =>
    nodeTest(testFiles('test/e2e'), { timeoutMs: 900_000, env: { SHIPSHAPE_VSIX: vsix } }),
  );
}

summary();
