/**
 * The CLI's fast node path (issue 18): for every document it reads, the nodes, ranges, values,
 * comments and findings are the ones yaml's own composer gives; everything else it declines.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isMap, isPair, isScalar, isSeq, Pair, Scalar, Schema, YAMLMap, YAMLSeq } from 'yaml';
import { crd } from '../../../scripts/bench/argo-shaped';
import { corpusDocuments } from '../../../scripts/bench/corpus';
import { repoRoot } from '../../../scripts/harness/paths';
import { analyseFile } from '../../../src/core/rules/engine';
import { allRules } from '../../../src/core/rules/registry';
import { indexFile } from '../../../src/core/rules/scope';
import { composeFast } from '../../../src/core/yaml/fast-nodes';
import { scanLight } from '../../../src/core/yaml/light';
import { parseManifestFileLight } from '../../../src/core/yaml/light-file';
import { parseManifestFile, type ManifestFile } from '../../../src/core/yaml/parse';
import { randomEdits } from '../support/random-edits';

/** A node as the analysis can see it: its class, schema, own keys and what they hold. */
function tree(node: unknown): unknown {
  // Comments are not attached to fast nodes (nothing the CLI analyses reads them).
  const own = (n: object) =>
    Object.keys(n)
      .filter((k) => !['comment', 'commentBefore', 'spaceBefore'].includes(k))
      .sort()
      .join();
  if (isMap(node))
    return {
      map: node.range,
      is: [node instanceof YAMLMap, isSchema(node.schema), own(node)],
      flow: !!node.flow,
      items: node.items.map((p) => [isPair(p) && p instanceof Pair, own(p), tree(p.key), tree(p.value)]),
    };
  if (isSeq(node))
    return {
      seq: node.range,
      is: [node instanceof YAMLSeq, isSchema(node.schema), own(node)],
      flow: !!node.flow,
      items: node.items.map(tree),
    };
  if (isScalar(node))
    return [
      node instanceof Scalar,
      own(node),
      node.range,
      node.value,
      node.type,
      node.format,
      node.source,
      node.tag,
      typeof node.value,
    ];
  return String(node);
}
const isSchema = (schema: unknown) => schema instanceof Schema;

/** Everything the analysis reads of a parsed file, light CRDs aside (crd-light.test.ts has them). */
function shape(file: ManifestFile, light: ReadonlySet<number>) {
  return {
    comments: file.comments,
    problems: file.problems,
    documents: file.documents.map((d) => ({
      index: d.index,
      source: d.source,
      problems: d.problems,
      ...(light.has(d.index)
        ? {}
        : {
            start: d.start,
            end: d.end,
            doc: [d.doc.range, d.doc.directives?.docStart, tree(d.doc.contents)],
            root: d.root === d.doc.contents,
          }),
    })),
  };
}

/** Documents the fast path read (yaml's composer passes `_directives` in its options, it does not). */
const fastCount = (file: ManifestFile) =>
  file.documents.filter((d) => !d.light && !('_directives' in (d.doc.options as object))).length;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

const fixtures = yamlFiles(join(repoRoot, 'test', 'fixtures')).map((f) => readFileSync(f, 'utf8'));

function same(text: string, label: string): number {
  const fast = parseManifestFileLight(text);
  const light = new Set(fast.documents.filter((d) => d.light).map((d) => d.index));
  assert.deepEqual(shape(fast, light), shape(parseManifestFile(text), light), label);
  return fastCount(fast);
}

test('fast nodes equal yaml’s on every fixture and generated corpus document', () => {
  let read = 0;
  let total = 0;
  const texts = [
    ...fixtures,
    corpusDocuments(300).join('---\n'),
    `${crd('Widget', 2, 3)}---\n${corpusDocuments(5)[0]}`,
  ];
  for (const [k, text] of texts.entries()) {
    read += same(text, `text ${k}: ${text.slice(0, 60)}`);
    total += parseManifestFile(text).documents.length;
  }
  assert.ok(read > total * 0.7, `only ${read} of ${total} documents read fast`);
});

test('fast nodes equal yaml’s after one random edit, or the document is left to yaml', () => {
  const pieces = [
    '\n',
    '\n\n',
    '  ',
    '# c',
    '\n  # c\n',
    '\n# c\n',
    '\n    # c\n',
    ': ',
    ':',
    '- ',
    '-',
    '"',
    "'",
    '|',
    '|-\n',
    '>',
    '{}',
    '[]',
    '[a, "b"]',
    ' #',
    '\\',
    'x',
    '1',
    '~',
    '---\n',
    '&a ',
    '*a',
    '\t',
    ', ',
    '!',
    '%',
    '@',
    '`',
    '?',
    '["$(x)", "%F"]',
    '{a: b, c: "d"}',
    '[a, {b: c}]',
  ];
  const seeds = fixtures.filter((t) => t.length < 4000 && !t.includes('{{')).slice(0, 24);
  assert.ok(seeds.length >= 10);
  let read = 0;
  let texts = 0;
  // One edit at a time, many seeds: each text is a near-miss of a real manifest.
  for (const [k, base] of seeds.entries())
    for (let seed = 1; seed <= 60; seed++)
      for (const text of randomEdits(k * 1000 + seed, base, 1, pieces)) {
        read += same(text, `seed ${k * 1000 + seed}: ${JSON.stringify(text)}`);
        texts++;
      }
  assert.ok(read > texts / 3, `only ${read} documents read fast in ${texts} texts`);
});

