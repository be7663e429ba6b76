/**
 * The CLI as users run it: the bundled dist/cli.js (scripts/test.mjs builds it before this tier),
 * on the fixtures, in all three output formats.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import Ajv from 'ajv';
import { repoRoot } from '../../scripts/harness/paths';
import { analyseText } from '../../src/core/rules/engine';
import { allRules } from '../../src/core/rules/registry';
import { bigManifest } from './support/big-manifest';
import { scratchDir } from '../../scripts/harness/scratch';

const cli = join(repoRoot, 'dist', 'cli.js');
const rules = join(repoRoot, 'test', 'fixtures', 'rules');
const badInput = join(repoRoot, 'test', 'fixtures', 'bad-input');

function shipshape(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `shipshape` killed after `ms` (code null): a CLI that hangs fails its test instead of the tier. */
function shipshapeWithin(ms: number, ...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: ms });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Like `shipshape`, without blocking the event loop: the test runner's timeout stays in charge. */
function shipshapeAsync(signal: AbortSignal, ...args: string[]) {
  return nodeAsync(signal, [], ...args);
}

/** The CLI under node options of its own (`--max-old-space-size`). */
function nodeAsync(signal: AbortSignal, nodeOptions: readonly string[], ...args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeOptions, cli, ...args], { cwd: repoRoot, signal });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

interface JsonReport {
  findings: {
    rule: string;
    message: string;
    severity: string;
    file: string;
    range: { start: { line: number; column: number } };
    object: { kind?: string; name?: string };
    fix?: { class: string };
  }[];
  errors: { file: string; message: string }[];
}

