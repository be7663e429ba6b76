/** `npm run generate`: writes docs/rules.md, the rule settings in package.json and the
 * `.shipshape.yaml` schema from the code. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectConfigSchema } from '../src/core/config/project-config';
import { rulesMarkdown, rulesSettings } from '../src/core/rules/docs';
import { allRules } from '../src/core/rules/registry';
import { repoRoot } from './harness/paths';

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

export function generatedConfigSchema(): string {
  return `${JSON.stringify(projectConfigSchema(allRules.map((r) => r.id)), null, 2)}\n`;
}

if (process.argv[1]?.endsWith('generate.ts')) {
  const pkg = join(repoRoot, 'package.json');
  writeFileSync(pkg, generatedPackageJson(readFileSync(pkg, 'utf8')));
  writeFileSync(join(repoRoot, 'docs', 'rules.md'), generatedRulesDoc());
  writeFileSync(join(repoRoot, 'schemas', 'shipshape-config.schema.json'), generatedConfigSchema());
  process.stdout.write(`generated docs/rules.md and ${allRules.length} rule settings\n`);
}
