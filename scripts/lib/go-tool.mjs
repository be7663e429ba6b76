// Builds a Go command from the module proxy into the per-user cache, once per version. The
// directory is the version, the marker says the build finished, and a lock keeps two test runs
// (or two helpers) from building the same tool at once.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INSTALLER_STDIO, cacheRoot, log, waitForLock } from './cache.mjs';

/**
 * @param {{ name: string, module: string, version: string, binary: string, minutes: string }} tool
 * @returns {string} the binary's path
 */
export function ensureGoTool(tool) {
  const dir = join(cacheRoot(), `${tool.name}-${tool.version}`);
  const bin = join(dir, tool.binary);
  const marker = join(dir, '.complete');
  if (existsSync(marker) && existsSync(bin)) return bin;

  const lock = `${dir}.lock`;
  waitForLock(lock);
  try {
    if (existsSync(marker) && existsSync(bin)) return bin;
    rmSync(dir, { recursive: true, force: true });
    const staging = `${dir}.partial`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const started = Date.now();
    log(
      `building ${tool.name} ${tool.version} from the Go module proxy (once per version; ${tool.minutes} cold)`,
    );
    try {
      execFileSync('go', ['install', '-trimpath', '-ldflags=-s -w', `${tool.module}@${tool.version}`], {
        stdio: INSTALLER_STDIO,
        env: {
          ...process.env,
          CGO_ENABLED: '0',
          // `go install pkg@version` ignores any go.mod around us; -mod=mod lets it resolve the
          // module's own requirements, and a local toolchain keeps it from fetching a newer Go.
          GOFLAGS: '-mod=mod',
          GOTOOLCHAIN: 'local',
          GOBIN: staging,
        },
      });
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      throw error;
    }
    if (!existsSync(join(staging, tool.binary)))
      throw new Error(`go install left no ${tool.binary} in ${staging}`);
    writeFileSync(join(staging, '.complete'), new Date().toISOString());
    renameSync(staging, dir);
    log(`${tool.name} ${tool.version} built in ${Math.round((Date.now() - started) / 1000)} s: ${bin}`);
    return bin;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
