/**
 * `--class auto` promises behaviour-preserving fixes. Every auto fix is run on every golden
 * fixture, and the real API server is asked (a server-side dry-run create) what it would store for
 * the original and for the fixed object: the two must be the same object once the server has
 * filled in its defaults. An original the server refuses outright (a removed API version, an
 * invalid selector) cannot run at all, so there the fixed object only has to be accepted.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KubeError } from '../../src/adapters/k8s/errors';
import { resourcePath } from '../../src/adapters/k8s/informer';
import type { KubeRest } from '../../src/adapters/k8s/rest';
import { Discovery } from '../../src/adapters/k8s/sync';
import { applyFixes } from '../../src/core/fixes/apply';
import { allRules } from '../../src/core/rules/registry';
import { withoutNoise } from '../../src/core/sync/compare';
import { applyTargets } from '../../src/core/sync/targets';
import { parseManifestFile } from '../../src/core/yaml/parse';
import { repoRoot } from '../../scripts/harness/paths';
import { startTestCluster, type TestCluster } from '../../scripts/harness/testcluster';
import { namespace, restFor } from './support/kube';

type Json = Record<string, unknown>;
const NS = 'golden';
const fixtures = join(repoRoot, 'test', 'fixtures', 'rules');

let cluster: TestCluster;
let rest: KubeRest;
let discovery: Discovery;
before(async () => {
  cluster = await startTestCluster();
  rest = restFor(cluster.kubeconfig);
  discovery = new Discovery(rest);
  await namespace(rest, NS);
});
after(async () => {
  rest?.dispose();
  await cluster?.stop();
});

const objectsOf = (text: string): Json[] => {
  const set = applyTargets(parseManifestFile(text));
  return 'targets' in set ? set.targets.map((t) => t.body as Json) : [];
};

/** What the server would store on create, without what differs on every write; or why it refuses. */
async function stored(object: Json): Promise<{ object: Json } | { refused: string }> {
  try {
    const type = await discovery.resolve(String(object['apiVersion']), String(object['kind']));
    const body = structuredClone(object);
    const metadata = { ...(body['metadata'] as Json | undefined) };
    if (type.namespaced) metadata['namespace'] = NS;
    else delete metadata['namespace'];
    body['metadata'] = metadata;
    const answer = await rest.request<Json>('POST', resourcePath(type, type.namespaced ? NS : undefined), {
      body,
      query: { dryRun: 'All', fieldManager: 'golden' },
      what: `dry-run create ${String(object['kind'])}`,
    });
    return { object: withoutNoise(answer) };
  } catch (error) {
    if (error instanceof KubeError) return { refused: `${error.kind}: ${error.apiMessage ?? error.message}` };
    throw error;
  }
}

/**
 * The object as its containers see it: the kubelet reads `env` in order and a later entry of
 * the same name replaces an earlier one, so a list with duplicates runs as its de-duplicated
 * form (what `duplicate-env-var` writes). The server stores the duplicates as sent.
 */
function asRun(object: Json): Json {
  return JSON.parse(JSON.stringify(object), (key, value: unknown) => {
    if (key !== 'env' || !Array.isArray(value)) return value;
    const last = new Map<unknown, unknown>();
    for (const entry of value as { name?: unknown }[]) {
      last.delete(entry.name);
      last.set(entry.name, entry);
    }
    return [...last.values()];
  }) as Json;
}

const autoRules = allRules.filter((r) => r.fix?.class === 'auto').map((r) => r.id);

test('every auto fix leaves the object the API server would store as it was', async () => {
  assert.ok(autoRules.length > 0);
  const changed: string[] = [];
  let compared = 0;
  for (const dir of readdirSync(fixtures).sort())
    for (const name of readdirSync(join(fixtures, dir)).sort()) {
      if (!name.endsWith('.yaml') || name === 'fix.expected.yaml') continue;
      const text = readFileSync(join(fixtures, dir, name), 'utf8');
      for (const rule of autoRules) {
        // `include` turns on the rules that are off by default: their fixes are auto too.
        const result = applyFixes(
          text,
          { classes: ['auto'], rules: [rule] },
          { rules: allRules, include: [rule] },
        );
        if (result.applied.length === 0) continue;
        const before = objectsOf(text);
        const after = objectsOf(result.text);
        assert.equal(after.length, before.length, `${rule} on ${dir}/${name} keeps the object count`);
        for (const [i, original] of before.entries()) {
          const fixed = after[i];
          assert.ok(fixed);
          if (JSON.stringify(original) === JSON.stringify(fixed)) continue;
          const a = await stored(original);
          const b = await stored(fixed);
          const where = `${rule} on ${dir}/${name} (${String(original['kind'])})`;
          // The original could never run: there is no behaviour to preserve.
          if ('refused' in a) continue;
          assert.ok(
            'object' in b,
            `${where}: the fixed object is refused: ${'refused' in b ? b.refused : ''}`,
          );
          compared++;
          try {
            assert.deepEqual(asRun(b.object), asRun(a.object));
          } catch (error) {
            changed.push(
              `${where}: ${error instanceof Error ? error.message.split('\n').slice(0, 30).join('\n') : ''}`,
            );
          }
        }
      }
    }
  assert.ok(compared > 0, 'some fixed objects were compared');
  assert.deepEqual(
    changed,
    [],
    `auto fixes that change what the cluster would run:\n${changed.join('\n\n')}`,
  );
});