before(() => {
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('lint --format json: 1-based positions at the exact node, object identity, fix class', () => {
  const r = shipshape('lint', join(rules, 'privileged-container', 'fail.yaml'), '--format', 'json');
  assert.equal(r.code, 1, 'error-level findings fail by default');
  const report = JSON.parse(r.stdout) as JsonReport;
  const privileged = report.findings.filter((f) => f.rule === 'privileged-container');
  assert.deepEqual(
    privileged.map((f) => f.range.start),
    [
      { line: 16, column: 13 },
      { line: 20, column: 29 },
    ],
  );
  assert.deepEqual(privileged[0]?.object, { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'node-agent' });
  assert.equal(privileged[0]?.fix?.class, 'harden');
  assert.deepEqual(report.errors, []);
});

test('lint --format sarif validates against the SARIF 2.1.0 schema and carries real regions', () => {
  const r = shipshape('lint', rules, '--format', 'sarif');
  const sarif = JSON.parse(r.stdout) as {
    runs: {
      results: {
        ruleId: string;
        locations: { physicalLocation: { region: { startLine: number; startColumn: number } } }[];
      }[];
    }[];
  };
  const schema = JSON.parse(
    readFileSync(join(repoRoot, 'test', 'fixtures', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8'),
  ) as object;
  // The published schema's language-tag pattern is not valid as a /u regex; ajv must not add /u.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  const validate = ajv.compile(schema);
  assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  const results = sarif.runs[0]?.results ?? [];
  assert.ok(results.length > 10);
  assert.ok(
    results.every(
      (x) =>
        (x.locations[0]?.physicalLocation.region.startLine ?? 0) >= 1 &&
        (x.locations[0]?.physicalLocation.region.startColumn ?? 0) >= 1,
    ),
  );
});

test('lint --format text prints file:line:col rows and a summary', () => {
  const r = shipshape('lint', join(rules, 'cpu-request'), '--format', 'text', '--no-color');
  assert.match(r.stdout, /^test\/fixtures\/rules\/cpu-request\/fail\.yaml$/m);
  assert.match(r.stdout, /^\s+14:11\s+warning\s+cpu-request\s+Container "history" has no CPU request/m);
  assert.match(r.stdout, /\d+ finding\(s\) in 4 file\(s\)/);
});

test('exit codes: --fail-on, --include/--exclude, usage errors are 2', () => {
  const file = join(rules, 'cpu-request', 'fail.yaml');
  assert.equal(
    shipshape('lint', file, '--include', 'cpu-request').code,
    0,
    'warnings do not fail by default',
  );
  assert.equal(shipshape('lint', file, '--include', 'cpu-request', '--fail-on', 'warning').code, 1);
  assert.equal(
    shipshape(
      'lint',
      file,
      '--include',
      'cpu-request,naked-pod',
      '--exclude',
      'cpu-request',
      '--fail-on',
      'warning',
    ).code,
    0,
  );
  assert.equal(shipshape('lint', file, '--format', 'xml').code, 2);
  assert.equal(shipshape('lint', file, '--include', 'no-such-rule').code, 2);
  assert.equal(shipshape('lint', file, '--bogus').code, 2);
  assert.equal(shipshape('lint', join(rules, 'does-not-exist')).code, 2);
  assert.equal(shipshape('frobnicate').code, 2);
});

test('bad input: syntax errors, binary and non-UTF-8 files are reported, the rest analysed', () => {
  const r = shipshape('lint', badInput, '--format', 'json');
  const report = JSON.parse(r.stdout) as JsonReport;
  const errorFiles = new Set(report.errors.map((e) => e.file.split('/').pop()));
  for (const name of ['malformed.yaml', 'tabs.yaml', 'alias-bomb.yaml', 'binary.yaml', 'latin1.yaml'])
    assert.ok(errorFiles.has(name), name);
  assert.ok(report.findings.some((f) => f.object.name === 'after-script'));
  assert.equal(r.code, 1);
});

test('fix: writes the expected bytes; --dry-run prints a diff and writes nothing', () => {
  const dir = scratchDir('shipshape-fix-');
  cpSync(join(rules, 'selector-mismatch', 'fix.input.yaml'), join(dir, 'deploy.yaml'));
  const dry = shipshape('fix', dir, '--rule', 'selector-mismatch', '--dry-run');
  assert.equal(dry.code, 0);
  assert.match(dry.stdout, /^\+\s+component: worker$/m);
  assert.equal(
    readFileSync(join(dir, 'deploy.yaml'), 'utf8'),
    readFileSync(join(rules, 'selector-mismatch', 'fix.input.yaml'), 'utf8'),
  );
  assert.equal(shipshape('fix', dir, '--rule', 'selector-mismatch').code, 0);
  assert.equal(
    readFileSync(join(dir, 'deploy.yaml'), 'utf8'),
    readFileSync(join(rules, 'selector-mismatch', 'fix.expected.yaml'), 'utf8'),
  );
  assert.equal(shipshape('fix', dir, '--class', 'nope').code, 2);
});

test('worker threads give the same answer as one thread', () => {
  const dir = scratchDir('shipshape-threads-');
  const doc = readFileSync(join(rules, 'pdb-missing', 'fix.input.yaml'), 'utf8');
  for (let f = 0; f < 6; f++) {
    writeFileSync(
      join(dir, `f${f}.yaml`),
      Array.from({ length: 250 }, (_, i) => doc.replaceAll('grafana', `app-${f}-${i}`)).join('---\n'),
    );
  }
  const one = shipshape('lint', dir, '--format', 'json', '--threads', '1');
  const two = shipshape('lint', dir, '--format', 'json', '--threads', '2');
  assert.equal(two.stdout, one.stdout);
  assert.ok((JSON.parse(one.stdout) as JsonReport).findings.length >= 6 * 250);
});

test('worker threads: cross-resource messages (the "closest" workload) do not depend on the thread count', () => {
  // Issue 18: the merged index once followed the workers' batches, so a Service's "closest" hint
  // named whichever tied workload a worker had indexed first.
  const dir = scratchDir('shipshape-threads-closest-');
  const deployment = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}, tier: web}}
    spec:
      containers:
        - {name: main, image: "nginx:1.27", env: [{name: PADDING, value: "${'x'.repeat(600)}"}]}
`;
  const service = (name: string) => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: shop}
spec:
  selector: {app: ${name}-gone, tier: web}
  ports: [{port: 80}]
`;
  // Small files first, big ones last: the workers' size-balanced batches then index the files in
  // a different order from the one given.
  for (let f = 0; f < 6; f++) {
    const count = f < 3 ? 5 : 300;
    const docs = Array.from({ length: count }, (_, i) => deployment(`web-${f}-${i}`));
    docs.push(service(`front-${f}`));
    writeFileSync(join(dir, `f${f}.yaml`), docs.join('---\n'));
  }
  const one = shipshape('lint', dir, '--format', 'json', '--threads', '1');
  const two = shipshape('lint', dir, '--format', 'json', '--threads', '2');
  const hints = (stdout: string) =>
    (JSON.parse(stdout) as JsonReport).findings
      .filter((f) => f.rule === 'service-no-matching-pods')
      .map((f) => f.message);
  assert.equal(hints(one.stdout).length, 6);
  assert.deepEqual(hints(two.stdout), hints(one.stdout));
  assert.equal(two.stdout, one.stdout);
});

test(
  'lint: a 20 MB multi-document manifest is analysed in full, with the same findings as each part alone',
  // No timing assertion (the benchmark measures speed): the timeout only catches a runaway lint. A
  // file this big is parsed twice, in chunks (memory, issue 18): it took over 120 s at load 20.
  { timeout: 600_000 },
  async (t) => {
    const big = bigManifest(20 * 1024 * 1024);
    const dir = scratchDir('shipshape-big-');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'rendered.yaml');
    writeFileSync(file, big.text);

    const r = await shipshapeAsync(t.signal, 'lint', file, '--format', 'json', '--max-file-size', '25600');
    const report = JSON.parse(r.stdout) as JsonReport;
    assert.deepEqual(report.errors, [], 'no size or parse problem once --max-file-size allows the file');
    // One unit in the middle runs privileged: that single error decides the exit code.
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      report.findings.filter((f) => f.severity === 'error').map((f) => [f.rule, f.object.name]),
      [['privileged-container', `checkout-${big.privilegedUnit}`]],
    );

    /** A unit's findings as `rule kind/name line:column`, lines counted from the unit's first line. */
    const key = (rule: string, o: { kind?: string; name?: string }, line: number, column: number) =>
      `${rule} ${o.kind ?? ''}/${o.name ?? ''} ${line}:${column}`;
    const byUnit = new Map<number, string[]>();
    for (const f of report.findings) {
      const unit = Math.floor((f.range.start.line - 1) / big.unitLines);
      const line = f.range.start.line - unit * big.unitLines;
      const list = byUnit.get(unit) ?? [];
      list.push(key(f.rule, f.object, line, f.range.start.column));
      byUnit.set(unit, list);
    }
    /** What the core reports for unit `i` as a file of its own. */
    const alone = (i: number) => {
      const text = big.unit(i);
      const analysis = analyseText(text, { rules: allRules });
      return analysis.findings.map((f) => {
        const at = analysis.file.lines.positionAt(f.start);
        return key(f.rule, f.object, at.line + 1, at.character + 1);
      });
    };
    const template = alone(0);
    // The unit's own suppressions hold in the big file too: no cpu-limit, no rolling-update-strategy.
    assert.deepEqual(template, [
      'network-policy-missing Deployment/checkout-0 4:1',
      'secret-in-env Deployment/checkout-0 36:33',
    ]);
    assert.equal(byUnit.size, big.units, 'every unit, to the end of the file, was analysed');
    assert.ok(!r.stdout.includes('s3cr3t-'), 'literal secrets are never echoed');
    for (let i = 0; i < big.units; i++) {
      const expected =
        i === big.privilegedUnit || i % 97 === 0
          ? alone(i)
          : template.map((k) => k.replaceAll('checkout-0 ', `checkout-${i} `));
      assert.deepEqual(byUnit.get(i), expected, `unit ${i}`);
    }
  },
);

