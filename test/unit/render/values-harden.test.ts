import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { MappedFinding } from '../../../src/core/render/locate';
import {
  checkBlock,
  composeFixes,
  findingsGone,
  hardenBlocks,
  hardenTitle,
  survivors,
  type HardenFix,
} from '../../../src/core/render/values-harden';
import { allRules } from '../../../src/core/rules/registry';
import { lintChart, workspace } from './support';
import { scratchDir } from '../../../scripts/harness/scratch';

const options = { rules: allRules };

const values = `# Overrides for the trino subchart.
trino:
  enabled: true
  # Pinned by the platform team.
  image:
    tag: "435" # keep
  securityContext: {} # empty on purpose
  worker:
    replicas: 3
`;

const fix = (title: string, rule: string, ...changes: [string, string | number | boolean][]): HardenFix => ({
  title,
  findings: [{ rule, object: 'Deployment/trino-worker', path: 'spec' }],
  changes: changes.map(([path, value]) => ({ path: path.split('.'), value, field: 'securityContext' })),
});

test('two fixes in one values block are written one after the other: both land, comments and quoting kept', () => {
  const composed = composeFixes(values, [
    fix('Set allowPrivilegeEscalation: false', 'allow-privilege-escalation', [
      'trino.securityContext.allowPrivilegeEscalation',
      false,
    ]),
    fix('Set readOnlyRootFilesystem: true', 'read-only-root-filesystem', [
      'trino.securityContext.readOnlyRootFilesystem',
      true,
    ]),
    fix(
      'Add resources',
      'cpu-request',
      ['trino.worker.resources.requests.cpu', '100m'],
      ['trino.worker.resources.limits.memory', '512Mi'],
    ),
  ]);
  assert.equal(composed.skipped.length, 0);
  assert.equal(composed.fixes.length, 3);
  assert.deepEqual(parse(composed.text), {
    trino: {
      enabled: true,
      image: { tag: '435' },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
      worker: { replicas: 3, resources: { requests: { cpu: '100m' }, limits: { memory: '512Mi' } } },
    },
  });
  for (const kept of [
    '# Overrides for the trino subchart.',
    '  # Pinned by the platform team.',
    '    tag: "435" # keep',
    '# empty on purpose',
  ])
    assert.ok(composed.text.includes(kept), `${kept} is kept in:\n${composed.text}`);
  // Only the securityContext line and the new worker lines differ.
  const before = values.split('\n');
  const after = composed.text.split('\n');
  assert.deepEqual(
    before.filter((l) => !after.includes(l)),
    ['  securityContext: {} # empty on purpose'],
  );
});

test('a fix already written by another joins it; one that sets the same key differently is skipped with its reason', () => {
  const composed = composeFixes(values, [
    fix('Add resources', 'cpu-request', ['trino.worker.resources.limits.memory', '512Mi']),
    fix('Set a memory limit', 'memory-limit', ['trino.worker.resources.limits.memory', '512Mi']),
    fix('Set a memory limit', 'memory-request-equals-limit', ['trino.worker.resources.limits.memory', '1Gi']),
    fix('Replace the block', 'other', ['trino.worker.resources', 'none']),
  ]);
  assert.equal(composed.fixes.length, 1);
  assert.deepEqual(
    composed.fixes[0]?.findings.map((f) => f.rule),
    ['cpu-request', 'memory-limit'],
  );
  assert.deepEqual(
    composed.skipped.map((s) => s.reason),
    [
      'it sets trino.worker.resources.limits.memory: 1Gi, and "Add resources" sets trino.worker.resources.limits.memory: 512Mi',
      'it sets trino.worker.resources: none, and "Add resources" sets trino.worker.resources.limits.memory: 512Mi',
    ],
  );
});

