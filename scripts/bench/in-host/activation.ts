/**
 * Runs inside code-server's extension host (as extensionTestsPath; bundled to
 * out/bench/activation.js): opens the manifest named by SHIPSHAPE_BENCH_MANIFEST in a host where
 * Shipshape has not started yet, which activates it (onLanguage:yaml), and writes to
 * SHIPSHAPE_TEST_REPORT how long until it was active and until the manifest had its diagnostics.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../../../src/constants';

export interface ActivationReport {
  readonly wasActive: boolean;
  readonly activeMs: number;
  readonly diagnosticsMs: number;
  readonly diagnostics: number;
  readonly error?: string;
}

export async function run(): Promise<void> {
  const out = process.env['SHIPSHAPE_TEST_REPORT'] ?? '';
  const manifest = process.env['SHIPSHAPE_BENCH_MANIFEST'] ?? '';
  try {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    if (!extension) throw new Error(`${EXTENSION_ID} is not installed`);
    const wasActive = extension.isActive;
    const uri = vscode.Uri.file(manifest);
    const start = performance.now();
    const diagnosed = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no diagnostics within 60 s')), 60_000);
      const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
        if (!event.uris.some((u) => u.toString() === uri.toString())) return;
        if (vscode.languages.getDiagnostics(uri).length === 0) return;
        clearTimeout(timer);
        subscription.dispose();
        resolve(performance.now() - start);
      });
    });
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await extension.activate();
    const activeMs = performance.now() - start;
    const diagnosticsMs = await diagnosed;
    const report: ActivationReport = {
      wasActive,
      activeMs,
      diagnosticsMs,
      diagnostics: vscode.languages.getDiagnostics(uri).length,
    };
    writeFileSync(out, JSON.stringify(report));
  } catch (error) {
    writeFileSync(out, JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
  }
}
