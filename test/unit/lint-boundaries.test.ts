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
