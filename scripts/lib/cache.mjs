// Where heavy tools live between runs: outside the clone, so a fresh clone on the same machine
// (which is what CI is) reuses them. Keyed by version or content hash by the callers.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function cacheRoot() {
  const dir =
    process.env.SHIPSHAPE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'shipshape');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function log(message) {
  process.stderr.write(`[shipshape] ${message}\n`);
}

/**
 * Children of the ensure scripts write to our stderr, never our stdout: a caller reads the tool's
 * path from stdout, and an installer's "added 215 packages" there once became the path.
 */
export const INSTALLER_STDIO = ['ignore', 2, 2];

/** The line a caller looks for on an ensure script's stdout (see scripts/harness/paths.ts). */
export const TOOL_PATH_MARKER = 'SHIPSHAPE_TOOL_PATH=';

export function printToolPath(path) {
  process.stdout.write(`${TOOL_PATH_MARKER}${path}\n`);
}

export function have(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Installs missing Debian packages when we are root (CI and our machines); otherwise says which
 * command would do it. Nothing is installed when everything is already present.
 */
export function ensureDebianPackages(packages) {
  const missing = packages.filter((p) => !p.present());
  if (missing.length === 0) return;
  const names = missing.map((p) => p.name);
  if (process.getuid?.() !== 0 || !have('apt-get')) {
    throw new Error(
      `missing system packages: ${names.join(' ')} — install them with: sudo apt-get install -y ${names.join(' ')}`,
    );
  }
  log(`installing system packages: ${names.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['install', '-y', '-qq', ...names], { stdio: INSTALLER_STDIO, env });
  } catch {
    execFileSync('apt-get', ['update', '-qq'], { stdio: INSTALLER_STDIO, env });
    execFileSync('apt-get', ['install', '-y', '-qq', ...names], { stdio: INSTALLER_STDIO, env });
  }
}

export const debian = {
  chromium: { name: 'chromium', present: () => existsSync('/usr/bin/chromium') },
  ripgrep: { name: 'ripgrep', present: () => have('rg') },
  krb5: { name: 'libkrb5-dev', present: () => existsSync('/usr/include/gssapi/gssapi.h') },
};

/**
 * A directory as a cross-process lock: two runs never build the same tool at once. One older than
 * an hour belongs to a build that died.
 */
export function waitForLock(lock) {
  for (;;) {
    try {
      mkdirSync(lock);
      return;
    } catch {
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 3600_000)
        rmSync(lock, { recursive: true, force: true });
      execFileSync('sleep', ['2']);
    }
  }
}
