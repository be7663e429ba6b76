import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands, EXTENSION_ID } from '../../../src/constants';
import { suite, test } from '../harness';

suite('activation', () => {
  test('the extension activates in the real extension host', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  test('every command in the constants table is registered', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = Object.values(Commands).filter((id) => !registered.has(id));
    assert.deepEqual(missing, []);
  });

  test('Show Log runs without error', async () => {
    await vscode.commands.executeCommand(Commands.showLog);
  });
});
