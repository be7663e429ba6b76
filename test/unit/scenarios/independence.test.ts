/**
 * The simulator and loader (scenarios/) build the cluster the product is tested against: they must
 * not share the product's cluster code, or a bug there could shape both sides and hide itself.
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import { quantity } from '../../../scenarios/loader';
import { repoRoot } from '../../../scripts/harness/paths';
import { parseQuantity } from '../../../src/core/health/quantity';

async function importErrors(path: string, spec: string): Promise<number> {
  const eslint = new ESLint({
    cwd: repoRoot,
    overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
    ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
  });
  const [result] = await eslint.lintText(`import * as m from '${spec}';\nexport const x = m;\n`, {
    filePath: join(repoRoot, path),
  });
  return result?.messages.length ?? 0;
}

test('lint rejects product adapters and features in scenarios/, and allows core helpers', async () => {
  for (const spec of [
    '../src/adapters/k8s/rest',
    '../src/adapters/k8s/informer',
    '../src/adapters/k8s/errors',
    '../src/features/clusters/tree',
  ])
    assert.equal(await importErrors('scenarios/probe.ts', spec), 1, spec);
  for (const spec of ['../src/core/log', './client', 'node:https', 'yaml'])
    assert.equal(await importErrors('scenarios/probe.ts', spec), 0, spec);
});

test("the loader's own quantity parser agrees with the product's on every unit", () => {
  for (const text of ['0', '1', '1.5', '250m', '5n', '3u', '100k', '2M', '1G', '1T', '1P', '2E'])
    assert.equal(quantity(text), parseQuantity(text), text);
  for (const text of ['128Ki', '256Mi', '2Gi', '1.5Gi', '1Ti', '1Pi', '1Ei', '1e3', '5E2'])
    assert.equal(quantity(text), parseQuantity(text), text);
  assert.throws(() => quantity('lots'), /not a resource quantity/);
});
