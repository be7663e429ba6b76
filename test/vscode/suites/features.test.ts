import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, Views } from '../../../src/constants';
import { suite, test } from '../harness';

const DUPLICATE_ENV = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: gms
  namespace: data-platform
spec:
  selector:
    matchLabels: { app: gms }
  template:
    metadata:
      labels: { app: gms }
    spec:
      containers:
        - name: gms
          image: acryldata/datahub-gms:v0.14.1
          env:
            - name: EBEAN_DATASOURCE_HOST
              value: kong-postgres:5432
            - name: EBEAN_DATASOURCE_HOST
              value: postgres-shared-service:5432
`;

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const fixesAt = (uri: vscode.Uri, range: vscode.Range, resolve: number) =>
  vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    uri,
    range,
    vscode.CodeActionKind.QuickFix.value,
    resolve,
  );

suite('features', () => {
  test('the Clusters, Problems and Runbook views resolve', async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    for (const view of [Views.clusters, Views.problems, Views.runbook])
      await vscode.commands.executeCommand(`${view}.focus`);
  });

  test('a quick fix carries no edit until it is resolved, and the resolved edit fixes the file', async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    const file = join(mkdtempSync(join(tmpdir(), 'shipshape-actions-')), 'gms.yaml');
    writeFileSync(file, DUPLICATE_ENV);
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    const diagnostic = await until('the duplicate-env-var diagnostic', () =>
      vscode.languages
        .getDiagnostics(document.uri)
        .find((d) => typeof d.code === 'object' && d.code.value === 'duplicate-env-var'),
    );
    const title = 'Remove the earlier duplicate';
    const offered = (await fixesAt(document.uri, diagnostic.range, 0)).find((a) => a.title === title);
    assert.ok(offered, 'the fix is offered');
    // The lightbulb asks on every cursor move: the edit (a parse and a fix) waits for a pick.
    assert.equal(offered.edit, undefined);
    const resolved = (await fixesAt(document.uri, diagnostic.range, 100)).find((a) => a.title === title);
    assert.ok(resolved?.edit, 'resolving computes the edit');
    assert.equal(await vscode.workspace.applyEdit(resolved.edit), true);
    assert.doesNotMatch(document.getText(), /kong-postgres/);
    assert.equal(document.getText().match(/name: EBEAN_DATASOURCE_HOST/g)?.length, 1);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
