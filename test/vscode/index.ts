// Entry point VS Code calls in the extension host (code-server payload or @vscode/test-electron).
import './suites/activation.test';
import './suites/big-file.test';
import './suites/features.test';
import { runAll } from './harness';

export async function run(): Promise<void> {
  await runAll();
}
