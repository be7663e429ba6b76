// One esbuild run for every bundle: the extension (Node, CJS, `vscode` external) and its analysis
// worker, the webviews
// (browser), the CLI (Node, CJS, with a shebang) and the in-extension-host test entry points.
// esbuild does not type-check: `npm run typecheck` does.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { join } from 'node:path';
import { repoRoot } from './lib/cache.mjs';

const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));

// `yaml`'s CommonJS build reaches every export through a getter once bundled (esbuild's CJS
// interop); its ESM build is the same code and lets esbuild call the functions directly. The
// getters cost ~0.3 s of a 5,000-document lint.
/** @type {esbuild.Plugin} */
const yamlEsm = {
  name: 'yaml-esm',
  setup(b) {
    b.onResolve({ filter: /^yaml$/ }, () => ({
      path: join(repoRoot, 'node_modules', 'yaml', 'browser', 'index.js'),
    }));
  },
};

// The CLI's other commands stay out of dist/cli.js (start-up: issue 18); main.ts imports them
// lazily and finds them beside itself, as lint.ts does for `--context` (the cluster's CRDs).
/** @type {esbuild.Plugin} */
const cliCommands = {
  name: 'cli-commands',
  setup(b) {
    b.onResolve({ filter: /^\.\/commands$/ }, (args) =>
      args.importer.endsWith(join('src', 'cli', 'main.ts')) ||
      args.importer.endsWith(join('src', 'cli', 'lint.ts'))
        ? { path: './cli-commands.js', external: true }
        : undefined,
    );
  },
};

/** @param {boolean} production */
function bundles(production) {
  /** @type {esbuild.BuildOptions} */
  const node = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: production ? false : 'linked',
    minify: production,
    // ws' optional native accelerators are never installed; the pure JS fallback is used.
    external: ['vscode', 'bufferutil', 'utf-8-validate'],
    plugins: [yamlEsm],
    logLevel: 'warning',
    legalComments: 'none',
    absWorkingDir: repoRoot,
  };

  const builds = [
    {
      ...node,
      entryPoints: { extension: 'src/extension.ts' },
      outdir: 'dist',
    },
    {
      // Big files are analysed on a worker thread in the extension host (issue 19).
      ...node,
      entryPoints: { 'analysis-worker': 'src/services/analysis/worker-main.ts' },
      outdir: 'dist',
    },
    {
      // dist/cli.js (src/cli/boot.ts, built once this is written) loads it through V8's code cache.
      ...node,
      entryPoints: { 'cli-main': 'src/cli/main.ts' },
      outdir: 'dist',
      define: { SHIPSHAPE_VERSION: JSON.stringify(version) },
      plugins: [yamlEsm, cliCommands],
      // import() of the lazy bundles becomes require(): vm.Script (the code cache) has no module loader.
      supported: { 'dynamic-import': false },
    },
    {
      // Every command but lint, loaded on demand: a lint never compiles the Kubernetes client.
      ...node,
      entryPoints: { 'cli-commands': 'src/cli/commands.ts' },
      outdir: 'dist',
    },
    {
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      sourcemap: production ? false : 'linked',
      minify: production,
      entryPoints: { runbook: 'src/webview/runbook/main.ts' },
      outdir: 'dist/webview',
      logLevel: 'warning',
      absWorkingDir: repoRoot,
    },
  ];

  const testBuilds = [
    {
      ...node,
      sourcemap: 'inline',
      minify: false,
      entryPoints: { index: 'test/vscode/index.ts' },
      outdir: 'out/test/vscode',
    },
    // npm run bench -- activation: run in the extension host like the tests above.
    {
      ...node,
      sourcemap: false,
      minify: false,
      entryPoints: { activation: 'scripts/bench/in-host/activation.ts' },
      outdir: 'out/bench',
    },
  ];
  return { builds, testBuilds };
}

/**
 * Builds in memory, then replaces each file by a rename: a CLI or worker started during a build
 * (the unit tier runs test files side by side, and some rebuild) reads a whole old file or a
 * whole new one, never a half-written bundle.
 */
async function buildAtomically(options) {
  const result = await esbuild.build({ ...options, write: false });
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
}

export async function build({ tests = true, production = false } = {}) {
  const { builds, testBuilds } = bundles(production);
  mkdirSync(join(repoRoot, 'dist'), { recursive: true });
  await Promise.all([...builds, ...(tests ? testBuilds : [])].map((options) => buildAtomically(options)));
  await buildAtomically(boot(production));
  chmodSync(join(repoRoot, 'dist', 'cli.js'), 0o755);
}

/** The CLI's entry: its code cache is keyed by the hash of the bundle it loads (dist/cli-main.js). */
function boot(production, watching = false) {
  // While watching, the bundle changes under a boot built once: no key, no cache.
  const hash = watching
    ? ''
    : createHash('sha256')
        .update(readFileSync(join(repoRoot, 'dist', 'cli-main.js')))
        .digest('hex')
        .slice(0, 16);
  return {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: production,
    logLevel: 'warning',
    legalComments: 'none',
    absWorkingDir: repoRoot,
    entryPoints: { cli: 'src/cli/boot.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
    define: { SHIPSHAPE_BUNDLE_HASH: JSON.stringify(hash) },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const production = process.argv.includes('--production');
  if (process.argv.includes('--watch')) {
    const { builds, testBuilds } = bundles(false);
    const contexts = await Promise.all(
      [...builds, ...testBuilds, boot(false, true)].map((o) => esbuild.context(o)),
    );
    await Promise.all(contexts.map((c) => c.watch()));
    process.stderr.write('watching…\n');
  } else {
    await build({ tests: !production, production });
  }
}
