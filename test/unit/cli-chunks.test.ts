/**
 * The CLI parses big files a chunk of documents at a time (memory, issue 18): the documents,
 * findings and problems must be exactly those of the file parsed whole.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { manifestChunks } from '../../src/cli/chunks';
import { analyseFile, analyseFileEach } from '../../src/core/rules/engine';
import { allRules } from '../../src/core/rules/registry';
import { indexFile, type ScopeIndex } from '../../src/core/rules/scope';
import type { Finding } from '../../src/core/rules/types';
import { parseManifestFile, type ParseProblem } from '../../src/core/yaml/parse';
import { manyDocuments } from './support/many-documents';

const pod = (name: string, extra = '') =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec:\n  containers:\n    - {name: c, image: nginx}\n${extra}`;

/** Directives, a broken document, a duplicate key, `--- # comment` and comments between documents. */
const tricky = [
  `# leading comment of the file\n${pod('a')}`,
  `# shipshape-disable\n${pod('all-off')}`,
  pod('line-off', '  # shipshape-disable-next-line privileged-container\n  hostNetwork: true\n'),
  `${pod('typo')}# shipshape-disable-nextline\n`,
  'apiVersion: v1\nkind: Pod\nmetadata: {name: broken\nspec: [\n',
  pod('dup', '  hostPID: true\n  hostPID: false\n'),
  ...manyDocuments(40).split('---\n'),
  `# shipshape-disable run-as-non-root\n${pod('last')}`,
].join('--- # next\n');

const key = (f: Finding) => `${f.start}-${f.end} ${f.rule} ${f.message}`;
const problemKey = (p: ParseProblem) => `${p.start}-${p.end} ${p.code} ${p.message}`;

test('chunks hold the documents of the whole parse, in order, with the same text and problems', () => {
  const whole = parseManifestFile(tricky);
  const chunks = [...manifestChunks(tricky, 600)];
  assert.ok(chunks.length > 5, `${chunks.length} chunks`);
  const documents = chunks.flatMap((c) => c.documents);
  assert.deepEqual(
    documents.map((d) => [d.index, d.start, d.end, d.source, d.problems.map(problemKey)]),
    whole.documents.map((d) => [d.index, d.start, d.end, d.source, d.problems.map(problemKey)]),
  );
  assert.deepEqual(
    chunks.flatMap((c) => c.comments),
    whole.comments,
  );
  for (const chunk of chunks)
    assert.equal(chunk.lines.positionAt(tricky.length).line, whole.lines.lineCount - 1);
});

test('findings and problems analysed chunk by chunk are those of the whole file', () => {
  const whole = parseManifestFile(tricky);
  const index: ScopeIndex = { scope: 'workspace', objects: indexFile(whole, 'f.yaml') };
  const expected = analyseFile(whole, { rules: allRules, index });
  const findings: Finding[] = [];
  const problems: ParseProblem[] = [];
  const chunkIndex: ScopeIndex = {
    scope: 'workspace',
    objects: [...manifestChunks(tricky, 600)].flatMap((c) => indexFile(c, 'f.yaml')),
  };
  assert.deepEqual(chunkIndex.objects, index.objects);
  for (const chunk of manifestChunks(tricky, 600))
    problems.push(...analyseFileEach(chunk, { rules: allRules, index }, (some) => findings.push(...some)));
  assert.ok(expected.findings.length > 100);
  assert.deepEqual(findings.map(key), expected.findings.map(key));
  const sorted = (list: readonly ParseProblem[]) => list.map(problemKey).sort();
  assert.deepEqual(sorted(problems), sorted(expected.problems));
  assert.ok(problems.some((p) => p.code === 'UNKNOWN_DIRECTIVE'));
});

test('small files and templates are parsed whole', () => {
  assert.equal([...manifestChunks(pod('one'), 600)].length, 1);
  const template = `${tricky}\n---\n${pod('t', '  replicas: {{ .Values.replicas }}\n')}`;
  const [only, ...rest] = [...manifestChunks(template, 600)];
  assert.equal(rest.length, 0);
  assert.equal(only?.documents.length, parseManifestFile(template).documents.length);
});

