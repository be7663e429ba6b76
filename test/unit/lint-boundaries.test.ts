import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import { repoRoot } from '../../scripts/harness/paths';

/** The architecture rule is only real if lint actually fails: prove it on synthetic sources. */
async function lint(path: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: repoRoot,
    overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
    ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
  });
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, path) });
  return (result?.messages ?? []).map((m) => m.message);
}

for (const folder of ['src/core', 'src/protocol', 'src/webview']) {
  test(`lint rejects vscode and client-node imports in ${folder}`, async () => {
    assert.equal(
      (await lint(`${folder}/probe.ts`, "import * as vscode from 'vscode';\nexport const x = vscode;\n"))
        .length,
      1,
    );
    assert.equal(
      (
        await lint(
          `${folder}/probe.ts`,
          "import { KubeConfig } from '@kubernetes/client-node';\nexport const k = KubeConfig;\n",
        )
      ).length,
      1,
    );
  });
}

test('lint allows vscode in features and client-node in adapters/k8s', async () => {
  assert.deepEqual(
    await lint('src/features/x/probe.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n"),
    [],
  );
  assert.deepEqual(
    await lint(
      'src/adapters/k8s/probe.ts',
      "import { KubeConfig } from '@kubernetes/client-node';\nexport const k = KubeConfig;\n",
    ),
    [],
  );
});

test('lint rejects Node built-ins in src/core, by node: prefix or bare name', async () => {
  for (const spec of ['node:fs', 'node:path', 'fs', 'fs/promises', 'child_process'])
    assert.equal(
      (await lint('src/core/probe.ts', `import * as m from '${spec}';\nexport const x = m;\n`)).length,
      1,
      spec,
    );
  // A bare built-in name is matched exactly: core's own ./cluster module stays importable.
  assert.deepEqual(
    await lint('src/core/health/probe.ts', "import * as m from './cluster';\nexport const x = m;\n"),
    [],
  );
  assert.deepEqual(
    await lint('src/adapters/fs/probe.ts', "import * as m from 'node:fs';\nexport const x = m;\n"),
    [],
  );
});

test('lint rejects feature (and vscode) imports in the CLI, and allows core and adapters', async () => {
  for (const spec of ['../features/runbook/controller', '../features/services', 'vscode'])
    assert.equal(
      (await lint('src/cli/probe.ts', `import * as m from '${spec}';\nexport const x = m;\n`)).length,
      1,
      spec,
    );
  assert.deepEqual(
    await lint(
      'src/cli/probe.ts',
      "import * as a from '../core/runbook/evaluate';\nimport * as b from '../adapters/k8s/rest';\n" +
        "import * as c from 'node:fs';\nexport const x = [a, b, c];\n",
    ),
    [],
  );
});