test('the umbrella values.yaml trino block gets the trino subchart findings as one Harden; the render proves them gone', async () => {
  const chart = join(scratchDir('values-harden-'), 'data-platform');
  cpSync(join(workspace, 'helm', 'charts', 'data-platform'), chart, { recursive: true });
  const file = join(chart, 'values.yaml');
  const sub = join(chart, 'charts', 'trino', 'values.yaml');
  const lint = await lintChart(chart, { values: [file] });
  const text = readFileSync(file, 'utf8');
  const overridden = new Map([[sub, { text: readFileSync(sub, 'utf8'), prefix: ['trino'] }]]);
  const blocks = hardenBlocks(lint, file, text, overridden, options);
  const trino = blocks.find((b) => b.key === 'trino');
  assert.ok(trino, `a trino block among ${blocks.map((b) => b.key).join(', ')}`);
  assert.equal(trino.line, 19);
  assert.deepEqual(trino.skipped, []);
  assert.equal(hardenTitle(trino), 'Harden trino: 4 fixes (securityContext, resources, imagePullPolicy)');
  assert.deepEqual(trino.fixes.flatMap((f) => f.findings.map((r) => `${r.rule} ${r.object}`)).sort(), [
    'cpu-limit Deployment/trino-coordinator',
    'cpu-request Deployment/trino-worker',
    'image-pull-policy Deployment/trino-coordinator',
    'image-pull-policy Deployment/trino-worker',
    'seccomp-profile Deployment/trino-coordinator',
  ]);
  // Only the trino block changed; the comments at the top stay.
  assert.ok(trino.text.startsWith(text.slice(0, text.indexOf('trino:'))));
  assert.ok(trino.text.endsWith(text.slice(text.indexOf('superset:'))));
  const merged = parse(trino.text) as {
    trino: { securityContext: unknown; image: unknown };
  };
  assert.deepEqual(merged.trino.securityContext, { seccompProfile: { type: 'RuntimeDefault' } });
  assert.deepEqual(merged.trino.image, { tag: 'latest', pullPolicy: 'Always' });
  // The subchart's own file is not touched: the parent's block overrides it.
  writeFileSync(file, trino.text);
  const again = await lintChart(chart, { values: [file] });
  assert.equal(survivors(trino.fixes, again.findings).size, 0);
  assert.equal(findingsGone(trino.fixes, lint.findings, again.findings), 5);
  assert.equal(
    hardenBlocks(again, file, trino.text, overridden, options).find((b) => b.key === 'trino'),
    undefined,
  );
});

test('a subchart values.yaml gets one Harden per top-level block that owns fixable findings', async () => {
  const chart = join(workspace, 'helm', 'charts', 'data-platform');
  const file = join(chart, 'charts', 'dolphinscheduler', 'values.yaml');
  const lint = await lintChart(chart);
  const blocks = hardenBlocks(lint, file, readFileSync(file, 'utf8'), new Map(), options);
  assert.deepEqual(
    blocks.map((b) => hardenTitle(b)),
    [
      'Harden components: 5 fixes (replicas, resources)',
      'Harden master: 1 fix (replicas)',
      'Harden securityContext: 2 fixes (securityContext)',
      'Harden containerSecurityContext: 1 fix (securityContext)',
    ],
  );
});

test('a fix whose finding the check render still has is left out with the reason; the rest is composed and rendered again', async () => {
  const seccomp = fix('Set a seccomp profile', 'seccomp-profile', [
    'trino.securityContext.seccompProfile.type',
    'RuntimeDefault',
  ]);
  const escalation = fix('Set allowPrivilegeEscalation: false', 'allow-privilege-escalation', [
    'trino.securityContext.allowPrivilegeEscalation',
    false,
  ]);
  const composed = composeFixes(values, [seccomp, escalation]);
  const block = { key: 'trino', line: 1, ...composed };
  const rendered: string[] = [];
  // The first render still has the seccomp finding (the template ignores that key); the second has none.
  const still = {
    finding: { rule: 'seccomp-profile', object: { kind: 'Deployment', name: 'trino-worker' } },
    rendered: { path: 'spec' },
  } as unknown as MappedFinding;
  const checked = await checkBlock(values, block, (text) => {
    rendered.push(text);
    return Promise.resolve({ ok: true, findings: rendered.length === 1 ? [still] : [] });
  });
  assert.ok(!('error' in checked));
  assert.deepEqual(
    checked.fixes.map((f) => f.title),
    ['Set allowPrivilegeEscalation: false'],
  );
  assert.deepEqual(
    checked.dropped.map((d) => `${d.fix.title}: ${d.reason}`),
    ['Set a seccomp profile: the rendered chart still reports seccomp-profile on Deployment/trino-worker'],
  );
  assert.equal(rendered.length, 2);
  assert.equal(rendered[0], composed.text);
  assert.equal(checked.text, rendered[1]);
  assert.match(checked.text, /securityContext: \{ ?allowPrivilegeEscalation: false ?\} # empty on purpose/);
  assert.doesNotMatch(checked.text, /seccomp/);
});

test('a check render that fails stops the harden with helm’s message', async () => {
  const block = {
    key: 'trino',
    line: 1,
    ...composeFixes(values, [
      fix('Set allowPrivilegeEscalation: false', 'allow-privilege-escalation', [
        'trino.securityContext.allowPrivilegeEscalation',
        false,
      ]),
    ]),
  };
  const checked = await checkBlock(values, block, () =>
    Promise.resolve({ ok: false, error: 'template: trino/templates/x.yaml:3: bad' }),
  );
  assert.deepEqual(checked, {
    error: 'the chart no longer renders (template: trino/templates/x.yaml:3: bad)',
  });
});