test('lint refuses named pipes and devices in plain words instead of hanging on them', () => {
  const dir = scratchDir('shipshape-fifo-');
  const fifo = join(dir, 'pipe.yaml');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  writeFileSync(
    join(dir, 'pod.yaml'),
    'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {containers: [{name: a, image: x}]}\n',
  );
  const r = shipshapeWithin(30_000, 'lint', fifo, '/dev/zero', dir, '--format', 'json');
  assert.notEqual(r.code, null, 'the CLI returned (a FIFO with no writer blocks a plain read forever)');
  const report = JSON.parse(r.stdout) as JsonReport;
  assert.deepEqual(
    report.errors.map((e) => [e.file.split('/').pop(), e.message]),
    [
      ['pipe.yaml', 'not a regular file (a named pipe), not read'],
      ['zero', 'not a regular file (a device), not read'],
    ],
  );
  assert.ok(
    report.findings.some((f) => f.object.name === 'web'),
    'the regular file in the folder is linted',
  );
  assert.equal(r.code, 1);
});

test('lint: files over --max-file-size (default 2048 KB, as in the editor) are reported, not read', () => {
  const dir = scratchDir('shipshape-size-');
  const file = join(dir, 'big.yaml');
  const pod = (i: number) =>
    `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}}\nspec: {containers: [{name: a, image: "x:1"}]}\n`;
  writeFileSync(file, Array.from({ length: 30_000 }, (_, i) => pod(i)).join('---\n'));
  const refused = shipshape('lint', file, '--format', 'json');
  const report = JSON.parse(refused.stdout) as JsonReport;
  assert.equal(report.findings.length, 0);
  assert.match(
    report.errors[0]?.message ?? '',
    /^too large \(2\d{3} KB; the limit is 2048 KB\), not read: --max-file-size KB raises the limit$/,
  );
  assert.equal(refused.code, 1);
  const raised = shipshape(
    'lint',
    file,
    '--format',
    'json',
    '--max-file-size',
    '4096',
    '--include',
    'naked-pod',
  );
  assert.equal((JSON.parse(raised.stdout) as JsonReport).findings.length, 30_000);
  assert.equal(shipshape('lint', file, '--max-file-size', '0').code, 2);
  assert.equal(shipshape('lint', file, '--max-file-size', '2MB').code, 2);
});

