// `npm run bench`: builds what it needs (dependencies, bundles, the control plane, kube-score and
// kube-linter from the Go module proxy — all cached), then runs scripts/bench/main.ts and prints one table.
// `npm run bench -- analyser` or `-- explorer` runs one section.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNodeModules } from './lib/bootstrap.mjs';
import { cacheRoot, log, repoRoot } from './lib/cache.mjs';

ensureNodeModules();
execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { stdio: 'inherit' });

// The anchors, installed once into ~/.cache/shipshape/peers with `go install` from the module
// proxy. kube-linter v0.7.9 is the last release whose dependencies all resolve there (later ones
// need a module version the proxy refuses); golang.stackrox.io itself may not be reachable either,
// in which case a kube-linter built elsewhere can be dropped into its folder or named by KUBE_LINTER.
const PEERS = [
  { name: 'kube-score', module: 'github.com/zegl/kube-score/cmd/kube-score', version: 'v1.20.0' },
  { name: 'kube-linter', module: 'golang.stackrox.io/kube-linter/cmd/kube-linter', version: 'v0.7.9' },
];
const env = { ...process.env };
for (const peer of PEERS) {
  const dir = join(cacheRoot(), 'peers', `${peer.name}-${peer.version}`);
  const bin = join(dir, peer.name);
  const key = peer.name.toUpperCase().replace(/-/g, '_');
  if (env[key]) continue;
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    log(`installing ${peer.name} ${peer.version} with go install (once)`);
    const r = spawnSync('go', ['install', `${peer.module}@${peer.version}`], {
      stdio: 'inherit',
      env: { ...process.env, GOBIN: dir },
    });
    if (r.status !== 0) log(`${peer.name} could not be installed; the benchmark will say so`);
  }
  if (existsSync(bin)) env[key] = bin;
}
const r = spawnSync(
  process.execPath,
  ['--expose-gc', '--import', 'tsx', join(repoRoot, 'scripts', 'bench', 'main.ts'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env,
  },
);
process.exit(r.status ?? 1);
