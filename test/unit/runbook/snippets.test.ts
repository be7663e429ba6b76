import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDocument, isMap, stringify } from 'yaml';
import { PLATFORM_CRDS } from '../../../scenarios/crds';
import { repoRoot } from '../../../scripts/harness/paths';
import { analyseText } from '../../../src/core/rules/engine';
import { allRules } from '../../../src/core/rules/registry';
import { indexFile } from '../../../src/core/rules/scope';
import { parseManifestFile } from '../../../src/core/yaml/parse';
import { expandDefaults, loadSnippets, snippetById, snippets } from '../../../src/core/runbook/snippets';

/** The prefixes the product promises (README, runbook `snippets:` lists). */
const PROMISED = [
  'k8s-quota',
  'k8s-limitrange',
  'k8s-pdb-min',
  'k8s-pdb-max',
  'k8s-netpol-deny',
  'k8s-netpol-db-egress',
  'k8s-probes',
  'k8s-anti-affinity',
  'k8s-spread',
  'k8s-securitycontext',
  'k8s-secret-postgres',
  'k8s-secret-s3',
  'k8s-secret-api',
  'k8s-configmap-connector',
  'k8s-cronjob-etl',
  'argocd-application',
  'kyverno-policyexception',
  'velero-schedule',
];

/**
 * Info findings we accept on full-document snippets, each for a reason: a snippet is one object,
 * so file-scope cross-resource rules cannot see its neighbours.
 */
const ACCEPTED_INFO: Readonly<Record<string, readonly string[]>> = {
  // The CronJob's pods get a NetworkPolicy from k8s-netpol-db-egress, a separate snippet; a
  // dedicated ServiceAccount is not created by the snippet (pods would fail to be created if it
  // named one that does not exist), so the token mount is disabled instead. The brief asks for
  // ttlSecondsAfterFinished in the job template; job-ttl (info) prefers the history limits alone.
  'k8s-cronjob-etl': ['default-service-account', 'job-ttl', 'network-policy-missing'],
};

test('the snippets file is valid VS Code snippet JSON with the promised prefixes', () => {
  const raw = JSON.parse(
    readFileSync(join(repoRoot, 'snippets', 'kubernetes.code-snippets.json'), 'utf8'),
  ) as Record<string, { prefix: unknown; body: unknown; description: unknown }>;
  for (const [name, s] of Object.entries(raw)) {
    assert.equal(typeof s.prefix, 'string', name);
    assert.ok(Array.isArray(s.body) && s.body.every((l) => typeof l === 'string'), name);
    assert.equal(typeof s.description, 'string', name);
    // Tabs would not follow the editor's indentation settings in YAML.
    assert.ok(!s.body.some((l) => l.includes('\t')), `${name} uses tabs`);
  }
  assert.deepEqual(snippets.map((s) => s.id).sort(), [...PROMISED].sort());
  assert.equal(new Set(snippets.map((s) => s.id)).size, snippets.length, 'ids are unique');
  assert.equal(snippetById('k8s-pdb-min')?.kind, 'PodDisruptionBudget');
  assert.equal(snippetById('nope'), undefined);
});

test('expandDefaults: placeholders, mirrors, choices, nesting, escapes', () => {
  assert.equal(
    expandDefaults('name: ${1:api}-pdb\nlabel: $1\nalso: ${1}'),
    'name: api-pdb\nlabel: api\nalso: api',
  );
  assert.equal(expandDefaults('a: ${2|Never,OnFailure|} b: $2'), 'a: Never b: Never');
  assert.equal(expandDefaults('x: ${1:outer ${2:inner}} y: $2$0'), 'x: outer inner y: inner');
  assert.equal(expandDefaults('price: \\$5 and \\} and ${1:a\\}b}'), 'price: $5 and } and a}b');
  assert.equal(expandDefaults('mirror first: $3 then ${3:def}'), 'mirror first: def then def');
  assert.equal(expandDefaults('${1|a\\,b,c|} $TM_FILENAME ${TM_SELECTED_TEXT:sel} ${2}'), 'a,b  sel ');
  assert.equal(expandDefaults('cost: $ 5, ${oops'), 'cost: $ 5, ${oops');
});

test('loadSnippets tolerates odd entries and classifies documents and fragments', () => {
  const loaded = loadSnippets({
    broken: { body: ['x'] },
    full: { prefix: ['a', 'b'], body: 'apiVersion: v1\nkind: ConfigMap', description: 'd' },
    frag: { prefix: 'f', body: ['livenessProbe:', '  exec: {}'] },
  });
  assert.deepEqual(
    loaded.map((s) => [s.id, s.fullDocument, s.kind ?? s.insertInto ?? '-']),
    [
      ['a', true, 'ConfigMap'],
      ['f', false, 'container'],
    ],
  );
  assert.deepEqual(loadSnippets(null), []);
});

