/** VS Code's YAML grammar with Shipshape's injection, loaded into vscode-textmate (tests and the bench). */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as tm from 'vscode-textmate';
import { repoRoot } from '../../../scripts/harness/paths';

export const INJECTION = 'source.yaml.shipshape-kubernetes';
export const injectionPath = join(repoRoot, 'syntaxes', 'kubernetes.injection.tmLanguage.json');

/** Same cache rule as scripts/lib/cache.mjs; the version is read from the script that installs it. */
function yamlExtensionDir(): string {
  const script = readFileSync(join(repoRoot, 'scripts', 'ensure-code-server.mjs'), 'utf8');
  const version = /CODE_SERVER_VERSION = '([^']+)'/.exec(script)?.[1] ?? '?';
  const cache =
    process.env['SHIPSHAPE_CACHE'] ??
    join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'shipshape');
  return join(
    cache,
    `code-server-${version}`,
    'node_modules',
    'code-server',
    'lib',
    'vscode',
    'extensions',
    'yaml',
  );
}

export interface Grammars {
  readonly plain: tm.IGrammar;
  readonly injected: tm.IGrammar;
}

let loading: Promise<Grammars> | undefined;

/** Fails (never skips) when the base grammar is not there: without it nothing here is tested. */
export function grammars(): Promise<Grammars> {
  loading ??= (async () => {
    const dir = yamlExtensionDir();
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest))
      throw new Error(
        `The YAML base grammar (VS Code's yaml extension inside code-server) is missing: ${dir}. ` +
          'Install it with `node scripts/ensure-code-server.mjs` (or `npm run test:e2e`, which does it too).',
      );
    const contributed = (
      JSON.parse(readFileSync(manifest, 'utf8')) as {
        contributes: { grammars: { scopeName: string; path: string }[] };
      }
    ).contributes.grammars;
    const paths = new Map(contributed.map((g) => [g.scopeName, join(dir, g.path)]));
    paths.set(INJECTION, injectionPath);
    const wasm = readFileSync(join(repoRoot, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const onigLib = Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    });
    const registry = (inject: boolean) =>
      new tm.Registry({
        onigLib,
        loadGrammar: (scope) => {
          const path = paths.get(scope);
          return Promise.resolve(path ? tm.parseRawGrammar(readFileSync(path, 'utf8'), path) : null);
        },
        // What `contributes.grammars[].injectTo: ["source.yaml"]` does in VS Code.
        getInjections: (scope) => (inject && scope === 'source.yaml' ? [INJECTION] : undefined),
      });
    const plain = await registry(false).loadGrammar('source.yaml');
    const injected = await registry(true).loadGrammar('source.yaml');
    if (!plain || !injected) throw new Error('source.yaml did not load from the yaml extension');
    return { plain, injected };
  })();
  return loading;
}

export function tokenize(grammar: tm.IGrammar, text: string): tm.IToken[][] {
  let stack = tm.INITIAL;
  return text.split(/\r?\n/).map((line) => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    return result.tokens;
  });
}
