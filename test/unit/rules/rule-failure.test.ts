/** A rule that throws is an internal error: reported as one, and `lint` does not pass. */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintExitCode } from '../../../src/cli/lint';
import { analyseText } from '../../../src/core/rules/engine';
import { allRules } from '../../../src/core/rules/registry';
import type { Rule } from '../../../src/core/rules/types';

const [model] = allRules;
assert.ok(model);
const broken: Rule = {
  ...model,
  id: 'always-throws',
  kinds: new Set(['ConfigMap']),
  check: () => {
    throw new TypeError("Cannot read properties of undefined (reading 'name')");
  },
};

test('a rule that throws is reported as an error naming the rule and the object', () => {
  const a = analyseText('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n', {
    rules: [broken],
  });
  const failed = a.problems.filter((p) => p.code === 'RULE_FAILED');
  assert.equal(failed.length, 1);
  assert.equal(failed[0]?.severity, 'error');
  assert.match(failed[0]?.message ?? '', /always-throws.*ConfigMap\/settings/);
});

test('lint exits 2 when a rule failed, whatever --fail-on says, and 1/0 as before otherwise', () => {
  const failed = {
    file: 'a.yaml',
    message: 'Rule x failed',
    code: 'RULE_FAILED',
    severity: 'error',
  } as const;
  const syntax = { file: 'a.yaml', message: 'bad', code: 'SYNTAX', severity: 'error' } as const;
  const clean = { files: 1, bytes: 10, findings: [], problems: [] };
  assert.equal(lintExitCode({ ...clean, problems: [failed] }, 'error'), 2);
  assert.equal(lintExitCode({ ...clean, problems: [syntax, failed] }, 'info'), 2);
  assert.equal(lintExitCode({ ...clean, problems: [syntax] }, 'error'), 1);
  assert.equal(lintExitCode(clean, 'error'), 0);
});
