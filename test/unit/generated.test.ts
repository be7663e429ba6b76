import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  generatedConfigSchema,
  generatedGrammar,
  generatedPackageJson,
  generatedRulesDoc,
  generatedRunbookSchema,
  INJECTION_GRAMMAR,
  RUNBOOK_SCHEMA,
} from '../../scripts/generate';
import { repoRoot } from '../../scripts/harness/paths';

test('docs/rules.md is up to date with the rules (run `npm run generate`)', () => {
  assert.equal(readFileSync(join(repoRoot, 'docs', 'rules.md'), 'utf8'), generatedRulesDoc());
});

test('package.json rule settings are up to date with the rules (run `npm run generate`)', () => {
  const current = readFileSync(join(repoRoot, 'package.json'), 'utf8');
  assert.equal(current, generatedPackageJson(current));
});

test('the runbook schema lists exactly the registry’s check kinds (run `npm run generate`)', async () => {
  const current = readFileSync(RUNBOOK_SCHEMA, 'utf8');
  assert.equal(current, await generatedRunbookSchema(current));
});

test('the grammar highlights exactly the registry’s check kinds (run `npm run generate`)', async () => {
  const current = readFileSync(INJECTION_GRAMMAR, 'utf8');
  assert.equal(current, await generatedGrammar(current));
});

test('schemas/shipshape-config.schema.json is up to date with the rules (run `npm run generate`)', () => {
  assert.equal(
    readFileSync(join(repoRoot, 'schemas', 'shipshape-config.schema.json'), 'utf8'),
    generatedConfigSchema(),
  );
});