test('lint: one path policy; runbooks, node_modules, dist and out are left out, counted on stderr, listed with --verbose', () => {
  const dir = scratchDir('shipshape-paths-');
  const pod = (name: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec: {containers: [{name: a, image: x}]}\n`;
  const files: Record<string, string> = {
    'app.yaml': pod('app'),
    'ops/stabilise.runbook.yml': `title: Ops\nphases: []\n---\n${pod('runbook-yml')}`,
    'ops/other.runbook.yaml': pod('runbook-yaml'),
    'dist/rendered.yaml': pod('dist'),
    'charts/out/rendered.yml': pod('out'),
    'node_modules/pkg/x.yaml': pod('node-modules'),
    '.git/x.yaml': pod('git'),
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const names = (r: { stdout: string }) => [
    ...new Set((JSON.parse(r.stdout) as JsonReport).findings.map((f) => f.object.name)),
  ];
  const quiet = shipshape('lint', dir, '--format', 'json');
  assert.deepEqual(names(quiet), ['app']);
  assert.equal(
    quiet.stderr,
    'shipshape lint: skipped 5 path(s) (runbooks, dependency and build folders); --verbose lists them\n',
  );
  const verbose = shipshape('lint', dir, '--format', 'json', '--verbose');
  assert.deepEqual(
    verbose.stderr
      .trim()
      .split('\n')
      .map((l) => l.replace(dir, '<dir>')),
    [
      'shipshape lint: skipped <dir>/charts/out (folder: build output)',
      'shipshape lint: skipped <dir>/dist (folder: build output)',
      'shipshape lint: skipped <dir>/node_modules (folder: dependencies)',
      'shipshape lint: skipped <dir>/ops/other.runbook.yaml (a runbook)',
      'shipshape lint: skipped <dir>/ops/stabilise.runbook.yml (a runbook)',
    ],
  );
  // Named explicitly: a build folder's file is linted, a runbook never is.
  const named = shipshape(
    'lint',
    join(dir, 'dist', 'rendered.yaml'),
    join(dir, 'ops', 'stabilise.runbook.yml'),
    '--format',
    'json',
  );
  assert.deepEqual(names(named), ['dist']);
  assert.match(named.stderr, /skipped 1 path/);
});

test(
  'lint json and sarif stream: reports several times the heap are written whole and parse',
  { timeout: 180_000 },
  async (t) => {
    const dir = scratchDir('shipshape-stream-');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'many.yaml');
    const containers = Array.from({ length: 10 }, (_, i) => `{name: c${i}, image: x}`).join(', ');
    // 800: a container without resources is one finding (not four), so more pods make the size.
    const docs = 800;
    writeFileSync(
      file,
      Array.from(
        { length: docs },
        (_, i) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}}\nspec: {containers: [${containers}]}\n`,
      ).join('---\n'),
    );
    // 72 MB of heap: the old reporters (JSON.stringify of every finding at once) ran out of memory
    // below ~100 MB on this file; the JSON report alone is ~35 MB.
    const heap = ['--max-old-space-size=72'];
    const json = await nodeAsync(t.signal, heap, 'lint', file, '--format', 'json');
    assert.equal(json.code, 0, json.stderr.slice(0, 2000));
    assert.ok(
      json.stdout.length > 30 * 1024 * 1024,
      `a report larger than the heap allows twice (${json.stdout.length})`,
    );
    const report = JSON.parse(json.stdout) as JsonReport;
    assert.equal(new Set(report.findings.map((f) => f.object.name)).size, docs, 'every document reported');
    assert.deepEqual(report.errors, []);
    const sarif = await nodeAsync(t.signal, heap, 'lint', file, '--format', 'sarif');
    assert.equal(sarif.code, 0, sarif.stderr.slice(0, 2000));
    const log = JSON.parse(sarif.stdout) as { runs: { results: unknown[] }[] };
    assert.equal(log.runs[0]?.results.length, report.findings.length);
  },
);

