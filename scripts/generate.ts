/**
 * `npm run generate`: writes from the code what would otherwise be kept equal by hand — the rule
 * catalogue (docs/rules.md, the rule settings in package.json) and the runbook check kinds (their
 * JSON schema in schemas/runbook.schema.json, their keywords in the injection grammar) and the
 * `.shipshape.yaml` schema.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { projectConfigSchema } from '../src/core/config/project-config';
import { rulesMarkdown, rulesSettings } from '../src/core/rules/docs';
import { allRules } from '../src/core/rules/registry';
import { checkKinds, checkSchemaDefinitions } from '../src/core/runbook/registry';
import { repoRoot } from './harness/paths';

export const RUNBOOK_SCHEMA = join(repoRoot, 'schemas', 'runbook.schema.json');
export const INJECTION_GRAMMAR = join(repoRoot, 'syntaxes', 'kubernetes.injection.tmLanguage.json');

export function generatedPackageJson(current: string): string {
  const manifest = JSON.parse(current) as {
    contributes: { configuration: { properties: Record<string, unknown> } };
  };
  const properties = manifest.contributes.configuration.properties;
  for (const key of Object.keys(properties)) if (key.startsWith('shipshape.rules.')) delete properties[key];
  Object.assign(properties, rulesSettings(allRules));
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export function generatedRulesDoc(): string {
  return rulesMarkdown(allRules);
}

/** JSON laid out as `prettier --check` wants it (the repository's config). */
async function formatted(path: string, value: unknown): Promise<string> {
  const config = (await prettier.resolveConfig(path)) ?? {};
  return prettier.format(JSON.stringify(value, null, 2), { ...config, filepath: path });
}

/** The runbook schema with its `check` and `check-<kind>` definitions from the registry. */
export function generatedRunbookSchema(current: string): Promise<string> {
  const schema = JSON.parse(current) as { definitions: Record<string, unknown> };
  const kept = Object.entries(schema.definitions).filter(([k]) => k !== 'check' && !k.startsWith('check-'));
  schema.definitions = { ...Object.fromEntries(kept), ...checkSchemaDefinitions() };
  return formatted(RUNBOOK_SCHEMA, schema);
}

/** The injection grammar with the runbook check kinds as its `check-key` keywords. */
export function generatedGrammar(current: string): Promise<string> {
  const grammar = JSON.parse(current) as { repository: Record<string, { match?: string }> };
  const rule = grammar.repository['check-key'];
  const keywords = /\(\?:(?:[A-Za-z]+\|)+[A-Za-z]+\)/;
  if (!rule?.match || !keywords.test(rule.match))
    throw new Error('The grammar has no check-key rule with a (?:kindA|kindB…) group to fill.');
  rule.match = rule.match.replace(keywords, `(?:${checkKinds().join('|')})`);
  return formatted(INJECTION_GRAMMAR, grammar);
}

export function generatedConfigSchema(): string {
  return `${JSON.stringify(projectConfigSchema(allRules.map((r) => r.id)), null, 2)}\n`;
}

async function main(): Promise<void> {
  const pkg = join(repoRoot, 'package.json');
  writeFileSync(pkg, generatedPackageJson(readFileSync(pkg, 'utf8')));
  writeFileSync(join(repoRoot, 'docs', 'rules.md'), generatedRulesDoc());
  writeFileSync(RUNBOOK_SCHEMA, await generatedRunbookSchema(readFileSync(RUNBOOK_SCHEMA, 'utf8')));
  writeFileSync(INJECTION_GRAMMAR, await generatedGrammar(readFileSync(INJECTION_GRAMMAR, 'utf8')));
  writeFileSync(join(repoRoot, 'schemas', 'shipshape-config.schema.json'), generatedConfigSchema());
  process.stdout.write(
    `generated docs/rules.md, ${allRules.length} rule settings and ${checkKinds().length} runbook check kinds ` +
      '(schemas/runbook.schema.json, the injection grammar), and schemas/shipshape-config.schema.json\n',
  );
}

if (process.argv[1]?.endsWith('generate.ts')) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
