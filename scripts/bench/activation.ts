/**
 * Issue 18: the editor's start, measured in real VS Code. Each run starts a fresh code-server and
 * Chromium with the packaged extension (the production build users install) installed, opens a
 * workspace holding one small manifest, and an extension-host script
 * (scripts/bench/in-host/activation.ts) opens that manifest, which activates Shipshape, and
 * times the activation and the manifest's first diagnostics.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../harness/browser';
import { startCodeServer } from '../harness/code-server';
import { repoRoot } from '../harness/paths';
import { scratchDir } from '../harness/scratch';
import { corpusDocuments } from './corpus';
import type { ActivationReport } from './in-host/activation';
import { fmt, median, type Report } from './report';

/** The .vsix, built as `npm run package` builds it; the development build is put back after. */
function packaged(): string {
  const given = process.env['SHIPSHAPE_VSIX'];
  if (given && existsSync(given)) return given;
  const vsix = join(scratchDir('shipshape-activation-vsix-'), 'shipshape.vsix');
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'] as ('ignore' | 'inherit')[] };
  execFileSync(process.execPath, [join(repoRoot, 'scripts', 'package.mjs'), vsix], quiet);
  // package.mjs leaves dist/ as a production build; the other sections and the tests use this one.
  execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], quiet);
  return vsix;
}

async function once(manifest: string, workspace: string, vsix: string): Promise<ActivationReport> {
  const out = join(scratchDir('shipshape-activation-'), 'report.json');
  const server = await startCodeServer({
    env: { SHIPSHAPE_TEST_REPORT: out, SHIPSHAPE_BENCH_MANIFEST: manifest },
  });
  const browser = await launchChromium();
  try {
    // The installed copy is also the development path: the in-host script needs one to run.
    server.install(vsix);
    const installed = readdirSync(server.extensionsDir).find((name) =>
      name.startsWith('shipshape.shipshape-'),
    );
    if (!installed) throw new Error(`the .vsix did not install into ${server.extensionsDir}`);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(
      server.url(workspace, {
        extensionPath: join(server.extensionsDir, installed),
        testsPath: join(repoRoot, 'out', 'bench', 'activation.js'),
      }),
    );
    const deadline = Date.now() + 180_000;
    while (!existsSync(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (!existsSync(out)) throw new Error('no report from the extension host within 3 minutes');
    const report = JSON.parse(readFileSync(out, 'utf8')) as ActivationReport;
    if (report.error) throw new Error(report.error);
    if (report.wasActive) throw new Error('Shipshape was active before the manifest opened');
    return report;
  } finally {
    await browser.close();
    await server.stop();
  }
}

export async function benchActivation(report: Report, runs: number): Promise<void> {
  const section = 'activation (real VS Code)';
  const workspace = scratchDir('shipshape-activation-ws-');
  const manifest = join(workspace, 'platform.yaml');
  // The keystroke benchmark's file (8 documents).
  const text = corpusDocuments(8).join('---\n');
  writeFileSync(manifest, text);
  const lines = text.split('\n').length;
  const results: ActivationReport[] = [];
  try {
    const vsix = packaged();
    for (let i = 0; i < runs; i++) results.push(await once(manifest, workspace, vsix));
  } catch (error) {
    report.add({ section, metric: 'activation', value: `not measured: ${String(error)}` });
    return;
  }
  const active = median(results.map((r) => r.activeMs));
  const first = median(results.map((r) => r.diagnosticsMs));
  report.add({
    section,
    metric: `open a ${lines}-line manifest in a fresh extension host → Shipshape active (median of ${runs})`,
    value: `${fmt(active, 0)} ms (runs: ${results.map((r) => fmt(r.activeMs, 0)).join(', ')})`,
  });
  report.add({
    section,
    metric: `open → its first diagnostics (median of ${runs})`,
    value: `${fmt(first, 0)} ms, ${results[0]?.diagnostics ?? 0} diagnostics (runs: ${results.map((r) => fmt(r.diagnosticsMs, 0)).join(', ')})`,
  });
}
