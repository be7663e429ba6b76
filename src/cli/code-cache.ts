import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { crc32 } from 'node:zlib';

/**
 * Runs a CommonJS bundle through V8's code cache: the bytecode of every function a run compiled
 * is kept in the tool cache and handed back to V8 next time, so `shipshape lint` skips most of its
 * parsing and compiling (about a third of a one-file lint, issue 18). Node 20 has no
 * `module.enableCompileCache`; `vm.Script` with `cachedData` is the same mechanism.
 *
 * V8 checks the cache's version, flags and source length but not its bytes in release builds: a
 * flipped bit crashed the process ("unreachable code" in the baseline compiler). Each file carries
 * a CRC-32 of its bytes, and one that does not match is ignored (and rewritten).
 */

const MAGIC = 0x53534343; // "SSCC"
const HEADER = 8;
/** Older caches (other builds, other Node versions) beyond this many are deleted on write. */
const KEEP = 8;

export interface CodeCacheOptions {
  /** Where cache files go; undefined: no cache (the bundle is compiled as usual). */
  readonly dir: string | undefined;
  /** Names the bundle's build (a hash of its text): a new build never reads an old cache. */
  readonly key: string;
  /** Only the main thread writes (workers read the same file). */
  readonly write: boolean;
  /** Sets V8's flags back to what they were at compile time, before the cache is made. */
  readonly beforeWrite?: () => void;
}

/** The tool cache as the rest of Shipshape finds it; `SHIPSHAPE_CODE_CACHE=off` turns caching off. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['SHIPSHAPE_CODE_CACHE'] === 'off') return undefined;
  const root =
    env['SHIPSHAPE_CACHE'] ??
    join(env['XDG_CACHE_HOME'] ?? (env['HOME'] ? join(env['HOME'], '.cache') : homedir()), 'shipshape');
  return join(root, 'code-cache');
}

/** The cache file for this bundle under this Node, V8 flags and architecture. */
export function cacheFile(dir: string, key: string): string {
  // V8 rejects a cache made under other flags (--max-old-space-size…): such runs get a file of their own.
  const flags = crc32([...process.execArgv, process.env['NODE_OPTIONS'] ?? ''].join('\0')).toString(16);
  return join(dir, `cli-${key}-${process.version}-${process.arch}-${flags}.bin`);
}

/** The cached data in `file` when it is whole (magic number and checksum), else undefined. */
export function readCache(file: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  if (bytes.length <= HEADER || bytes.readUInt32LE(0) !== MAGIC) return undefined;
  const data = bytes.subarray(HEADER);
  return crc32(data) === bytes.readUInt32LE(4) ? data : undefined;
}

/** Writes atomically (temporary file, then rename): a concurrent reader sees the old file or the new. */
export function writeCache(file: string, data: Buffer): void {
  const header = Buffer.alloc(HEADER);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(crc32(data), 4);
  const dir = join(file, '..');
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(temporary, Buffer.concat([header, data]));
    renameSync(temporary, file);
    prune(dir, file);
  } catch {
    // A read-only or full cache directory only costs the compile next time.
    try {
      unlinkSync(temporary);
    } catch {
      // never written
    }
  }
}

function prune(dir: string, current: string): void {
  const others = readdirSync(dir)
    .filter((name) => name.startsWith('cli-') && join(dir, name) !== current)
    .map((name) => {
      const path = join(dir, name);
      return { path, at: statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0 };
    })
    .sort((a, b) => b.at - a.at);
  for (const old of others.slice(KEEP - 1)) unlinkSync(old.path);
}

type Wrapper = (
  exports: unknown,
  require: NodeJS.Require,
  module: { exports: unknown },
  filename: string,
  dirname: string,
) => void;

/**
 * Compiles `source` (the bundle at `filename`) as a CommonJS module body with the cache, runs it
 * with the given module bindings, and writes a fresh cache at exit when there was none or V8
 * rejected it. Returns whether V8 used a cache.
 */
export function runCached(
  source: string,
  filename: string,
  bindings: { require: NodeJS.Require; filename: string; dirname: string },
  options: CodeCacheOptions,
): boolean {
  const file = options.dir === undefined ? undefined : cacheFile(options.dir, options.key);
  const cachedData = file === undefined ? undefined : readCache(file);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename,
    ...(cachedData ? { cachedData } : {}),
  });
  const used = cachedData !== undefined && script.cachedDataRejected !== true;
  // After the run the cache holds the functions it compiled too (most of a lint), not just the top level.
  if (file !== undefined && options.write && !used)
    process.once('exit', () => {
      // V8 accepts a cache only under the flags it was made with: a run may have changed some.
      options.beforeWrite?.();
      writeCache(file, script.createCachedData());
    });
  const wrapper = script.runInThisContext() as Wrapper;
  const module = { exports: {} };
  wrapper.call(module.exports, module.exports, bindings.require, module, bindings.filename, bindings.dirname);
  return used;
}
