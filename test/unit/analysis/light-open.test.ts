import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { IncrementalAnalyser, summarise, type FileAnalysis } from '../../../src/core/analysis/file-analysis';
import { objectsOfDocument } from '../../../src/core/manifest/objects';
import { analyseText } from '../../../src/core/rules/engine';
import { allRules } from '../../../src/core/rules/registry';
import { indexFile } from '../../../src/core/rules/scope';
import { parseManifestFileLight } from '../../../src/core/yaml/light-file';
import { parseManifestFile } from '../../../src/core/yaml/parse';
import { corpusDocuments } from '../../../scripts/bench/corpus';
import { crd } from '../../../scripts/bench/argo-shaped';
import { randomEdits } from '../support/random-edits';

/**
 * The editor opens a file with CRDs through the light scanner (their nodes built only when an edit
 * or a rule needs them): what it shows at open and after every edit must be what a full parse gives.
 */
function full(text: string) {
  const file = parseManifestFile(text);
  const analysis = analyseText(text, { rules: allRules, path: 'f.yaml' });
  return {
    findings: analysis.findings.map((f) => `${f.rule}@${f.start}-${f.end}#${f.documentIndex}:${f.message}`),
    problems: analysis.problems.map((p) => `${p.code}@${p.start}:${p.message}`).sort(),
    objects: file.documents.flatMap((d) => objectsOfDocument(file, d).map(summarise)),
    index: indexFile(file, 'f.yaml'),
  };
}

function view(analysis: FileAnalysis) {
  return {
    findings: analysis.findings.map((f) => `${f.rule}@${f.start}-${f.end}#${f.documentIndex}:${f.message}`),
    problems: analysis.problems.map((p) => `${p.code}@${p.start}:${p.message}`).sort(),
    objects: analysis.objects,
    index: analysis.index,
  };
}

const small = (name: string) => crd(name, 1, 2);
const variants: Record<string, string> = {
  plain: [small('Alpha'), ...corpusDocuments(3), small('Beta')].join('---\n'),
  'header comment': `# generated\n${small('Alpha')}---\n${small('Beta')}`,
  'comment after the root': `${small('Alpha')}# trailing\n\n---\n${small('Beta')}`,
  'comment on the last line': `${small('Alpha').trimEnd()} # why\n---\n${small('Beta')}`,
  'indented comment at the end': `${small('Alpha')}    # deep\n---\n${small('Beta')}`,
  'hash in a description': small('Alpha').replace('see the upstream', 'see #upstream'),
  'no final line break': `${corpusDocuments(1).join('')}---\n${small('Alpha').trimEnd()}`,
  'block scalar last': `${small('Alpha')}  note: |\n    one\n    two\n\n---\n${small('Beta')}`,
  'a rule speaks': small('Alpha').replace('app.kubernetes.io/part-of: argocd', 'bad label!: "x y"'),
  'default namespace': small('Alpha').replace('  labels:\n', '  namespace: default\n  labels:\n'),
  'spaces after the last value': `${small('Alpha').trimEnd()}   \n  \n---\n${small('Beta')}`,
  'blank lines at the end': `${small('Alpha')}\n\n\n---\n${small('Beta')}\n\n`,
};

test('opening a file with CRDs gives what a full parse gives', () => {
  for (const [name, text] of Object.entries(variants)) {
    assert.ok(
      parseManifestFileLight(text).documents.some((d) => d.light),
      `${name} takes the light path`,
    );
    const analyser = new IncrementalAnalyser('f.yaml', { rules: allRules });
    assert.deepEqual(view(analyser.update(text)), full(text), name);
  }
});

const PIECES = ['x', ' ', '\n', '# c\n', '  type: string\n', '---\n', ': ', '- ', '"', '{'];
const edits = (seed: number, text: string, count: number) => randomEdits(seed, text, count, PIECES);

test('edits in and around light CRDs give what a full analysis gives, after each edit', () => {
  const base = [crd('Alpha', 2, 3), ...corpusDocuments(4), crd('Beta', 2, 2), small('Gamma')].join('---\n');
  // The CRDs do take the light path.
  assert.equal(parseManifestFileLight(base).documents.filter((d) => d.light).length, 3);
  // Seed 7's 53rd edit lands inside a plain key over 1024 characters long that an earlier edit made.
  for (const seed of [5, 7, 11, 19, 42]) {
    const analyser = new IncrementalAnalyser('f.yaml', { rules: allRules });
    assert.deepEqual(view(analyser.update(base)), full(base), 'at open');
    let n = 0;
    for (const text of edits(seed, base, 60)) {
      n++;
      assert.deepEqual(view(analyser.update(text)), full(text), `seed ${seed}, edit ${n}`);
    }
  }
});

test('idle warming parses each light CRD once, and results stay those of a full analysis', () => {
  const base = [small('Alpha'), ...corpusDocuments(2), small('Beta')].join('---\n');
  const analyser = new IncrementalAnalyser('f.yaml', { rules: allRules });
  assert.equal(analyser.warm(), false, 'nothing to warm before the first analysis');
  assert.deepEqual(view(analyser.update(base)), full(base));
  const warmed = [analyser.warm(), analyser.warm(), analyser.warm()];
  assert.deepEqual(warmed, [true, true, false]);
  for (const text of edits(3, base, 20)) assert.deepEqual(view(analyser.update(text)), full(text));
});
