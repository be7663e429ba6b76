import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_LIMITS, runTool } from '../../../src/adapters/render/run';
import { rootsFrom, rootsOf } from '../../../src/services/charts/roots';
import { workspace } from './support';

const helm = join(workspace, 'helm', 'charts');
const kustomize = join(workspace, 'kustomize', 'portal-services');

test('subcharts belong to their umbrella chart; overlays and bases are roots of their own', () => {
  const roots = rootsFrom([
    join(helm, 'data-platform', 'Chart.yaml'),
    join(helm, 'data-platform', 'charts', 'trino', 'Chart.yaml'),
    join(helm, 'data-platform', 'charts', 'superset', 'Chart.yaml'),
    join(helm, 'platform-policies', 'Chart.yaml'),
    join(kustomize, 'base', 'kustomization.yaml'),
    join(kustomize, 'overlays', 'prod', 'kustomization.yaml'),
  ]);
  assert.deepEqual(roots, [
    { kind: 'helm', dir: join(helm, 'data-platform') },
    { kind: 'helm', dir: join(helm, 'platform-policies') },
    { kind: 'kustomize', dir: join(kustomize, 'base') },
    { kind: 'kustomize', dir: join(kustomize, 'overlays', 'prod') },
  ]);
  const trinoValues = join(helm, 'data-platform', 'charts', 'trino', 'values.yaml');
  assert.deepEqual(rootsOf(roots, trinoValues), [{ kind: 'helm', dir: join(helm, 'data-platform') }]);
  // A sibling whose name starts like a chart's is not inside it.
  assert.deepEqual(rootsOf(roots, join(helm, 'data-platform-extra', 'values.yaml')), []);
  assert.deepEqual(rootsOf(roots, join(kustomize, 'base', 'deployment.yaml')), [
    { kind: 'kustomize', dir: join(kustomize, 'base') },
  ]);
});

test('a render cancelled by the next save is killed with its process group', async () => {
  const controller = new AbortController();
  const running = runTool('sh', ['-c', 'sleep 20 & wait'], { ...DEFAULT_LIMITS, signal: controller.signal });
  setTimeout(() => controller.abort(), 100);
  const result = await running;
  assert.equal(result.timedOut, false);
  assert.equal(result.code, null, 'killed, not finished');
});
