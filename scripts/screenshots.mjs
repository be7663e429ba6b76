// `npm run screenshots`: copies the README's pictures from the last e2e run (test-results/,
// written by `npm test`) into media/screenshots/, so the docs show what the tests saw.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { log, repoRoot } from './lib/cache.mjs';

const SHOTS = [
  'overview',
  'explorer-tree',
  'explorer-problems',
  'explorer-scale-confirm',
  'analysis-harden-preview',
  'runbook-live',
  'sync-diff',
  'sync-apply-conflicts',
  'sync-raise-memory-preview',
  'sync-secret-masked',
  'charts-values-quick-fix',
  'charts-values-harden-lens',
  'pods-port-forward-tree',
  'diagnose-superset',
];
const from = join(repoRoot, 'test-results');
const to = join(repoRoot, 'media', 'screenshots');
mkdirSync(to, { recursive: true });
const missing = SHOTS.filter((name) => !existsSync(join(from, `${name}.png`)));
if (missing.length > 0) {
  log(`missing from test-results/ (run npm test first): ${missing.join(', ')}`);
  process.exit(1);
}
for (const name of SHOTS) copyFileSync(join(from, `${name}.png`), join(to, `${name}.png`));
log(`copied ${SHOTS.length} screenshots to media/screenshots/`);