test('a value starting `-`, `?` or `:` before any character: yaml’s plain scalar, or left to yaml', () => {
  let read = 0;
  let texts = 0;
  for (const lead of ['-', '?', ':'])
    for (let code = 33; code < 127; code++)
      for (const rest of ['', 'x', ' y', ': z', ' #c', '#c', ',]', '"q"']) {
        const value = `${lead}${String.fromCharCode(code)}${rest}`;
        for (const text of [
          `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: ${value}\n  j: 1\n`,
          `apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  args:\n  - ${value}\n`,
        ]) {
          read += same(text, JSON.stringify(text));
          texts++;
        }
      }
  // Most are plain scalars (`- --v=4`, `:metric`, `-/path`); the rest are yaml's to read.
  assert.ok(read > texts * 0.8, `only ${read} of ${texts} read fast`);
});

test('the same findings and index as the full parse', () => {
  for (const text of fixtures) {
    const fast = parseManifestFileLight(text);
    const full = parseManifestFile(text);
    if (fastCount(fast) === 0) continue;
    assert.deepEqual(indexFile(fast, 'f.yaml'), indexFile(full, 'f.yaml'));
    const index = { scope: 'workspace' as const, objects: indexFile(full, 'f.yaml') };
    const a = analyseFile(fast, { rules: allRules, index });
    const b = analyseFile(full, { rules: allRules, index });
    assert.deepEqual(a.findings, b.findings);
    assert.deepEqual(a.problems, b.problems);
  }
});

test('nesting deeper than the stack is left to yaml, which reports it', () => {
  let text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n';
  for (let i = 1; i <= 20_000; i++) text += `${' '.repeat(i)}a:\n`;
  text += `${' '.repeat(20_001)}x: 1\n`;
  assert.equal(composeFast(text, 0, text.length), undefined);
  const crd = `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n${text.slice(text.indexOf('metadata:'))}`;
  assert.equal(scanLight(crd, 0, crd.length), undefined);
  // What the user sees is yaml's problem for it (how many yaml reports depends on the stack left).
  const file = parseManifestFileLight(text);
  assert.equal(file.documents.length, 1);
  assert.ok(file.documents[0]?.problems.some((p) => p.code === 'RESOURCE_EXHAUSTION'));
});

test('outside the subset it declines rather than guesses', () => {
  const declined = [
    'a: &x 1\nb: *x\n',
    'a: !!str 1\n',
    'a:\tb\n',
    'a: 1\na: 2\n',
    '? complex\n: key\n',
    'a: "\\x41"\n',
    'a: long\n  plain\n',
    'a: "two\n  lines"\n',
    'a: {b: {c: 1}}\n',
    'a: [b , c]\n',
    'a: |+\n  keep\n\n',
    'a: |2\n   x\n',
    'a: 1\n  # owned by the scalar\nb: 2\n',
    'a:\n# before the next key\nb: 1\n',
    '- a\n- b\n',
    'a: :\n',
    'a: ? b\n',
    'a: - b\n',
    'a: x\r\nb: y\r\n',
    'a b : 1\n',
  ];
  for (const text of declined)
    assert.equal(composeFast(text, 0, text.length), undefined, JSON.stringify(text));
  const typed =
    'a: 0x1F\nb: 0o17\nc: .inf\nd: 1.50\ne: -3\nf: True\ng: ~\nh: {i: j}\nk: [l, 2]\nm: :n:o\np: ?q\n';
  const read = composeFast(typed, 0, typed.length);
  assert.deepEqual(read?.doc.toJS(), {
    a: 31,
    b: 15,
    c: Infinity,
    d: 1.5,
    e: -3,
    f: true,
    g: null,
    h: { i: 'j' },
    k: ['l', 2],
    m: ':n:o',
    p: '?q',
  });
});

test('templates are read masked, as yaml reads them, after random edits too', () => {
  const rule = [
    'apiVersion: monitoring.coreos.com/v1',
    'kind: PrometheusRule',
    'metadata:',
    '  name: node-exporter-rules',
    'spec:',
    '  groups:',
    '  - name: node-exporter',
    '    rules:',
    '    - alert: NodeFilesystemSpaceFillingUp',
    '      annotations:',
    "        description: 'Filesystem on {{ $labels.device }} at {{ $labels.instance }} is filling up.'",
    '        summary: "{{ $value | humanizePercentage }} left"',
    '      expr: |',
    '        node_filesystem_avail_bytes{job="node-exporter"} < 0.4',
    '      for: 1h',
    '',
  ].join('\n');
  const seeds = [...fixtures.filter((t) => t.includes('{{') && t.length < 4000), rule, `${rule}---\n${rule}`];
  assert.ok(seeds.length >= 4);
  let read = same(rule, 'rule');
  assert.equal(read, 1, 'a Prometheus rule with `{{ }}` in its strings is read fast');
  const pieces = [
    '{{ .Values.x }}',
    '{{- if .x }}\n',
    '\n{{- end }}\n',
    '{{',
    '}}',
    ' #',
    ': ',
    '\n',
    '- ',
    '"',
    '---\n',
  ];
  for (const [k, base] of seeds.entries())
    for (let seed = 1; seed <= 60; seed++)
      for (const text of randomEdits(k * 1000 + seed, base, 1, pieces))
        read += same(text, `seed ${k * 1000 + seed}: ${JSON.stringify(text)}`);
  assert.ok(read > 100, `only ${read} template documents read fast`);
});

test('block scalars: blank lines of every length, deeper lines, both styles, read as yaml reads them', () => {
  let read = 0;
  const blanks = ['', ' ', '   ', '    ', '     ', '      '];
  for (const style of ['|', '|-', '>', '>-'])
    for (const blank of blanks)
      for (const deeper of ['', '      deeper\n']) {
        const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: ${style}\n    one\n${blank}\n${deeper}    two\n${blank}\n  b: x\n`;
        read += same(text, JSON.stringify(text));
      }
  assert.ok(read >= 24, `only ${read} read fast`);
});
