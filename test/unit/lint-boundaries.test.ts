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
  for (const spec of ['../features/runbook/controller', '../features/clusters/register', 'vscode'])
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

/** Issue 17: what two features share lives in src/services; a feature never reaches into another. */
test('lint rejects a feature importing another feature, and allows services, core, adapters, protocol', async () => {
  for (const spec of [
    '../clusters/tree',
    '../pods/commands',
    '../../features/clusters/tree',
    '../../cli/args',
    '../../extension',
  ])
    assert.equal(
      (await lint('src/features/pods/probe.ts', `import * as m from '${spec}';\nexport const x = m;\n`))
        .length,
      1,
      spec,
    );
  assert.deepEqual(
    await lint(
      'src/features/pods/probe.ts',
      "import * as a from './commands';\nimport * as b from '../../services/container';\n" +
        "import * as c from '../../services/clusters/sources';\nimport * as d from '../../core/log';\n" +
        "import * as e from '../../adapters/vscode/disposables';\nimport * as f from '../../protocol/runbook';\n" +
        "import * as g from '../../constants';\nimport * as vscode from 'vscode';\nimport * as h from 'node:fs';\n" +
        'export const x = [a, b, c, d, e, f, g, h, vscode];\n',
    ),
    [],
  );
});

test('lint rejects features and the CLI in src/services', async () => {
  for (const [path, spec] of [
    ['src/services/clusters/probe.ts', '../../features/clusters/tree'],
    ['src/services/probe.ts', '../features/pods/commands'],
    ['src/services/probe.ts', '../cli/args'],
  ] as const)
    assert.equal(
      (await lint(path, `import * as m from '${spec}';\nexport const x = m;\n`)).length,
      1,
      `${path}: ${spec}`,
    );
  assert.deepEqual(
    await lint(
      'src/services/clusters/probe.ts',
      "import * as a from './sources';\nimport * as b from '../charts/service';\n" +
        "import * as c from '../../core/log';\nimport * as d from '../../adapters/k8s/rest';\n" +
        "import * as vscode from 'vscode';\nexport const x = [a, b, c, d, vscode];\n",
    ),
    [],
  );
});

test('lint keeps vscode out of the CLI also through services and adapters', async () => {
  // Services are built for the editor (most hold vscode objects): the CLI uses core and adapters.
  for (const spec of [
    '../services/clusters/sources',
    '../services/charts/render',
    '../adapters/vscode/config',
  ])
    assert.equal(
      (await lint('src/cli/probe.ts', `import * as m from '${spec}';\nexport const x = m;\n`)).length,
      1,
      spec,
    );
  // Adapters other than adapters/vscode are what the CLI reaches the world through.
  for (const spec of [
    'vscode',
    '../vscode/config',
    '../../services/container',
    '../../features/clusters/tree',
  ])
    assert.equal(
      (await lint('src/adapters/k8s/probe.ts', `import * as m from '${spec}';\nexport const x = m;\n`))
        .length,
      1,
      spec,
    );
  assert.deepEqual(
    await lint(
      'src/adapters/vscode/probe.ts',
      "import * as vscode from 'vscode';\nimport * as a from '../k8s/rest';\nexport const x = [vscode, a];\n",
    ),
    [],
  );
});
