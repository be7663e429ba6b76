/**
 * Runbook `exec` checks through the real API server and the test cluster's simulated node (a
 * real `sh` per container), via `shipshape runbook` itself: the exit code ticks the item, the
 * evidence names the code and the first stderr line but never stdout, and nothing runs without
 * both the runbook's `allowExec: true` and `--allow-exec`.
 */
import * as assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { KubeRest } from '../../src/adapters/k8s/rest';
import { execOnce } from '../../src/adapters/k8s/streams';
import { runbook } from '../../src/cli/runbook';
import { EXEC_OFF } from '../../src/core/runbook/catalog/exec';
import { startTestCluster, type TestCluster } from '../../scripts/harness/testcluster';
import { eventually, kubeletNode, namespace, restFor, running } from './support/kube';
import { scratchDir } from '../../scripts/harness/scratch';

const NS = 'probes';
let cluster: TestCluster;
let rest: KubeRest;
let dir: string;

async function createPod(name: string, labels: Record<string, string>): Promise<void> {
  const pod = await rest.request<Record<string, unknown>>('POST', `/api/v1/namespaces/${NS}/pods`, {
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: NS, labels },
      spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'busybox:1.36' }] },
    },
    what: 'create pod',
  });
  await rest.request('PUT', `/api/v1/namespaces/${NS}/pods/${name}/status`, {
    body: { ...pod, status: running() },
    what: 'write pod status',
  });
}

before(async () => {
  dir = scratchDir('shipshape-runbook-exec-');
  cluster = await startTestCluster();
  rest = restFor(cluster.kubeconfig);
  await namespace(rest, NS);
  await kubeletNode(rest, 'node-1');
  await createPod('health-a', { app: 'health' });
  await createPod('health-b', { app: 'health' });
  // The sandbox answers once the kubelet serves the pod.
  await eventually(
    async () =>
      assert.equal((await execOnce(rest, { namespace: NS, name: 'health-a' }, 'app', ['true'])).exitCode, 0),
    60_000,
  );
});

after(async () => {
  rest?.dispose();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const item = (id: string, check: string) => [
  `          - id: ${id}`,
  `            title: ${id}`,
  `            check: ${check}`,
];

function writeRunbook(name: string, allowExec: boolean, items: string[][]): string {
  const file = join(dir, `${name}.runbook.yaml`);
  writeFileSync(
    file,
    [
      `title: ${name}`,
      ...(allowExec ? ['allowExec: true'] : []),
      'phases:',
      '  - id: p',
      '    title: P',
      '    tasks:',
      '      - id: t',
      '        title: T',
      '        items:',
      ...items.flat(),
      '',
    ].join('\n'),
  );
  return file;
}

interface Item {
  id: string;
  status: string;
  evidence?: string;
  refs: { kind: string; namespace: string; name: string }[];
}

async function run(
  file: string,
  ...flags: string[]
): Promise<{ code: number; text: string; items: Map<string, Item> }> {
  let text = '';
  const code = await runbook(
    [file, '--kubeconfig', cluster.kubeconfig, '--format', 'json', ...flags],
    (s) => (text += s),
  );
  const report = JSON.parse(text) as { phases: { tasks: { items: Item[] }[] }[] };
  const items = new Map(report.phases.flatMap((p) => p.tasks.flatMap((t) => t.items.map((i) => [i.id, i]))));
  return { code, text, items };
}

const marker = (name: string) =>
  `{ exec: { namespace: ${NS}, pod: health-b, command: [sh, -c, "touch ${name}.ran; exit 0"] } }`;

async function ran(name: string): Promise<boolean> {
  const probe = await execOnce(rest, { namespace: NS, name: 'health-b' }, 'app', [
    'sh',
    '-c',
    `test -e ${name}.ran`,
  ]);
  return probe.exitCode === 0;
}

test('exec checks tick from the exit code, with the code and the first stderr line as evidence', async () => {
  const file = writeRunbook('probes', true, [
    item(
      'ok',
      `{ exec: { namespace: ${NS}, selector: { app: health }, command: [sh, -c, "a=OUT; echo \${a}PUT-KEPT; exit 0"] } }`,
    ),
    item(
      'broken',
      `{ exec: { namespace: ${NS}, pod: health-b, container: app, command: [sh, -c, "a=SEC; echo \${a}RET-STDOUT; echo 'connection refused' >&2; echo \${a}OND-LINE >&2; exit 3"] } }`,
    ),
    item(
      'expects-3',
      `{ exec: { namespace: ${NS}, pod: health-a, command: [sh, -c, "exit 3"], expectExit: 3 } }`,
    ),
    item('no-pod', `{ exec: { namespace: ${NS}, selector: { app: nothing }, command: [sh, -c, "exit 0"] } }`),
    item('marked', marker('allowed')),
  ]);
  const { code, text, items } = await run(file, '--allow-exec');
  assert.equal(code, 1, text);
  const ok = items.get('ok');
  assert.equal(ok?.status, 'pass', ok?.evidence);
  // The first ready pod by name.
  assert.match(ok?.evidence ?? '', /^`sh -c '.*'` exited 0 in probes\/health-a\.$/);
  assert.deepEqual(ok?.refs, [{ kind: 'Pod', namespace: NS, name: 'health-a' }]);
  const broken = items.get('broken');
  assert.equal(broken?.status, 'fail');
  assert.match(
    broken?.evidence ?? '',
    /exited 3 in probes\/health-b \(container app\), expected 0: connection refused\.$/,
  );
  assert.equal(items.get('expects-3')?.status, 'pass');
  assert.equal(items.get('no-pod')?.status, 'unknown');
  assert.match(items.get('no-pod')?.evidence ?? '', /no ready pod matches app=nothing in probes/);
  assert.equal(items.get('marked')?.status, 'pass');
  assert.ok(await ran('allowed'));
  // Output is never kept: stdout nowhere, stderr past its first line nowhere.
  assert.doesNotMatch(text, /OUTPUT-KEPT|SECRET-STDOUT|SECOND-LINE/);
});

test('without --allow-exec, or without the runbook opting in, nothing runs and the item says why', async () => {
  const optedIn = writeRunbook('no-flag', true, [item('marked', marker('no-flag'))]);
  const noFlag = await run(optedIn);
  assert.equal(noFlag.code, 0, noFlag.text);
  assert.equal(noFlag.items.get('marked')?.status, 'unknown');
  assert.equal(noFlag.items.get('marked')?.evidence, EXEC_OFF.cli);
  assert.equal(await ran('no-flag'), false);

  const optedOut = writeRunbook('no-opt-in', false, [item('marked', marker('no-opt-in'))]);
  const noOptIn = await run(optedOut, '--allow-exec');
  assert.equal(noOptIn.code, 0, noOptIn.text);
  assert.equal(noOptIn.items.get('marked')?.status, 'unknown');
  assert.equal(
    noOptIn.items.get('marked')?.evidence,
    'Exec checks are off: the runbook does not opt in (`allowExec: true`).',
  );
  assert.equal(await ran('no-opt-in'), false);
});

test('an exec check that outlives its 10 s is unknown, not a pass', async () => {
  const file = writeRunbook('slow', true, [
    item('slow', `{ exec: { namespace: ${NS}, pod: health-a, command: [sh, -c, "sleep 20; exit 0"] } }`),
  ]);
  const { items } = await run(file, '--allow-exec');
  assert.equal(items.get('slow')?.status, 'unknown');
  assert.match(items.get('slow')?.evidence ?? '', /: timed out after 10 s\.$/);
});
