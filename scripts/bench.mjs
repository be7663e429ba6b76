// `npm run bench`: builds what it needs (dependencies, bundles, the control plane, kube-score and
// kubeconform from the Go module proxy, kube-linter from KUBE_LINTER_SRC — all cached), then runs
// scripts/bench/main.ts and prints one table.
// `npm run bench -- analyser`, `-- peers`, `-- activation`, `-- big-file`, `-- explorer`, `-- grammar` or
// `-- charts` runs one section.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNodeModules } from './lib/bootstrap.mjs';
import { cacheRoot, log, repoRoot } from './lib/cache.mjs';

ensureNodeModules();
execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { stdio: 'inherit' });

// The peers, built once into ~/.cache/shipshape/peers. kube-score and kubeconform come from the Go
// module proxy. The proxy does not serve kube-linter's vanity path (golang.stackrox.io): it is taken
// from KUBE_LINTER (a binary) or built from KUBE_LINTER_SRC (a checkout; its dependencies do come
// from the proxy), cached per source commit; without either the benchmark says it is absent. (Its
// HEAD of August 2026 needs a k8s-manifests-lib pseudo-version the proxy refuses; v0.8.3 builds.)
const PEERS = [
  { name: 'kube-score', module: 'github.com/zegl/kube-score/cmd/kube-score', version: 'v1.20.0' },
  { name: 'kubeconform', module: 'github.com/yannh/kubeconform/cmd/kubeconform', version: 'v0.8.0' },
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
if (!env.KUBE_LINTER && env.KUBE_LINTER_SRC) {
  const src = env.KUBE_LINTER_SRC;
  const head = spawnSync('git', ['-C', src, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  const id = head.status === 0 ? head.stdout.trim() : 'src';
  const dir = join(cacheRoot(), 'peers', `kube-linter-${id}`);
  const bin = join(dir, 'kube-linter');
  if (!existsSync(bin) || id === 'src') {
    mkdirSync(dir, { recursive: true });
    log(`building kube-linter from ${src} (${id}) with go build (once per commit)`);
    const r = spawnSync('go', ['build', '-o', bin, './cmd/kube-linter'], {
      cwd: src,
      stdio: 'inherit',
      env: { ...process.env, GOFLAGS: process.env.GOFLAGS ?? '-mod=mod' },
    });
    if (r.status !== 0) log('kube-linter could not be built from KUBE_LINTER_SRC; the benchmark will say so');
  }
  if (existsSync(bin)) env.KUBE_LINTER = bin;
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
