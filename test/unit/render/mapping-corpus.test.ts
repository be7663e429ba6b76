/**
 * The mapping corpus: findings on the demo charts and overlay, each labelled by hand with the
 * file and line a person edits (test/fixtures/render/mapping-corpus.yaml). Renders with the real
 * Helm and kustomize, maps, and measures exact-line accuracy.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { RenderLint } from '../../../src/core/render/helm-map';
import { fixtures, lintChart, lintOverlay, where, workspace } from './support';

/** The accuracy the mapping must keep (measured 2026-12: see the printed figure). */
const THRESHOLD = 0.9;

interface Scenario {
  name: string;
  chart?: string;
  overlay?: string;
  release?: string;
  namespace?: string;
  values?: string[];
  expect: string[];
}

const corpus = parse(readFileSync(join(fixtures, 'mapping-corpus.yaml'), 'utf8')) as {
  scenarios: Scenario[];
};

async function lintScenario(s: Scenario): Promise<RenderLint> {
  if (s.overlay) return lintOverlay(join(workspace, s.overlay));
  return lintChart(join(workspace, s.chart ?? ''), {
    release: s.release ?? 'data-platform',
    namespace: s.namespace ?? 'default',
    values: (s.values ?? []).map((v) => join(workspace, v)),
  });
}

test('mapping corpus: each labelled finding lands on the line a person edits', async () => {
  let total = 0;
  let exact = 0;
  const misses: string[] = [];
  for (const scenario of corpus.scenarios) {
    const lint = await lintScenario(scenario);
    for (const entry of scenario.expect) {
      const [rule, object, expected] = entry.split(' ') as [string, string, string];
      const [kind, name, container] = object.split('/');
      total++;
      const candidates = lint.findings
        .map((m, i) => ({ m, i }))
        .filter(
          ({ m }) =>
            m.finding.rule === rule &&
            m.finding.object.kind === kind &&
            m.finding.object.name === name &&
            (container === undefined || m.finding.container === container),
        );
      const got = candidates.map(({ i }) => where(lint, i));
      if (got.includes(expected)) exact++;
      else
        misses.push(
          `${scenario.name}: ${rule} ${object}: expected ${expected}, got ${got.join(', ') || 'no such finding'}`,
        );
    }
  }
  const accuracy = exact / total;
  process.stdout.write(
    `mapping corpus: ${exact}/${total} findings on the exact line (${(accuracy * 100).toFixed(1)} %)\n${misses.map((m) => `  miss: ${m}\n`).join('')}`,
  );
  assert.ok(total >= 60, `the corpus holds ${total} labelled findings; it needs at least 60`);
  assert.ok(
    accuracy >= THRESHOLD,
    `exact-line accuracy ${(accuracy * 100).toFixed(1)} % is below ${THRESHOLD * 100} %`,
  );
});
