import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Commands, Views } from '../../src/constants';
import { repoRoot } from '../../scripts/harness/paths';

interface Manifest {
  activationEvents: string[];
  contributes: {
    commands: { command: string; category?: string; title: string }[];
    views: Record<string, { id: string }[]>;
    viewsWelcome: { view: string; contents: string }[];
    menus: Record<string, { command?: string; submenu?: string }[]>;
  };
}

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Manifest;
const contributed = manifest.contributes.commands.map((c) => c.command).sort();

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

test('every contributed command is in the constants table, and vice versa', () => {
  assert.deepEqual(contributed, Object.values(Commands).sort());
});

test('every command in the constants table is used by some feature (the extension-host test checks registration)', () => {
  const text = sources(join(repoRoot, 'src', 'features'))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  const keys = Object.keys(Commands) as (keyof typeof Commands)[];
  assert.deepEqual(
    keys.filter((key) => !new RegExp(`Commands\\.${key}\\b`).test(text)),
    [],
  );
});

test('every command has the Shipshape category', () => {
  assert.deepEqual(
    manifest.contributes.commands.filter((c) => c.category !== 'Shipshape').map((c) => c.command),
    [],
  );
});

test('menus only reference contributed commands', () => {
  const known = new Set(contributed);
  const unknown = Object.values(manifest.contributes.menus)
    .flat()
    .flatMap((item) => (item.command && !known.has(item.command) ? [item.command] : []));
  assert.deepEqual(unknown, []);
});

test('views in package.json match the constants table', () => {
  const ids = Object.values(manifest.contributes.views)
    .flat()
    .map((v) => v.id)
    .sort();
  const expected = Object.entries(Views)
    .filter(([key]) => key !== 'container')
    .map(([, id]) => id)
    .sort();
  assert.deepEqual(ids, expected);
});

test('welcome-content buttons run contributed commands', () => {
  const known = new Set(contributed);
  const links = manifest.contributes.viewsWelcome.flatMap((w) =>
    [...w.contents.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1] ?? ''),
  );
  assert.ok(links.length >= 3);
  assert.deepEqual(
    links.filter((id) => !known.has(id)),
    [],
  );
});

test('activation is narrow: never "*"', () => {
  assert.ok(!manifest.activationEvents.includes('*'));
  assert.ok(manifest.activationEvents.includes('onLanguage:yaml'));
});

test('walkthrough steps link to contributed commands or our views, and their media exist', () => {
  const walkthroughs = (
    manifest.contributes as unknown as {
      walkthroughs: {
        steps: { description: string; media: { markdown?: string }; completionEvents?: string[] }[];
      }[];
    }
  ).walkthroughs;
  const known = new Set([...contributed, ...Object.values(Views).map((id) => `${id}.focus`)]);
  const steps = walkthroughs.flatMap((w) => w.steps);
  assert.ok(steps.length >= 4);
  const links = steps.flatMap((s) =>
    [...s.description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1] ?? ''),
  );
  const events = steps.flatMap((s) => s.completionEvents ?? []);
  assert.deepEqual(
    links.filter((id) => !known.has(id)),
    [],
  );
  assert.deepEqual(
    events.filter((e) => {
      const [kind, id = ''] = e.split(':');
      return kind === 'onCommand' ? !known.has(id) : kind === 'onView' ? !known.has(`${id}.focus`) : true;
    }),
    [],
  );
  for (const step of steps) {
    const media = step.media.markdown;
    assert.ok(media, 'every step has markdown media');
    assert.ok(statSync(join(repoRoot, media)).isFile(), media);
  }
});

test('runbook files get the JSON schema through the YAML extension', () => {
  const validation = (
    manifest.contributes as unknown as { yamlValidation: { fileMatch: string[]; url: string }[] }
  ).yamlValidation;
  const entry = validation.find((v) => v.fileMatch.includes('*.runbook.yaml'));
  assert.ok(entry);
  const schema = JSON.parse(readFileSync(join(repoRoot, entry.url), 'utf8')) as { $schema?: string };
  assert.match(schema.$schema ?? '', /json-schema/);
});
