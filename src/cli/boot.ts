/**
 * dist/cli.js: loads the CLI bundle (dist/cli-main.js) through V8's code cache (start-up, issue
 * 18), with V8 tuned for a short run (v8-flags.ts). Kept to Node built-ins, code-cache.ts and
 * v8-flags.ts, so this file itself costs next to nothing to load.
 * Worker threads start from here too (the bundle's `__filename` is this file) and read the cache.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { isMainThread } from 'node:worker_threads';
import { codeCacheDir, runCached } from './code-cache';
import { cliV8Flags, startV8Flags } from './v8-flags';

/** The bundle's hash, set by scripts/build.mjs; empty (no cache) in watch builds. */
declare const SHIPSHAPE_BUNDLE_HASH: string;

// Before the bundle is compiled: V8's code cache is valid only under the flags that made it.
// V8's flags are the process's: workers find them set.
if (isMainThread)
  for (const flag of cliV8Flags(process.execArgv, process.env['NODE_OPTIONS'])) setFlagsFromString(flag);
const restoreFlags = () => {
  for (const flag of startV8Flags(process.execArgv, process.env['NODE_OPTIONS'])) setFlagsFromString(flag);
};

const bundle = join(__dirname, 'cli-main.js');
runCached(
  readFileSync(bundle, 'utf8'),
  bundle,
  { require: createRequire(bundle), filename: __filename, dirname: __dirname },
  {
    dir: SHIPSHAPE_BUNDLE_HASH ? codeCacheDir() : undefined,
    key: SHIPSHAPE_BUNDLE_HASH,
    write: isMainThread,
    // A lint of a short run's input changes one (inputV8Flags).
    beforeWrite: restoreFlags,
  },
);
