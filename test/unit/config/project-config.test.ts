import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { globMatcher, mergeProjectConfig, parseProjectConfig } from '../../../src/core/config/project-config';
import { rulesById } from '../../../src/core/rules/registry';

const ids = new Set(rulesById.keys());

test('a valid config: severities, thresholds and excludes', () => {
  const { config, errors } = parseProjectConfig(
    [
      'rules:',
      '  cpu-limit: off',
      '  min-replicas: error',
      'minReplicas: 3',
      'requireDigest: true',
      'allowedRegistries: [ghcr.io/acme/]',
      'kubernetesVersion: "1.33"',
      'exclude: [vendor/**]',
      '',
    ].join('\n'),
    ids,
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(config, {
    severities: { 'cpu-limit': 'off', 'min-replicas': 'error' },
    options: {
      minReplicas: 3,
      requireDigest: true,
      allowedRegistries: ['ghcr.io/acme/'],
      kubernetesVersion: '1.33',
    },
    exclude: ['vendor/**'],
  });
});

test('mistakes are reported at their line and column, with the nearest known name', () => {
  const { errors } = parseProjectConfig(
    'rules:\n  cpu-limits: off\n  memory-limit: loud\nminReplicas: two\nkubernetesVersion: 1.30\n',
    ids,
  );
  assert.deepEqual(errors, [
    {
      line: 2,
      column: 3,
      message: 'unknown rule ID "cpu-limits" (did you mean "cpu-limit"?); see docs/rules.md',
    },
    { line: 3, column: 17, message: 'rules.memory-limit: use error, warning, info or off' },
    { line: 4, column: 14, message: 'minReplicas: a whole number of at least 1' },
    { line: 5, column: 20, message: 'kubernetesVersion: a quoted version such as "1.33"' },
  ]);
  assert.equal(parseProjectConfig('rules: [\n', ids).errors[0]?.line !== undefined, true);
});

test('exclude globs: ** spans folders, a bare name matches at any depth', () => {
  const excluded = globMatcher(['vendor/**', '*.generated.yaml', 'charts/*/tests/']);
  assert.ok(excluded('vendor/a/b.yaml'));
  assert.ok(excluded('apps/x.generated.yaml'));
  assert.ok(excluded('charts/web/tests/t.yaml'));
  assert.ok(!excluded('apps/vendor.yaml'));
  assert.ok(!excluded('charts/web/templates/t.yaml'));
});

test('in the editor a setting set in VS Code wins over the file, which wins over the defaults', () => {
  const settings = {
    options: { minReplicas: 2, requireDigest: false, allowedRegistries: [], kubernetesVersion: '1.36' },
    severities: { 'cpu-limit': 'warning' as const },
  };
  const project = {
    severities: { 'cpu-limit': 'off' as const, 'min-replicas': 'error' as const },
    options: { minReplicas: 3, kubernetesVersion: '1.33' },
    exclude: [],
  };
  assert.deepEqual(mergeProjectConfig(settings, project, new Set(['kubernetesVersion'])), {
    options: { minReplicas: 3, requireDigest: false, allowedRegistries: [], kubernetesVersion: '1.36' },
    severities: { 'cpu-limit': 'warning', 'min-replicas': 'error' },
  });
  assert.deepEqual(mergeProjectConfig(settings, undefined, new Set()), settings);
});
