/**
 * The CLI's CRD light path (issue 18): the line scanner gives what yaml's toJS gives, or nothing;
 * a CRD sure to give no finding is never parsed into nodes; results equal the full parse's.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { crd } from '../../../scripts/bench/argo-shaped';
import { repoRoot } from '../../../scripts/harness/paths';
import { analyseFile } from '../../../src/core/rules/engine';
import { allRules } from '../../../src/core/rules/registry';
import { indexFile } from '../../../src/core/rules/scope';
import { scanLight } from '../../../src/core/yaml/light';
import { parseManifestFileLight } from '../../../src/core/yaml/light-file';
import { parseManifestFile } from '../../../src/core/yaml/parse';

const fixtures = join(repoRoot, 'test', 'fixtures', 'crd-heavy');
const texts = readdirSync(fixtures).map((f) => readFileSync(join(fixtures, f), 'utf8'));

/** Each `---` section of a text, as [start, end). */
function sections(text: string): [number, number][] {
  const marks = [0, ...[...text.matchAll(/^---$/gm)].map((m) => m.index).filter((i) => i > 0)];
  return marks.map((m, k) => [m, marks[k + 1] ?? text.length]);
}

test('the light scanner reads every document as yaml does, or declines', () => {
  const tricky = [
    "a: 1\nb: \"x\\ty\"\nc: 'it''s'\nd: |-\n  one\n\n  two\ne: >\n  f\n  g\n\n  h\nf: [a, 1, true]\ng: {h: i}\n",
    'k: long text\n  folded here\n\n  and here\nl:\n- x\n- y: 1\n  z: ~\nm: 1.50\nn: -3\no: 1e3\np: null\nq: True\n',
    'r: \'quoted\n  over lines\'\ns: "dq\n\n  lines"\nt: x # comment\n# full line\nu: {}\nv: []\n',
    // Outside the subset: declined, never guessed.
    'a: &x 1\nb: *x\n',
    'a: !!str 1\n',
    'a:\tb\n',
    'a: 1\na: 2\n',
    'a: 0x1F\n',
    '? complex\n: key\n',
    'a: "\\x41"\n',
  ];
  let read = 0;
  for (const text of [...texts, ...tricky, crd('Widget', 2, 3)])
    for (const [start, end] of sections(text)) {
      const scan = scanLight(text, start, end);
      if (!scan) continue;
      read++;
      const docs = parseAllDocuments(text.slice(start, end));
      const doc = Array.isArray(docs) ? docs[0] : docs;
      assert.ok(doc && doc.errors.length === 0, text.slice(start, start + 80));
      assert.deepEqual(scan.value, doc.toJS(), text.slice(start, start + 80));
    }
  assert.ok(read >= 20, `only ${read} documents read`);
  for (const declined of tricky.slice(3))
    assert.equal(scanLight(declined, 0, declined.length), undefined, declined);
});

test('light parsing gives the same documents, comments, index and findings as the full parse', () => {
  for (const text of [...texts, `# head\n${crd('Widget', 2, 3)}---\n${crd('Gadget', 1, 2)}---\n`]) {
    const light = parseManifestFileLight(text);
    const full = parseManifestFile(text);
    assert.ok(
      light.documents.some((d) => d.light),
      'some CRD was read light',
    );
    assert.deepEqual(light.comments, full.comments);
    assert.deepEqual(indexFile(light, 'f.yaml'), indexFile(full, 'f.yaml'));
    const index = { scope: 'workspace' as const, objects: indexFile(full, 'f.yaml') };
    const a = analyseFile(light, { rules: allRules, index });
    const b = analyseFile(full, { rules: allRules, index });
    assert.deepEqual(a.findings, b.findings);
    assert.deepEqual(a.problems, b.problems);
    assert.deepEqual(
      light.documents.map((d) => [d.index, d.start, d.end, d.source.length]),
      full.documents.map((d) => [d.index, d.start, d.end, d.source.length]),
    );
  }
});

test('a CRD sure to give no finding is never parsed into nodes', () => {
  const text = `${crd('Widget', 3, 4)}---\n${crd('Gadget', 2, 3)}`;
  const file = parseManifestFileLight(text);
  assert.equal(file.documents.length, 2);
  for (const document of file.documents) {
    assert.ok(document.light);
    for (const key of ['doc', 'root', 'start', 'end'])
      Object.defineProperty(document, key, {
        get() {
          throw new Error(`document ${document.index}: ${key} was asked for`);
        },
      });
  }
  const index = { scope: 'workspace' as const, objects: indexFile(file, 'crds.yaml') };
  assert.deepEqual(
    index.objects.map((o) => o.crdSchemas?.map((s) => `${s.apiVersion}/${s.kind}`)),
    [['argoproj.io/v1alpha1/Widget'], ['argoproj.io/v1alpha1/Gadget']],
  );
  assert.deepEqual(analyseFile(file, { rules: allRules, index }).findings, []);
});