/** The test cluster's CRDs (Argo CD, Kyverno, Velero…): custom-resource snippets are validated by them. */
const clusterCrds = indexFile(
  parseManifestFile(PLATFORM_CRDS.map((c) => stringify(c)).join('---\n')),
  'crds.yaml',
);

for (const snippet of snippets.filter((s) => s.fullDocument)) {
  test(`full-document snippet ${snippet.id} parses and has no error or warning findings`, () => {
    const text = `${expandDefaults(snippet.body)}\n`;
    assert.doesNotMatch(text, /\$\{?\d/, 'every tab stop expanded');
    const doc = parseDocument(text);
    assert.deepEqual(doc.errors, []);
    assert.ok(isMap(doc.contents));
    const own = indexFile(parseManifestFile(text), 'snippet.yaml');
    const analysis = analyseText(text, {
      rules: allRules,
      index: { scope: 'file', objects: [...own, ...clusterCrds] },
    });
    assert.deepEqual(analysis.problems, []);
    const loud = analysis.findings.filter((f) => f.severity !== 'info').map((f) => `${f.rule}: ${f.message}`);
    assert.deepEqual(loud, []);
    const infos = analysis.findings.map((f) => f.rule).sort();
    assert.deepEqual(infos, [...(ACCEPTED_INFO[snippet.id] ?? [])].sort());
  });
}

/** A Deployment with an insertion point inside its container or pod spec, indented as VS Code would. */
function deploymentWith(fragment: string, into: 'container' | 'podSpec'): string {
  const indent = (n: number) =>
    fragment
      .split('\n')
      .map((l) => (l ? ' '.repeat(n) + l : l))
      .join('\n');
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: dolphinscheduler-api',
    '  namespace: data-platform',
    'spec:',
    '  replicas: 2',
    '  selector:',
    '    matchLabels:',
    '      app: dolphinscheduler-api',
    '  template:',
    '    metadata:',
    '      labels:',
    '        app: dolphinscheduler-api',
    '    spec:',
    ...(into === 'podSpec' ? [indent(6)] : []),
    '      containers:',
    '        - name: api',
    '          image: apache/dolphinscheduler-api:3.2.2',
    // A port: containers without one are not asked for probes.
    '          ports: [{name: http, containerPort: 12345}]',
    ...(into === 'container' ? [indent(10)] : []),
    '',
  ].join('\n');
}

for (const snippet of snippets.filter((s) => !s.fullDocument)) {
  test(`fragment snippet ${snippet.id} parses inside a ${snippet.insertInto ?? '?'} and clears the matching findings`, () => {
    assert.ok(snippet.insertInto, 'fragments say where they go');
    const text = deploymentWith(expandDefaults(snippet.body), snippet.insertInto);
    const doc = parseDocument(text);
    assert.deepEqual(doc.errors, []);
    const analysis = analyseText(text, { rules: allRules });
    assert.deepEqual(
      analysis.findings.filter((f) => f.rule === 'schema-invalid').map((f) => f.message),
      [],
      'valid Kubernetes fields',
    );
    const before = new Set(
      analyseText(deploymentWith('', 'container'), { rules: allRules }).findings.map((f) => f.rule),
    );
    const after = new Set(analysis.findings.map((f) => f.rule));
    const cleared: Record<string, string[]> = {
      'k8s-probes': ['liveness-probe', 'readiness-probe'],
      'k8s-anti-affinity': ['pod-spread'],
      'k8s-spread': ['pod-spread'],
      'k8s-securitycontext': [
        'allow-privilege-escalation',
        'run-as-non-root',
        'drop-all-capabilities',
        'seccomp-profile',
      ],
    };
    for (const rule of cleared[snippet.id] ?? []) {
      assert.ok(before.has(rule), `${rule} fires without the fragment`);
      assert.ok(!after.has(rule), `${rule} is cleared by ${snippet.id}`);
    }
  });
}

test('secret snippets carry placeholders, never sample credentials, and use stringData', () => {
  for (const snippet of snippets.filter((s) => s.kind === 'Secret')) {
    const doc = parseDocument(expandDefaults(snippet.body)).toJS() as {
      stringData?: Record<string, string>;
      data?: unknown;
    };
    assert.equal(doc.data, undefined, snippet.id);
    const secretish = Object.entries(doc.stringData ?? {}).filter(([k]) =>
      /password|secret|token|key|username/i.test(k),
    );
    assert.ok(secretish.length > 0, snippet.id);
    for (const [k, v] of secretish) assert.equal(v, 'CHANGE-ME', `${snippet.id} ${k}`);
  }
});
