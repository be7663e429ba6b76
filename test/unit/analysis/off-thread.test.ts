/**
 * The analysis worker (dist/analysis-worker.js: run `node scripts/build.mjs` first) answers with
 * what a full analysis reports, and a request superseded by a newer one for the same document is
 * skipped, not analysed.
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { IncrementalAnalyser } from '../../../src/core/analysis/file-analysis';
import { analyseText } from '../../../src/core/rules/engine';
import { indexFile } from '../../../src/core/rules/scope';
import { parseManifestFile } from '../../../src/core/yaml/parse';
import { allRules } from '../../../src/core/rules/registry';
import { OffThreadAnalyser } from '../../../src/services/analysis/off-thread';
import { repoRoot } from '../../../scripts/harness/paths';
import { argoShaped } from '../../../scripts/bench/argo-shaped';
import { corpusDocuments } from '../../../scripts/bench/corpus';

const config = { generation: 1, severities: {}, options: {} };
const external = { scope: 'file' as const, objects: [], version: 0 };
const messages = (findings: readonly { rule: string; start: number; message: string }[]) =>
  findings.map((f) => `${f.rule}@${f.start}:${f.message}`);

test('the worker skips a superseded request and answers the newest with the full analysis', async () => {
  const errors: string[] = [];
  const worker = new OffThreadAnalyser(join(repoRoot, 'dist', 'analysis-worker.js'), {
    error: (m: string) => errors.push(m),
  });
  try {
    const small = corpusDocuments(8).join('---\n');
    const edited = small.replace('replicas: 2', 'replicas: 1');
    const order: string[] = [];
    // Both edits of the small file queue up while the worker starts and works on the big one.
    const big = worker.analyse('big', 'big.yaml', argoShaped(), external, config).then((a) => {
      order.push('big');
      return a;
    });
    const first = worker.analyse('small', 'small.yaml', small, external, config).then((a) => {
      order.push('first');
      return a;
    });
    const second = worker.analyse('small', 'small.yaml', edited, external, config).then((a) => {
      order.push('second');
      return a;
    });
    const [bigResult, firstResult, secondResult] = await Promise.all([big, first, second]);
    assert.ok(bigResult && bigResult.findings.length > 0);
    assert.equal(firstResult, undefined, 'the superseded request was skipped');
    assert.ok(order.indexOf('first') < order.indexOf('second'), order.join());
    assert.deepEqual(
      messages(secondResult?.findings ?? []),
      messages(analyseText(edited, { rules: allRules, path: 'small.yaml' }).findings),
    );
    assert.deepEqual(errors, []);
  } finally {
    worker.dispose();
  }
});

test("a keystroke that leaves the file's cross-resource facts alone does not send them back to the extension host", async () => {
  const worker = new OffThreadAnalyser(join(repoRoot, 'dist', 'analysis-worker.js'), {
    error: () => undefined,
  });
  try {
    const text = argoShaped();
    const opened = await worker.analyse('big', 'big.yaml', text, external, config);
    assert.ok(opened && opened.index.length > 0);
    assert.equal(worker.indexesReused, 0);
    // A description inside a CRD's schema is no cross-resource fact; a Deployment's name is.
    const at = text.indexOf('description: ') + 'description: '.length;
    const typed = `${text.slice(0, at)}x${text.slice(at)}`;
    const again = await worker.analyse('big', 'big.yaml', typed, external, config);
    assert.equal(worker.indexesReused, 1);
    const full = analyseText(typed, { rules: allRules, path: 'big.yaml' });
    assert.deepEqual(again?.index, opened.index);
    assert.deepEqual(messages(again?.findings ?? []), messages(full.findings));
    const name = typed.indexOf('name: app-3\n') + 'name: app-3'.length;
    const renamed = `${typed.slice(0, name)}9${typed.slice(name)}`;
    const third = await worker.analyse('big', 'big.yaml', renamed, external, config);
    assert.equal(worker.indexesReused, 1, 'a changed fact is sent');
    assert.notDeepEqual(third?.index, opened.index);
  } finally {
    worker.dispose();
  }
});

test("a keystroke posts only its change, and the reply carries only the edited document's results", async () => {
  const worker = new OffThreadAnalyser(join(repoRoot, 'dist', 'analysis-worker.js'), {
    error: () => undefined,
  });
  try {
    const text = argoShaped();
    const opened = await worker.analyse('big', 'big.yaml', text, external, config);
    assert.ok(opened && opened.findings.length > 0);
    assert.equal(worker.textsPosted, 1);
    assert.ok(worker.lastDocumentsReceived > 50, 'at open every document is sent');
    // Typing into a Deployment's name moves every later finding by one character.
    const at = text.indexOf('name: app-3\n') + 'name: app-3'.length;
    const typed = `${text.slice(0, at)}9${text.slice(at)}`;
    const whole = () => typed;
    const change = [{ start: at, end: at, text: '9' }];
    const again = await worker.analyseChanges(
      'big',
      'big.yaml',
      change,
      typed.length,
      whole,
      external,
      config,
    );
    assert.equal(worker.textsPosted, 1, 'the text was not posted again');
    assert.equal(worker.lastDocumentsReceived, 1, "only the edited document's results crossed");
    assert.equal(worker.lastIndexEntriesReceived, 1, "only the renamed Deployment's index entry crossed");
    const full = analyseText(typed, { rules: allRules, path: 'big.yaml' });
    assert.deepEqual(messages(again?.findings ?? []), messages(full.findings));
    const fresh = new IncrementalAnalyser('big.yaml', {
      rules: allRules,
      severities: {},
      options: {},
    }).update(typed);
    assert.deepEqual(again?.problems, fresh.problems);
    assert.deepEqual(
      again?.objects.map((o) => [o.identity.name, o.start, o.anchor]),
      fresh.objects.map((o) => [o.identity.name, o.start, o.anchor]),
    );
  } finally {
    worker.dispose();
  }
});

test('changes the worker cannot apply (it holds no text, or the length is off) are answered from the whole text', async () => {
  const worker = new OffThreadAnalyser(join(repoRoot, 'dist', 'analysis-worker.js'), {
    error: () => undefined,
  });
  try {
    const small = corpusDocuments(8).join('---\n');
    const edited = small.replace('replicas: 2', 'replicas: 1');
    const at = small.indexOf('replicas: 2') + 'replicas: '.length;
    const change = [{ start: at, end: at + 1, text: '1' }];
    // Nothing was sent for this document: the worker asks for the text.
    const first = await worker.analyseChanges(
      's',
      's.yaml',
      change,
      edited.length,
      () => edited,
      external,
      config,
    );
    assert.equal(worker.textsPosted, 1);
    const expected = messages(analyseText(edited, { rules: allRules, path: 's.yaml' }).findings);
    assert.deepEqual(messages(first?.findings ?? []), expected);
    // A length that does not add up (a change the host missed): the whole text again.
    const back = [{ start: at, end: at + 1, text: '2' }];
    const second = await worker.analyseChanges(
      's',
      's.yaml',
      back,
      small.length + 1,
      () => small,
      external,
      config,
    );
    assert.equal(worker.textsPosted, 2);
    assert.deepEqual(
      messages(second?.findings ?? []),
      messages(analyseText(small, { rules: allRules, path: 's.yaml' }).findings),
    );
  } finally {
    worker.dispose();
  }
});

test("the workspace index's entries for a big file are read in the worker, as the host would read them", async () => {
  const worker = new OffThreadAnalyser(join(repoRoot, 'dist', 'analysis-worker.js'), {
    error: () => undefined,
  });
  try {
    const text = argoShaped();
    const entries = await worker.index('install.yaml', text);
    assert.ok(entries && entries.length > 50);
    assert.deepEqual(entries, indexFile(parseManifestFile(text), 'install.yaml'));
  } finally {
    worker.dispose();
  }
});