/** The same documents cut at plain `---` lines: read without yaml up to the broken document. */
const segmented = tricky.split('--- # next\n').join('---\n');
const withDuplicates = Array.from({ length: 60 }, (_, i) =>
  pod(`d${i}`, i % 7 === 3 ? '  hostPID: true\n  hostPID: false\n' : ''),
).join('---\n');
/** Comment-only and empty documents, flow style and duplicates between ordinary ones. */
const oddSegments = Array.from({ length: 80 }, (_, i) =>
  i % 9 === 4
    ? '# only a comment\n'
    : i % 11 === 5
      ? ''
      : i % 13 === 6
        ? pod(`d${i}`, '  hostPID: true\n  hostPID: false\n# trailing\n')
        : i % 17 === 3
          ? '{apiVersion: v1, kind: ConfigMap, metadata: {name: f}}\n'
          : pod(`p${i}`),
).join('---\n');
const fastRead = (documents: readonly { doc: { options: object } }[]) =>
  documents.filter((d) => !('_directives' in d.doc.options)).length;

test('segment by segment, then yaml from the first document it must read: the whole parse again', () => {
  const pods = Array.from({ length: 60 }, (_, i) => pod(`p${i}`)).join('---\n');
  // Expected to be read without yaml: wholly, up to the broken document, from past a head comment,
  // between flow-style documents, around duplicate keys.
  const cases: [string, boolean][] = [
    [pods, true],
    [segmented, true],
    [`# head\n---\n${pods}`, true],
    [manyDocuments(60), true],
    [withDuplicates, true],
    [oddSegments, true],
    [`${withDuplicates}---\n${pod('x', '  a: "open\n')}---\n${pods}`, true],
  ];
  for (const [text, fast] of cases) {
    const whole = parseManifestFile(text);
    const chunks = [...manifestChunks(text, 600)];
    assert.ok(chunks.length > 3, `${chunks.length} chunks`);
    const documents = chunks.flatMap((c) => c.documents);
    const view = (d: (typeof documents)[number]) => [
      d.index,
      d.start,
      d.end,
      d.source,
      d.problems.map(problemKey),
      d.doc.toJS() as unknown,
    ];
    assert.deepEqual(documents.map(view), whole.documents.map(view));
    assert.deepEqual(
      chunks.flatMap((c) => c.comments),
      whole.comments,
    );
    assert.equal(fastRead(documents) > 0, fast, 'documents read without yaml');
    const index: ScopeIndex = { scope: 'workspace', objects: indexFile(whole, 'f.yaml') };
    const expected = analyseFile(whole, { rules: allRules, index });
    const findings: Finding[] = [];
    const problems: ParseProblem[] = [];
    for (const chunk of chunks)
      problems.push(...analyseFileEach(chunk, { rules: allRules, index }, (some) => findings.push(...some)));
    assert.deepEqual(findings.map(key), expected.findings.map(key));
    assert.deepEqual(problems.map(problemKey).sort(), expected.problems.map(problemKey).sort());
  }
  // A document with duplicate keys is yaml's alone; those after it are read without yaml again.
  const read = [...manifestChunks(withDuplicates, 600)].flatMap((c) => c.documents);
  assert.equal(read.filter((d) => d.problems.some((p) => p.code === 'DUPLICATE_KEY')).length, 9);
  assert.equal(fastRead(read), 60 - 9);
  // The broken document and all after it are yaml's.
  const documents = [...manifestChunks(segmented, 600)].flatMap((c) => c.documents);
  const broken = documents.findIndex((d) => d.source.includes('name: broken'));
  assert.ok(broken > 0 && fastRead(documents.slice(0, broken)) === broken);
  assert.equal(fastRead(documents.slice(broken)), 0);
});
