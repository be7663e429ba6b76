// `npm run bench`: builds what it needs (dependencies, bundles, the control plane, kube-score from
// the Go module proxy — all cached), then runs scripts/bench/main.ts and prints one table.
// `npm run bench -- analyser` or `-- explorer` runs one section.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNodeModules } from './lib/bootstrap.mjs';
import { cacheRoot, log, repoRoot } from './lib/cache.mjs';

ensureNodeModules();
execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { stdio: 'inherit' });

// kube-score is the anchor that installs from the module proxy here (kube-linter's module host
// is not on our proxy's allow-list; set KUBE_LINTER=/path/to/kube-linter to include it).
const KUBE_SCORE = 'v1.20.0';
const peers = join(cacheRoot(), 'peers', `kube-score-${KUBE_SCORE}`);
if (!existsSync(join(peers, 'kube-score'))) {
  mkdirSync(peers, { recursive: true });
  log(`installing kube-score ${KUBE_SCORE} with go install (once)`);
  const r = spawnSync('go', ['install', `github.com/zegl/kube-score/cmd/kube-score@${KUBE_SCORE}`], {
    stdio: 'inherit',
    env: { ...process.env, GOBIN: peers },
  });
  if (r.status !== 0) log('kube-score could not be installed; the benchmark will say so');
}
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', join(repoRoot, 'scripts', 'bench', 'main.ts'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: { ...process.env, KUBE_SCORE: process.env.KUBE_SCORE ?? join(peers, 'kube-score') },
  },
);
process.exit(r.status ?? 1);
