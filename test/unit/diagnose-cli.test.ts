/** `shipshape diagnose` as users run it: the bundled dist/cli.js on the demo snapshot (run scripts/build.mjs first). */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../scripts/harness/paths';

const cli = join(repoRoot, 'dist', 'cli.js');
const snapshot = join(repoRoot, 'demo', 'snapshot.json');

function shipshape(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Json {
  diagnoses: {
    namespace: string;
    pod: string;
    reason: string;
    verdict?: string;
    sections: { title: string; findings: { level: string; text: string }[] }[];
  }[];
}

test('diagnose --all --snapshot demo/snapshot.json explains every problem pod health reports', () => {
  const health = shipshape('health', '--snapshot', snapshot, '--format', 'json');
  assert.equal(health.code, 0, health.stderr);
  const problems = (JSON.parse(health.stdout) as { problems: { namespace: string; pod?: string }[] }).problems
    .filter((p) => p.pod)
    .map((p) => `${p.namespace}/${p.pod ?? ''}`)
    .sort();
  assert.equal(problems.length, 19);
  const r = shipshape('diagnose', '--all', '--snapshot', snapshot, '--format', 'json');
  assert.equal(r.code, 0, r.stderr);
  const { diagnoses } = JSON.parse(r.stdout) as Json;
  assert.deepEqual(diagnoses.map((d) => `${d.namespace}/${d.pod}`).sort(), problems);
  // Each one is explained: a verdict backed by at least one cause.
  for (const d of diagnoses)
    assert.ok(
      d.verdict && d.sections.some((s) => s.findings.some((f) => f.level === 'cause')),
      `${d.namespace}/${d.pod} (${d.reason}) has no explanation`,
    );
  const find = (prefix: string) => diagnoses.find((d) => d.pod.startsWith(prefix))?.verdict ?? '';
  assert.match(
    find('superset-worker-'),
    /Secret `superset-secret` not found in data-platform.*`superset-secrets` exists/,
  );
  assert.match(find('datahub-gms-'), /datahub-kafka-kafka-pool\.kafka\.svc\.cluster\.local:9092/);
  assert.match(find('spark-history-server-'), /0\/2 nodes fit: 2 Insufficient cpu/);
  assert.match(find('portal-services-'), /not found/);
  assert.match(find('superset-web-7c9f8d6b5d-'), /shipshape\.dev\/stuck-volume-detach/);
  const doris = diagnoses.find((d) => d.pod === 'doris-fe-0');
  assert.match(doris?.verdict ?? '', /Exit 127: command not found/);
  assert.match(JSON.stringify(doris), /start_fe\.sh: No such file or directory/);
});

test('diagnose NAMESPACE/POD in text and markdown; no Secret value in any output', () => {
  const text = shipshape('diagnose', 'data-platform/doris-fe-0', '--snapshot', snapshot);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /doris-fe-0 — CrashLoopBackOff · StatefulSet\/doris-fe/);
  const md = shipshape('diagnose', '--all', '--snapshot', snapshot, '--format', 'markdown');
  assert.equal(md.code, 0, md.stderr);
  assert.match(md.stdout, /^# Diagnose: data-platform\//m);
  assert.match(md.stdout, /\| Node \| Fits \| Why not \|/);
  // The seeded Secret's placeholder value (base64 "change-me") never appears.
  for (const out of [text.stdout, md.stdout]) assert.equal(out.includes('Y2hhbmdlLW1l'), false);
});

test('diagnose: usage errors exit 2, an unknown pod exits 1', () => {
  assert.equal(shipshape('diagnose', '--snapshot', snapshot).code, 2);
  assert.equal(shipshape('diagnose', 'just-a-name', '--snapshot', snapshot).code, 2);
  assert.equal(shipshape('diagnose', '--all', 'a/b', '--snapshot', snapshot).code, 2);
  assert.equal(shipshape('diagnose', '--all', '--snapshot', snapshot, '--context', 'x').code, 2);
  assert.equal(shipshape('diagnose', '--all', '--snapshot', snapshot, '--format', 'sarif').code, 2);
  const missing = shipshape('diagnose', 'data-platform/nope', '--snapshot', snapshot);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no pod data-platform\/nope/);
});