test('health --snapshot: totals, health % and ranked problems from the demo snapshot', () => {
  const r = shipshape('health', '--snapshot', join(repoRoot, 'demo', 'snapshot.json'), '--format', 'json');
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as {
    pods: { total: number; healthy: number; succeeded: number; running: number };
    healthPercent: number;
    namespaces: { name: string; healthPercent: number | null }[];
    problems: {
      namespace: string;
      pod?: string;
      reason: string;
      owner: { kind: string; name: string };
      suggestion: string;
    }[];
  };
  assert.deepEqual([report.pods.total, report.pods.succeeded], [147, 7]);
  assert.equal(report.healthPercent, Math.round((report.pods.healthy / (147 - 7)) * 1000) / 10);
  assert.equal(report.namespaces[0]?.name, 'data-platform', 'worst namespace first');
  const redis = report.problems.find((p) => p.pod === 'redis-67b547c596-gwd9s');
  assert.deepEqual(
    [redis?.reason, redis?.owner],
    ['ImagePullBackOff', { kind: 'Deployment', name: 'redis' }],
  );
  assert.match(redis?.suggestion ?? '', /image name and tag/);
  assert.equal(report.problems.filter((p) => p.pod).length, 19);
  const text = shipshape('health', '--snapshot', join(repoRoot, 'demo', 'snapshot.json'));
  assert.match(text.stdout, /healthy \(\d+ of 140 counted pods; 7 completed\)/);
  assert.equal(shipshape('health', '--snapshot', 'x.json', '--context', 'y').code, 2);
  assert.equal(shipshape('health', '--snapshot', join(repoRoot, 'does-not-exist.json')).code, 1);
});

