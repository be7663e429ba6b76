// Installs code-server (real VS Code, served by Node) into the per-user cache once per version.
// Prints the path of its launcher on stdout (a marker line; see scripts/lib/cache.mjs). Safe to call on every test run: a warm cache costs
// one stat.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  INSTALLER_STDIO,
  cacheRoot,
  debian,
  ensureDebianPackages,
  log,
  printToolPath,
} from './lib/cache.mjs';

export const CODE_SERVER_VERSION = '4.100.3';
// code-server 4.100.3 pulls @vscode/ripgrep 1.15.11, whose postinstall downloads this archive
// from GitHub unless it is already in its cache folder. We hand it Debian's rg instead.
const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_ARCHIVE = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

export function ensureCodeServer() {
  const dir = join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}`);
  const bin = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const marker = join(dir, '.complete');
  if (existsSync(marker) && existsSync(bin)) return bin;

  ensureDebianPackages([debian.ripgrep, debian.krb5]);
  seedRipgrepCache();
  log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (once; about a minute)`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'shipshape-code-server', private: true }));
  execFileSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--unsafe-perm',
      '--loglevel=error',
      `code-server@${CODE_SERVER_VERSION}`,
    ],
    { cwd: dir, stdio: INSTALLER_STDIO, env: { ...process.env, npm_config_yes: 'true' } },
  );
  if (!existsSync(bin)) throw new Error(`code-server installed but ${bin} is missing`);
  writeFileSync(marker, new Date().toISOString());
  return bin;
}

function seedRipgrepCache() {
  const cache = join(tmpdir(), RIPGREP_CACHE);
  const archive = join(cache, RIPGREP_ARCHIVE);
  if (existsSync(archive)) return;
  const stage = mkdtempSync(join(tmpdir(), 'rg-'));
  const rg = execFileSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).trim();
  copyFileSync(rg, join(stage, 'rg'));
  mkdirSync(cache, { recursive: true });
  execFileSync('tar', ['czf', archive, '-C', stage, 'rg']);
  rmSync(stage, { recursive: true, force: true });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printToolPath(ensureCodeServer());
}
