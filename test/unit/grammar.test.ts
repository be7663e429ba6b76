/**
 * The Kubernetes injection grammar, tokenised for real: vscode-textmate and vscode-oniguruma (the
 * versions VS Code 1.100 ships) over the YAML grammar of the VS Code that code-server bundles.
 * `test/grammar/*.yaml` carry vscode-tmgrammar-test style assertions:
 *
 *     cpu: 500m
 *   #      ^^^^ constant.numeric.quantity.kubernetes - string.unquoted.plain.out.yaml
 *   # <--- entity.name.tag.yaml
 *
 * `^` marks columns of the nearest line above that is not an assertion; `<-` marks columns from
 * 0 (where the `#` itself stands). Scopes after a lone `-` must be absent.
 */
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../scripts/harness/paths';
import { CHECK_KINDS } from '../../src/core/runbook/checks';
import { expandDefaults, snippets } from '../../src/core/runbook/snippets';
import type { IToken } from 'vscode-textmate';
import { grammars, INJECTION, injectionPath, tokenize } from './support/textmate';

const grammarDir = join(repoRoot, 'test', 'grammar');

interface Assertion {
  readonly assertionLine: number;
  readonly sourceLine: number;
  readonly from: number;
  readonly to: number;
  readonly present: readonly string[];
  readonly absent: readonly string[];
}

