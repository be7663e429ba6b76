// Builds tools/testcluster (real kube-apiserver + embedded etcd) once per source hash into the
// per-user cache, and prints the binary's path. Go's module and build caches also live outside
// the clone, so a fresh clone on the same machine rebuilds nothing.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { INSTALLER_STDIO, cacheRoot, log, printToolPath, repoRoot, waitForLock } from './lib/cache.mjs';

export const KUBERNETES_VERSION = 'v1.36.3';
const source = join(repoRoot, 'tools', 'testcluster');

function sourceHash() {
  const hash = createHash('sha256');
  hash.update(execFileSync('go', ['version'], { encoding: 'utf8' }));
  hash.update(KUBERNETES_VERSION);
  for (const name of readdirSync(source).sort()) {
    if (name.endsWith('.go') || name === 'go.mod' || name === 'go.sum') {
      hash.update(name);
      hash.update(readFileSync(join(source, name)));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

export function ensureTestcluster() {
  const dir = join(cacheRoot(), `testcluster-${sourceHash()}`);
  const bin = join(dir, 'testcluster');
  if (existsSync(bin)) return bin;

  const lock = `${dir}.lock`;
  waitForLock(lock);
  try {
    if (existsSync(bin)) return bin;
    mkdirSync(dir, { recursive: true });
    const started = Date.now();
    log(
      `building the control plane (kube-apiserver ${KUBERNETES_VERSION} + etcd) — once per source change; a cold build takes several minutes`,
    );
    const tmp = `${bin}.partial`;
    const ldflags = [
      '-s -w',
      `-X k8s.io/component-base/version.gitVersion=${KUBERNETES_VERSION}`,
      `-X k8s.io/component-base/version.gitMajor=1`,
      `-X k8s.io/component-base/version.gitMinor=${KUBERNETES_VERSION.split('.')[1]}`,
    ].join(' ');
    execFileSync('go', ['build', '-trimpath', '-ldflags', ldflags, '-o', tmp, '.'], {
      cwd: source,
      stdio: INSTALLER_STDIO,
      env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' },
    });
    renameSync(tmp, bin);
    log(`control plane built in ${Math.round((Date.now() - started) / 1000)} s: ${bin}`);
    return bin;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printToolPath(ensureTestcluster());
}
