import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyEdits } from '../../../src/core/edit/text-edit';
import { valuesFixFor } from '../../../src/core/render/values-fix';
import { allRules } from '../../../src/core/rules/registry';
import { lintChart, workspace } from './support';
import { scratchDir } from '../../../scripts/harness/scratch';

const options = { rules: allRules };

test('a finding on an empty values block is fixed in values.yaml, comments kept, and re-rendering clears it', async () => {
  const chart = join(scratchDir('values-fix-'), 'data-platform');
  cpSync(join(workspace, 'helm', 'charts', 'data-platform'), chart, { recursive: true });
  const valuesFile = join(chart, 'charts', 'spark-history', 'values.yaml');
  const lint = await lintChart(chart);
  const mapped = lint.findings.find(
    (m) => m.finding.rule === 'allow-privilege-escalation' && m.location?.file === valuesFile,
  );
  assert.ok(mapped, 'the finding sits on the spark-history values block');
  assert.equal(mapped.location?.line, 8);
  const before = readFileSync(valuesFile, 'utf8');
  const fix = valuesFixFor(lint, mapped, before, options);
  assert.ok(fix, 'a values fix is offered');
  assert.deepEqual(fix.changes, ['securityContext.allowPrivilegeEscalation: false']);
  const after = applyEdits(before, fix.edits);
  assert.match(after, /# The container's securityContext\. Empty on purpose/);
  assert.match(after, /^securityContext: \{ ?allowPrivilegeEscalation: false ?\}$/m);
  assert.equal(after.replace(/^securityContext:.*$/m, ''), before.replace(/^securityContext:.*$/m, ''));
  writeFileSync(valuesFile, after);
  const again = await lintChart(chart);
  assert.equal(
    again.findings.filter(
      (m) =>
        m.finding.rule === 'allow-privilege-escalation' &&
        m.finding.object.name === mapped.finding.object.name,
    ).length,
    0,
  );
});

test('a value the template does not pass through unchanged gets no values fix', async () => {
  const lint = await lintChart(join(workspace, 'helm', 'charts', 'data-platform'));
  const tag = lint.findings.find(
    (m) => m.finding.rule === 'image-tag-pinned' && m.location?.via === 'values',
  );
  assert.ok(tag);
  const file = tag.location?.file ?? '';
  assert.equal(valuesFixFor(lint, tag, readFileSync(file, 'utf8'), options), undefined);
});

test('a values key the template writes under another name (imagePullPolicy ← image.pullPolicy) gets its values fix', async () => {
  const lint = await lintChart(join(workspace, 'helm', 'charts', 'data-platform'));
  const policy = lint.findings.find(
    (m) =>
      m.finding.rule === 'image-pull-policy' &&
      m.finding.object.name === 'trino-worker' &&
      m.location?.via === 'values',
  );
  assert.ok(policy, 'the finding sits on the trino image.pullPolicy line');
  const file = policy.location?.file ?? '';
  const before = readFileSync(file, 'utf8');
  const fix = valuesFixFor(lint, policy, before, options);
  assert.ok(fix, 'a values fix is offered');
  assert.deepEqual(fix.changes, ['image.pullPolicy: Always']);
  assert.equal(
    applyEdits(before, fix.edits),
    before.replace('pullPolicy: IfNotPresent', 'pullPolicy: Always'),
  );
});