test('health --snapshot on `kubectl get pods,deployments -A -o json` (no ReplicaSets): never "no pods" beside its pods', () => {
  // Pods name a ReplicaSet the dump lacks, and carry no pod-template-hash label.
  const dump = join(repoRoot, 'test', 'fixtures', 'health', 'pods-and-deployments.json');
  const r = shipshape('health', '--snapshot', dump, '--format', 'json');
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as {
    problems: { reason: string; pod?: string; owner: { kind: string; name: string } }[];
  };
  assert.deepEqual(
    report.problems.map((p) => [p.reason, p.pod !== undefined, `${p.owner.kind}/${p.owner.name}`]),
    Array.from({ length: 5 }, () => ['NotReady', true, 'Deployment/superset-web']),
  );
  assert.doesNotMatch(shipshape('health', '--snapshot', dump).stdout, /NoPods|No pods are running/);
});

test('runbook: an invalid runbook file is named with its line, exit 2, and no usage text after it', () => {
  const dir = scratchDir('shipshape-runbook-');
  try {
    const file = join(dir, 'broken.runbook.yaml');
    writeFileSync(
      file,
      'title: Ops\nphases:\n  - id: one\n    title: One\n    tasks:\n      - id: x\n        title: x\n' +
        '        items:\n          - id: y\n            title: y\n            check: { nope: 1 }\n',
    );
    const r = shipshape('runbook', file, '--snapshot', join(repoRoot, 'demo', 'snapshot.json'));
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:11: Unknown check kind "nope"`),
    );
    assert.match(r.stderr, /has 1 error\(s\); fix them first/);
    assert.doesNotMatch(r.stderr, /usage: shipshape/);
    // A command-line mistake still shows the usage.
    assert.match(
      shipshape('runbook', 'a', 'b').stderr,
      /give at most one runbook file\n\nusage: shipshape runbook/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('runbook --snapshot: failing checks with evidence, exit 1; --all lists every item; json is complete', () => {
  const snapshot = join(repoRoot, 'demo', 'snapshot.json');
  const text = shipshape('runbook', '--snapshot', snapshot);
  assert.equal(text.code, 1, 'the demo platform fails checks: CI should go red');
  assert.match(text.stdout, /✕ DataHub GMS pods ready\n\s+Deployment data-platform\/datahub-gms: 0\/1 ready/);
  assert.doesNotMatch(text.stdout, /○/, 'manual items only appear with --all');
  const all = shipshape('runbook', '--snapshot', snapshot, '--all');
  assert.match(all.stdout, /○ GMS reaches PostgreSQL/);
  const json = shipshape('runbook', '--snapshot', snapshot, '--format', 'json');
  const report = JSON.parse(json.stdout) as {
    overall: { total: number; passed: number; failed: number; open: number; unknown: number };
    phases: { tasks: { items: { id: string; status: string }[] }[] }[];
  };
  const items = report.phases.flatMap((p) => p.tasks.flatMap((t) => t.items));
  assert.equal(items.length, report.overall.total);
  assert.equal(items.filter((i) => i.status === 'fail').length, report.overall.failed);
  assert.equal(items.find((i) => i.id === 'redis-ready-or-scaled-down')?.status, 'fail');
});

test('runbook: a broken runbook file is reported with line numbers (exit 2), a passing one exits 0', () => {
  const dir = scratchDir('shipshape-runbook-');
  const bad = join(dir, 'bad.runbook.yaml');
  writeFileSync(
    bad,
    'title: Bad\nphases:\n  - id: p\n    title: P\n    tasks:\n      - id: t\n        title: T\n        items:\n          - id: i\n            title: I\n            check: { workloadReedy: { namespace: a, name: b } }\n',
  );
  const r = shipshape('runbook', bad, '--snapshot', join(repoRoot, 'demo', 'snapshot.json'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.runbook\.yaml:11: .*workloadReady/);
  const good = join(dir, 'good.runbook.yaml');
  writeFileSync(
    good,
    'title: Good\nphases:\n  - id: p\n    title: P\n    tasks:\n      - id: t\n        title: T\n        items:\n          - id: kong\n            title: Kong ready\n            check: { workloadReady: { namespace: kong, name: kong } }\n          - id: manual\n            title: Ticked by hand\n',
  );
  const ok = shipshape('runbook', good, '--snapshot', join(repoRoot, 'demo', 'snapshot.json'));
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /1\/2 done · 0 failing · 0 cannot tell · 1 to tick by hand/);
  assert.equal(shipshape('runbook', '--snapshot', 'x.json', '--context', 'y').code, 2);
  assert.equal(shipshape('runbook', '--snapshot', join(dir, 'missing.json')).code, 3);
});

test('lint text: the summary counts every file problem it lists, warnings included', () => {
  const dir = scratchDir('shipshape-problems-');
  writeFileSync(
    join(dir, 'pod.yaml'),
    'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  # shipshape-disable-nextline host-network\n  hostNetwork: true\n  containers: [{name: app, image: nginx]\n',
  );
  const r = shipshape('lint', dir, '--format', 'text', '--no-color');
  assert.equal(r.code, 1);
  // File problems carry codes (snake_case), findings rule IDs (kebab-case).
  const listed = r.stdout
    .split('\n')
    .filter((l) => /^ {2}\S+\s+(error|warning|info)\s+[a-z]+_[a-z_]+ /.test(l));
  assert.ok(listed.some((l) => / warning unknown_directive /.test(l)));
  const errors = listed.filter((l) => / error /.test(l)).length;
  assert.ok(errors >= 1, 'the syntax error is listed');
  assert.match(
    r.stdout,
    new RegExp(`; ${listed.length} file problem\\(s\\), ${errors} of them error\\(s\\)$`, 'm'),
  );
});

test('start-up: a lint compiles only the lint bundle; the other commands load on demand', () => {
  // What `shipshape lint` compiles before it starts work is most of its start-up (issue 18): the
  // hook counts the JavaScript Node compiles, a size that does not depend on the machine's load:
  // modules, and the lint bundle dist/cli.js hands to vm.Script (with its code cache).
  const dir = scratchDir('shipshape-startup-');
  const hook = join(dir, 'count.cjs');
  writeFileSync(
    hook,
    `const Module = require('node:module');
const compile = Module.prototype._compile;
const seen = [];
Module.prototype._compile = function (content, filename) {
  seen.push([require('node:path').basename(filename), content.length]);
  return compile.call(this, content, filename);
};
const vm = require('node:vm');
const Script = vm.Script;
vm.Script = function (code, options) {
  seen.push([require('node:path').basename(options.filename), code.length]);
  return new Script(code, options);
};
process.on('exit', () => process.stderr.write('\\nCOMPILED ' + JSON.stringify(seen) + '\\n'));
`,
  );
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['--require', hook, cli, ...args], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    const line = r.stderr.split('\n').find((l) => l.startsWith('COMPILED ')) ?? 'COMPILED []';
    const builtins = r.stderr.split('\n').find((l) => l.startsWith('BUILTINS ')) ?? 'BUILTINS []';
    return {
      code: r.status,
      stdout: r.stdout,
      compiled: JSON.parse(line.slice(9)) as [string, number][],
      builtins: JSON.parse(builtins.slice(9)) as string[],
    };
  };
  const lint = run('lint', join(rules, 'privileged-container', 'pass.yaml'), '--format', 'json');
  assert.equal(lint.code, 0);
  assert.deepEqual(
    lint.compiled.map(([name]) => name),
    ['cli.js', 'cli-main.js'],
  );
  const bytes = lint.compiled.reduce((n, [, size]) => n + size, 0);
  assert.ok(bytes < 1_000_000, `lint compiled ${bytes} bytes of JavaScript`);
  // Rendering charts needs child_process (and crypto, fs/promises): a plain lint loads none of them.
  for (const builtin of ['child_process', 'crypto', 'fs/promises'])
    assert.ok(!lint.builtins.includes(builtin), `a plain lint loads no ${builtin}`);

  const health = run('health', '--snapshot', join(repoRoot, 'demo', 'snapshot.json'), '--format', 'json');
  assert.equal(health.code, 0);
  assert.ok((JSON.parse(health.stdout) as { pods: unknown }).pods !== undefined);
  assert.deepEqual(
    health.compiled.map(([name]) => name),
    ['cli.js', 'cli-main.js', 'cli-commands.js'],
  );
});
