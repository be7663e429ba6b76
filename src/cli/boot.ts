/**
 * dist/cli.js: loads the CLI bundle (dist/cli-main.js) through V8's code cache (start-up, issue
 * 18). Kept to Node built-ins and code-cache.ts, so this file itself costs next to nothing to load.
 * Worker threads start from here too (the bundle's `__filename` is this file) and read the cache.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { codeCacheDir, runCached } from './code-cache';

/** The bundle's hash, set by scripts/build.mjs; empty (no cache) in watch builds. */
declare const SHIPSHAPE_BUNDLE_HASH: string;

const bundle = join(__dirname, 'cli-main.js');
runCached(
  readFileSync(bundle, 'utf8'),
  bundle,
  { require: createRequire(bundle), filename: __filename, dirname: __dirname },
  {
    dir: SHIPSHAPE_BUNDLE_HASH ? codeCacheDir() : undefined,
    key: SHIPSHAPE_BUNDLE_HASH,
    write: isMainThread,
  },
);
