/** A rule that throws is an internal error: reported as one, and `lint` does not pass. */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { closeSync, openSync } from 'node:fs';
import type { FileProblem } from '../../../src/cli/analyse';
import { JsonReport } from '../../../src/cli/format';
import { lintExitCode } from '../../../src/cli/lint';
import { SyncWriter } from '../../../src/cli/output';
import { analyseText } from '../../../src/core/rules/engine';
import { allRules } from '../../../src/core/rules/registry';
import type { Rule, Severity } from '../../../src/core/rules/types';

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
  const failed = { message: 'Rule x failed', code: 'RULE_FAILED', severity: 'error' } as const;
  const syntax = { message: 'bad', code: 'SYNTAX', severity: 'error' } as const;
  const fd = openSync('/dev/null', 'w');
  try {
    const exit = (failOn: Severity, problems: Omit<FileProblem, 'file'>[]) => {
      const report = new JsonReport(new SyncWriter(fd), failOn);
      report.endFile(
        'a.yaml',
        problems.map((p) => ({ ...p, file: 'a.yaml' })),
      );
      return lintExitCode(report);
    };
    assert.equal(exit('error', [failed]), 2);
    assert.equal(exit('info', [syntax, failed]), 2);
    assert.equal(exit('error', [syntax]), 1);
    assert.equal(exit('error', []), 0);
  } finally {
    closeSync(fd);
  }
});
