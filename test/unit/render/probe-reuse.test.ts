/**
 * The probe render is reused while only values change (the same keys): the mapping must still
 * follow every edit — a value's new line, a template that now reads another key.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { lintChart } from './support';
import { scratchDir } from '../../../scripts/harness/scratch';

const chart = scratchDir('shipshape-probe-reuse-');
after(() => rmSync(chart, { recursive: true, force: true }));

const template = (key: string) =>
  [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: web',
    'spec:',
    '  containers:',
    '    - name: web',
    `      image: "nginx:{{ .Values.${key}.tag }}"`,
    '',
  ].join('\n');

function write(values: string, key = 'image'): void {
  mkdirSync(join(chart, 'templates'), { recursive: true });
  writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: reuse\nversion: 0.1.0\n');
  writeFileSync(join(chart, 'templates', 'pod.yaml'), template(key));
  writeFileSync(join(chart, 'values.yaml'), values);
}

async function tagFinding() {
  const lint = await lintChart(chart);
  const found = lint.findings.find((f) => f.finding.rule === 'image-tag-pinned');
  assert.ok(found?.location, JSON.stringify(lint.findings.map((f) => f.finding.rule)));
  return { ...found.location, rendered: lint.file.text };
}

test('values edits keep the mapping right (new lines, new strings); a template edit maps to the key it now reads', async () => {
  write('image:\n  tag: latest\nother:\n  tag: "1.0"\n');
  let at = await tagFinding();
  assert.deepEqual([at.file, at.line], [join(chart, 'values.yaml'), 1]);

  // Same keys, a comment above and another string: the finding moves down with its key.
  write('# pinned later\n\nimage:\n  tag: latest\nother:\n  tag: "2.0"\n');
  at = await tagFinding();
  assert.deepEqual([at.file, at.line], [join(chart, 'values.yaml'), 3]);

  // The template now reads `other.tag`; `other.tag: latest` is the line to edit.
  write('image:\n  tag: "1.0"\nother:\n  tag: latest\n', 'other');
  at = await tagFinding();
  assert.deepEqual([at.file, at.line], [join(chart, 'values.yaml'), 3]);
  assert.match(at.rendered, /image: "nginx:latest"/);
});
