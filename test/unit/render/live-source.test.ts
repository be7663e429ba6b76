/**
 * Live → source on the demo chart and overlay, rendered with the real Helm and kustomize: any
 * node of a rendered object is located (not only findings), and an OOMKilled container's memory
 * limit is raised in the values key or template line that writes it, then rendered again.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { applyEdits } from '../../../src/core/edit/text-edit';
import type { RenderLint } from '../../../src/core/render/helm-map';
import { locateRendered, renderedDocumentOf } from '../../../src/core/render/locate-object';
import { raiseMemoryAtSource } from '../../../src/core/render/memory-source';
import { nodeAtPath } from '../../../src/core/render/rendered';
import { lintChart, lintOverlay, workspace } from './support';
import { scratchDir } from '../../../scripts/harness/scratch';

const chartDir = join(workspace, 'helm', 'charts', 'data-platform');
const read = (file: string) => readFileSync(file, 'utf8');
const rel = (file: string, root = chartDir) => relative(root, file);

function renderedLimit(lint: RenderLint, name: string, path: readonly (string | number)[]): unknown {
  const index = renderedDocumentOf(lint, { kind: 'Deployment', name });
  assert.ok(index !== undefined, `${name} is rendered`);
  const node = nodeAtPath(lint.file.documents[index]?.root, [...path, 'resources', 'limits', 'memory']);
  return node && 'value' in node ? node.value : undefined;
}

test('any rendered node is located: the object on its template line, a value on its values key', async () => {
  const lint = await lintChart(chartDir);
  const coordinator = { kind: 'Deployment', name: 'trino-coordinator', namespace: 'data-platform' };
  const name = locateRendered(lint, coordinator, ['metadata', 'name']);
  assert.deepEqual(
    [rel(name?.file ?? ''), name?.line, name?.via],
    ['charts/trino/templates/coordinator.yaml', 3, 'action'],
  );
  const limit = locateRendered(lint, coordinator, [
    'spec',
    'template',
    'spec',
    'containers',
    0,
    'resources',
    'limits',
    'memory',
  ]);
  assert.deepEqual(
    [rel(limit?.file ?? ''), limit?.line, limit?.via],
    ['charts/trino/values.yaml', 16, 'values'],
  );
  // The parent chart's block wins over the subchart's defaults.
  const replicas = locateRendered(lint, { kind: 'Deployment', name: 'trino-worker' }, ['spec', 'replicas']);
  assert.deepEqual([rel(replicas?.file ?? ''), replicas?.line], ['values.yaml', 24]);
  // Not rendered by this chart, or in another namespace: nothing.
  assert.equal(locateRendered(lint, { kind: 'Deployment', name: 'mlflow' }, ['metadata', 'name']), undefined);
  // The chart's templates leave the namespace to `--namespace`: any namespace matches.
  assert.notEqual(renderedDocumentOf(lint, { ...coordinator, namespace: 'elsewhere' }), undefined);
});

test('a Kustomize object is located in its base file', async () => {
  const overlay = join(workspace, 'kustomize', 'portal-services', 'overlays', 'prod');
  const lint = await lintOverlay(overlay);
  const at = locateRendered(lint, { kind: 'Deployment', name: 'graphql-gateway' }, ['metadata', 'name']);
  assert.deepEqual(
    [rel(at?.file ?? '', workspace), at?.line, at?.via],
    ['kustomize/portal-services/base/deployment.yaml', 3, 'base'],
  );
});

test('OOMKilled trino worker: the limit goes into the values block the template reads, and renders', async () => {
  const chart = join(scratchDir('live-source-'), 'data-platform');
  cpSync(chartDir, chart, { recursive: true });
  const lint = await lintChart(chart);
  const container = ['spec', 'template', 'spec', 'containers', 0];
  assert.equal(renderedLimit(lint, 'trino-worker', container), undefined, 'no limit rendered yet');
  const raise = raiseMemoryAtSource(
    lint,
    { kind: 'Deployment', name: 'trino-worker', namespace: 'data-platform' },
    { container: 'worker', liveLimit: '1Gi' },
    read,
  );
  assert.ok(!('problem' in raise), JSON.stringify(raise));
  assert.deepEqual(
    [rel(raise.file, chart), raise.via, raise.line, raise.key, raise.from, raise.to, raise.container],
    ['charts/trino/values.yaml', 'values', 21, 'worker.resources.limits.memory', undefined, '2Gi', 'worker'],
  );
  const before = read(raise.file);
  const after = applyEdits(before, raise.edits);
  assert.match(after, /# Sized per installation: the parent chart sets it\./, 'comments kept');
  assert.match(after, /^ {2}resources: \{ ?limits: \{ ?memory: 2Gi ?\} ?\}$/m);
  writeFileSync(raise.file, after);
  assert.equal(renderedLimit(await lintChart(chart), 'trino-worker', container), '2Gi');
});

test('a limit the values set is doubled on its line; the parent chart override is the line edited', async () => {
  const lint = await lintChart(chartDir);
  const coordinator = raiseMemoryAtSource(
    lint,
    { kind: 'Deployment', name: 'trino-coordinator' },
    { container: 'coordinator', liveLimit: '1Gi' },
    read,
  );
  assert.ok(!('problem' in coordinator), JSON.stringify(coordinator));
  // What the chart renders (4Gi) is the base, not what the pod ran with.
  assert.deepEqual(
    [rel(coordinator.file), coordinator.line, coordinator.key, coordinator.from, coordinator.to],
    ['charts/trino/values.yaml', 16, 'coordinator.resources.limits.memory', '4Gi', '8Gi'],
  );
  const after = applyEdits(read(coordinator.file), coordinator.edits).split('\n');
  assert.equal(after[16], '      memory: 8Gi');

  const master = raiseMemoryAtSource(
    lint,
    { kind: 'StatefulSet', name: 'dolphinscheduler-master' },
    { container: 'master' },
    read,
  );
  assert.ok(!('problem' in master), JSON.stringify(master));
  assert.deepEqual(
    [rel(master.file), master.key, master.from, master.to],
    ['values.yaml', 'dolphinscheduler.master.resources.limits.memory', '2Gi', '4Gi'],
  );
});

test('a literal template block gets the limit as a new line under it; a missing object or container is said', async () => {
  const lint = await lintChart(chartDir);
  const redis = raiseMemoryAtSource(
    lint,
    { kind: 'Deployment', name: 'redis' },
    { container: 'redis' },
    read,
  );
  assert.ok(!('problem' in redis), JSON.stringify(redis));
  assert.deepEqual(
    [rel(redis.file), redis.via, redis.to],
    ['charts/superset/templates/superset.yaml', 'template', '512Mi'],
  );
  const after = applyEdits(read(redis.file), redis.edits);
  assert.match(after, /\n {10}resources:\n {12}limits:\n {14}memory: 512Mi\n {12}requests:\n/);

  const missing = raiseMemoryAtSource(lint, { kind: 'Deployment', name: 'mlflow' }, {}, read);
  assert.deepEqual(missing, { problem: 'the chart does not render Deployment mlflow' });
  // One container: a pod naming another (renamed since) still means the only one.
  const only = raiseMemoryAtSource(
    lint,
    { kind: 'Deployment', name: 'trino-worker' },
    { container: 'trino' },
    read,
  );
  assert.equal('problem' in only ? only.problem : only.container, 'worker');
});