const ASSERTION = /^(\s*#\s*)(\^+|<-+)\s*(.*)$/;

function readAssertions(text: string): { scope: string; assertions: Assertion[] } {
  const lines = text.split(/\r?\n/);
  const header = /^#\s*SYNTAX TEST\s+"([^"]+)"/.exec(lines[0] ?? '');
  if (!header?.[1]) throw new Error('the first line must be: # SYNTAX TEST "source.yaml" "description"');
  const assertions: Assertion[] = [];
  let source = -1;
  lines.forEach((line, i) => {
    const m = ASSERTION.exec(line);
    if (!m) {
      source = i;
      return;
    }
    const [, lead = '', marks = '', rest = ''] = m;
    if (source < 0) throw new Error(`line ${i + 1}: an assertion needs a source line above it`);
    const words = rest.trim().split(/\s+/).filter(Boolean);
    const dash = words.indexOf('-');
    const from = marks.startsWith('<') ? 0 : lead.length;
    assertions.push({
      assertionLine: i,
      sourceLine: source,
      from,
      to: from + (marks.startsWith('<') ? marks.length - 1 : marks.length),
      present: dash < 0 ? words : words.slice(0, dash),
      absent: dash < 0 ? [] : words.slice(dash + 1),
    });
  });
  return { scope: header[1], assertions };
}

const files = readdirSync(grammarDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

test('the grammar test files exist and every marker line is a well-formed assertion', () => {
  assert.ok(files.length >= 4, `test/grammar has ${files.length} files`);
  for (const file of files) {
    const text = readFileSync(join(grammarDir, file), 'utf8');
    const { scope, assertions } = readAssertions(text);
    assert.equal(scope, 'source.yaml', file);
    assert.ok(assertions.length >= 10, `${file}: ${assertions.length} assertions`);
    for (const a of assertions)
      assert.ok(a.present.length + a.absent.length > 0, `${file}:${a.assertionLine + 1} names no scope`);
    const stray = text.split('\n').filter((l) => /^\s*#\s*[\^<]/.test(l) && !ASSERTION.test(l));
    assert.deepEqual(stray, [], `${file}: malformed assertions`);
  }
});

for (const file of files) {
  test(`grammar assertions: test/grammar/${file}`, async () => {
    const { injected } = await grammars();
    const text = readFileSync(join(grammarDir, file), 'utf8');
    const lines = text.split(/\r?\n/);
    const tokens = tokenize(injected, text);
    const failures: string[] = [];
    for (const a of readAssertions(text).assertions) {
      const line = tokens[a.sourceLine] ?? [];
      const sourceText = lines[a.sourceLine] ?? '';
      for (let col = a.from; col < a.to; col++) {
        const token = line.find((t) => t.startIndex <= col && col < t.endIndex);
        const where = `${file}:${a.assertionLine + 1} (line ${a.sourceLine + 1}, column ${col + 1} "${sourceText[col] ?? ''}")`;
        if (!token || col >= sourceText.length) {
          failures.push(`${where}: no token at this column`);
          continue;
        }
        const missing = a.present.filter((s) => !token.scopes.includes(s));
        const unwanted = a.absent.filter((s) => token.scopes.includes(s));
        if (missing.length || unwanted.length)
          failures.push(
            `${where}: ${missing.length ? `missing ${missing.join(', ')}` : ''}${unwanted.length ? ` unwanted ${unwanted.join(', ')}` : ''} — token "${sourceText.slice(token.startIndex, token.endIndex)}" has ${token.scopes.join(' ')}`,
          );
      }
    }
    assert.deepEqual(failures, []);
  });
}

/** Scopes per character of a line; injected characters become undefined (compared elsewhere). */
function charScopes(line: string, tokens: readonly IToken[], skipInjected: boolean): (string | undefined)[] {
  return Array.from({ length: line.length }, (_, col) => {
    const token = tokens.find((t) => t.startIndex <= col && col < t.endIndex);
    const scopes = token?.scopes ?? [];
    if (skipInjected && scopes.some((s) => s.endsWith('.kubernetes') || s.endsWith('.shipshape')))
      return undefined;
    return scopes.join(' ');
  });
}

test('the injection leaves everything it does not highlight exactly as the YAML grammar had it', async () => {
  const { plain, injected } = await grammars();
  const texts: [string, string][] = [
    ...files.map((f): [string, string] => [f, readFileSync(join(grammarDir, f), 'utf8')]),
    [
      'stabilisation.runbook.yaml',
      readFileSync(join(repoRoot, 'runbooks', 'stabilisation.runbook.yaml'), 'utf8'),
    ],
    ...snippets.map((s): [string, string] => [`snippet ${s.id}`, expandDefaults(s.body)]),
  ];
  let injectedChars = 0;
  for (const [name, text] of texts) {
    const lines = text.split(/\r?\n/);
    const before = tokenize(plain, text);
    const after = tokenize(injected, text);
    lines.forEach((line, i) => {
      const a = charScopes(line, after[i] ?? [], true);
      const b = charScopes(line, before[i] ?? [], false);
      a.forEach((scopes, col) => {
        if (scopes === undefined) injectedChars++;
        else assert.equal(scopes, b[col], `${name}:${i + 1}:${col + 1} changed by the injection`);
      });
    });
  }
  assert.ok(injectedChars > 500, `only ${injectedChars} characters highlighted`);
});

test('the grammar is an injection into YAML values, and knows exactly the runbook check kinds', () => {
  const grammar = JSON.parse(readFileSync(injectionPath, 'utf8')) as {
    scopeName: string;
    injectionSelector: string;
    repository: Record<string, { match?: string }>;
  };
  assert.equal(grammar.scopeName, INJECTION);
  const selectors = grammar.injectionSelector.split(',').map((s) => s.trim());
  assert.ok(
    selectors.length > 0 && selectors.every((s) => /^L:source\.yaml (string|entity\.name\.tag)\./.test(s)),
    grammar.injectionSelector,
  );
  assert.ok(!/comment|block/.test(grammar.injectionSelector), 'never inside comments or block scalars');
  const keys = /\(\?:((?:[A-Za-z]+\|)+[A-Za-z]+)\)/.exec(grammar.repository['check-key']?.match ?? '')?.[1];
  assert.deepEqual(keys?.split('|'), Object.keys(CHECK_KINDS));
});

// Its speed is measured by `npm run bench -- grammar`, not asserted here: a loaded CI machine took
// 6 s for what takes 0.4 s on a quiet one.
test('a large manifest tokenises to its end: the last document still gets its scopes', async () => {
  const { injected } = await grammars();
  const doc =
    readFileSync(join(grammarDir, 'quantities.yaml'), 'utf8') +
    readFileSync(join(grammarDir, 'images.yaml'), 'utf8');
  const big = Array.from({ length: 40 }, () => `---\n${doc}`).join('\n');
  const lines = tokenize(injected, big);
  assert.ok(lines.length > 3000);
  // Every copy of the document tokenises like the first: the rule stack neither drifts nor leaks
  // from one document into the next.
  const per = doc.split(/\r?\n/).length + 1;
  const scopes = (from: number) =>
    lines.slice(from, from + per).map((l) => l.map((t) => t.scopes.join(' ')).join('|'));
  assert.ok(
    scopes(0).some((l) => l.includes('quantity')),
    'the first copy has quantity scopes',
  );
  assert.deepEqual(scopes((40 - 1) * per), scopes(0));
});
