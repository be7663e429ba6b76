/**
 * Golden-file tests for every rule in the catalogue, driven by test/fixtures/rules/<rule-id>/:
 * - fail.yaml: lines ending in `# expect: <rule-id>` are exactly where findings start;
 * - pass.yaml: no finding of the rule;
 * - fix.input.yaml + fix.expected.yaml (rules with a fix): the fix's output bytes, after which
 *   the rule is silent and every other finding is unchanged.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { applyFixes } from '../../../src/core/fixes/apply';
import { analyseText } from '../../../src/core/rules/engine';
import { allRules } from '../../../src/core/rules/registry';
import type { Finding, Rule, RuleOptions } from '../../../src/core/rules/types';
import { repoRoot } from '../../../scripts/harness/paths';

const fixtures = join(repoRoot, 'test', 'fixtures', 'rules');

/** Opt-in rules are switched on for their own fixtures; options.json sets rule options. */
function config(rule: Rule) {
  const optionsFile = join(fixtures, rule.id, 'options.json');
  const options = existsSync(optionsFile)
    ? (JSON.parse(readFileSync(optionsFile, 'utf8')) as Partial<RuleOptions>)
    : {};
  return {
    rules: allRules,
    options,
    severities: rule.severity === 'off' ? { [rule.id]: 'warning' as const } : {},
  };
}

function analyse(text: string, rule: Rule) {
  return analyseText(text, config(rule));
}

const identity = (f: Finding) =>
  `${f.rule}|${f.object.kind}/${f.object.name}|${f.container ?? ''}|${f.message}`;

for (const rule of allRules) {
  const dir = join(fixtures, rule.id);
  describe(`rule ${rule.id}`, () => {
    test('has fail and pass fixtures', () => {
      assert.ok(existsSync(join(dir, 'fail.yaml')), `missing ${dir}/fail.yaml`);
      assert.ok(existsSync(join(dir, 'pass.yaml')), `missing ${dir}/pass.yaml`);
    });

    test('fail.yaml: findings exactly on the marked lines', () => {
      const text = readFileSync(join(dir, 'fail.yaml'), 'utf8');
      const expected = text
        .split('\n')
        .flatMap((line, i) => (new RegExp(`# expect: [\\w, -]*\\b${rule.id}\\b`).test(line) ? [i] : []));
      assert.ok(expected.length > 0, 'fail.yaml marks at least one line with # expect: <rule-id>');
      const analysis = analyse(text, rule);
      assert.deepEqual(
        analysis.problems.filter((p) => p.severity === 'error'),
        [],
      );
      const lines = analysis.findings
        .filter((f) => f.rule === rule.id)
        .map((f) => analysis.file.lines.positionAt(f.start).line);
      assert.deepEqual(
        [...new Set(lines)].sort((a, b) => a - b),
        expected,
      );
    });

    test('pass.yaml: no finding', () => {
      const analysis = analyse(readFileSync(join(dir, 'pass.yaml'), 'utf8'), rule);
      assert.deepEqual(
        analysis.findings.filter((f) => f.rule === rule.id).map((f) => f.message),
        [],
      );
    });

    if (rule.fix) {
      test(`fix (${rule.fix.class}) produces the expected bytes and changes nothing else`, () => {
        const input = readFileSync(join(dir, 'fix.input.yaml'), 'utf8');
        const expected = readFileSync(join(dir, 'fix.expected.yaml'), 'utf8');
        const before = analyse(input, rule).findings;
        assert.ok(
          before.some((f) => f.rule === rule.id && f.fix),
          'fix.input.yaml has a fixable finding',
        );
        const result = applyFixes(input, { rules: [rule.id] }, config(rule));
        assert.equal(result.text, expected);
        const after = analyse(result.text, rule).findings;
        assert.deepEqual(
          after.filter((f) => f.rule === rule.id).map(identity),
          [],
          'the finding is gone after the fix',
        );
        const others = (fs: readonly Finding[]) =>
          fs
            .filter((f) => f.rule !== rule.id)
            .map(identity)
            .sort();
        assert.deepEqual(others(after), others(before), 'other findings are unchanged');
      });
    }
  });
}

test('rule IDs are lower-case words and hyphens: findings sort by them in code-unit order (byPlace)', () => {
  for (const rule of allRules) assert.match(rule.id, /^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  const ids = allRules.map((r) => r.id);
  const collated = [...ids].sort((a, b) => a.localeCompare(b, 'en'));
  assert.deepEqual([...ids].sort(), collated);
});
