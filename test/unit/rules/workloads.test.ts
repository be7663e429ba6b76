/**
 * Focused tests for sections C–F of RULES.md (images, resources, probes, availability): option
 * handling, Kubernetes defaulting the rules reason about, port and selector matching,
 * cross-resource lookups through the scope index, and when a fix is withheld.
 */
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyFixes } from '../../../src/core/fixes/apply';
import type { AnalyseOptions } from '../../../src/core/rules/engine';
import { budgetCount } from '../../../src/core/rules/catalog/availability-pdb';
import { defaultPullPolicy, parseImage } from '../../../src/core/rules/catalog/images';
import { probeTarget } from '../../../src/core/rules/catalog/probes';
import { allRules } from '../../../src/core/rules/registry';
import type { Finding } from '../../../src/core/rules/types';

import { findings as allFindings, lineOf, scope } from '../support/rules';

// Opt-in rules are switched on here: each test is about one rule.
const findings = (text: string, rule: string, opts: Partial<AnalyseOptions> = {}): Finding[] =>
  allFindings(text, rule, { severities: { [rule]: 'warning' }, ...opts });

const pod = (containers: string, spec = '') => `apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: data-platform
spec:
${spec}  containers:
${containers}`;

describe('images', () => {
  test('parseImage: a registry port is not a tag; digests and tags split correctly', () => {
    assert.deepEqual(parseImage('harbor.254carbon.com:5000/library/portal-services'), {
      registry: 'harbor.254carbon.com:5000',
      repository: 'library/portal-services',
    });
    assert.deepEqual(parseImage('localhost:5000/app:1.2'), {
      registry: 'localhost:5000',
      repository: 'app',
      tag: '1.2',
    });
    assert.deepEqual(parseImage('bitnami/redis:7.2.5@sha256:abc'), {
      repository: 'bitnami/redis',
      tag: '7.2.5',
      digest: 'sha256:abc',
    });
    assert.equal(parseImage('redis').tag, undefined);
  });

  test('defaultPullPolicy follows API server defaulting', () => {
    assert.equal(defaultPullPolicy(parseImage('redis')), 'Always');
    assert.equal(defaultPullPolicy(parseImage('redis:latest')), 'Always');
    assert.equal(defaultPullPolicy(parseImage('redis:7.2.5')), 'IfNotPresent');
    assert.equal(defaultPullPolicy(parseImage('redis@sha256:abc')), 'IfNotPresent');
  });

  test('image-tag-pinned: requireDigest flags tag-only images, accepts sha256 digests', () => {
    const text = pod(`    - {name: tag, image: "bitnami/redis:7.2.5"}
    - {name: digest, image: "grafana/grafana@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
    - {name: other-digest, image: "grafana/grafana@sha512:00ff"}
`);
    assert.deepEqual(findings(text, 'image-tag-pinned'), []);
    const strict = findings(text, 'image-tag-pinned', { options: { requireDigest: true } });
    assert.deepEqual(
      strict.map((f) => f.container),
      ['tag', 'other-digest'],
    );
    assert.match(strict[0]?.message ?? '', /pinned by tag only \(:7\.2\.5\)/);
    assert.ok(
      strict.every((f) => !f.fix),
      'no text fix: a placeholder tag would not deploy',
    );
  });

  test('image-pull-policy: digest-pinned images only need IfNotPresent; the fix title says so', () => {
    const text = pod(`    - name: agent
      image: grafana/agent@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
      imagePullPolicy: Never
`);
    const [f] = findings(text, 'image-pull-policy');
    assert.equal(f?.fix?.title, 'Set imagePullPolicy: IfNotPresent');
    assert.match(f?.message ?? '', /ErrImageNeverPull/);
  });

  test('allowed-registries: Docker Hub aliases and library/ paths normalise, prefixes match on path segments', () => {
    const text = pod(`    - {name: official, image: "redis:7.2.5"}
    - {name: alias, image: "index.docker.io/library/redis:7.2.5"}
    - {name: bitnami, image: "bitnami/redis:7.2.5"}
    - {name: bitnamilegacy, image: "docker.io/bitnamilegacy/redis:7.2.5"}
`);
    const flagged = (allowed: string[]) =>
      findings(text, 'allowed-registries', { options: { allowedRegistries: allowed } }).map(
        (f) => f.container,
      );
    assert.deepEqual(flagged(['docker.io/library']), ['bitnami', 'bitnamilegacy']);
    assert.deepEqual(flagged(['https://docker.io/bitnami/']), ['official', 'alias', 'bitnamilegacy']);
    assert.deepEqual(flagged(['registry-1.docker.io']), []);
    assert.deepEqual(flagged([]), [], 'no allow-list, no finding');
  });
});

describe('resources', () => {
  test('memory-request copies an existing limit (what the API server does anyway)', () => {
    const text = pod(`    - name: beat
      image: apache/superset:4.0.2
      resources:
        limits: {memory: 768Mi}
`);
    const [f] = findings(text, 'memory-request');
    assert.match(f?.message ?? '', /silently uses its limit \(768Mi\)/);
    const fixed = applyFixes(text, { rules: ['memory-request'] }, { rules: allRules }).text;
    assert.match(fixed, / {8}requests:\n {10}memory: 768Mi {2}# TODO: set from observed usage\n/);
  });

  test('pod-level resources cover containers without their own (cpu/memory only)', () => {
    const text = pod(
      `    - {name: shell, image: "apache/spark:3.5.1"}
`,
      `  resources:
    requests: {cpu: "1", memory: 2Gi}
    limits: {memory: 4Gi}
`,
    );
    for (const rule of ['cpu-request', 'memory-request', 'memory-limit'])
      assert.deepEqual(findings(text, rule), [], rule);
    assert.equal(findings(text, 'cpu-limit').length, 1);
    assert.equal(
      findings(text, 'ephemeral-storage').length,
      1,
      'pod-level resources have no ephemeral-storage',
    );
  });

  test('ephemeral-storage: "Fix all" sets both halves in one step, and never a request above the limit', () => {
    const text = pod(`    - name: a
      image: apache/spark:3.5.1
      resources:
        limits:
          ephemeral-storage: 4Gi
    - name: b
      image: apache/spark:3.5.1
      resources: {}
`);
    const result = applyFixes(
      text,
      { classes: ['scaffold'], rules: ['ephemeral-storage'] },
      { rules: allRules, severities: { 'ephemeral-storage': 'warning' } },
    );
    assert.equal(result.applied.length, 2);
    assert.match(
      result.text,
      / {8}limits:\n {10}ephemeral-storage: 4Gi\n {8}requests:\n {10}ephemeral-storage: 1Gi {2}# TODO/,
    );
    assert.match(
      result.text,
      /resources: \{requests: \{ephemeral-storage: 1Gi\}, limits: \{ephemeral-storage: 2Gi\}\}/,
    );
    assert.deepEqual(findings(result.text, 'ephemeral-storage'), []);
  });

  test('memory-request-equals-limit compares quantities, not strings, and skips unparseable values', () => {
    const text = pod(`    - name: same
      image: trinodb/trino:435
      resources: {requests: {memory: 1024Mi}, limits: {memory: 1Gi}}
    - name: odd
      image: trinodb/trino:435
      resources: {requests: {memory: lots}, limits: {memory: 1Gi}}
    - name: differs
      image: trinodb/trino:435
      resources: {requests: {memory: 512Mi}, limits: {memory: 1G}}
`);
    assert.deepEqual(
      findings(text, 'memory-request-equals-limit').map((f) => f.container),
      ['differs'],
    );
  });
});

describe('probes', () => {
  const port = (name: string | undefined, number: number | undefined, protocol = 'TCP') => ({
    name,
    number,
    protocol,
  });

  test('probeTarget: web ports get httpGet (HTTPS on TLS ports), app TCP ports beat metrics ports', () => {
    assert.deepEqual(probeTarget([port('http', 8088)]), { port: 'http', http: true, tls: false });
    assert.deepEqual(probeTarget([port(undefined, 8443)]), { port: 8443, http: true, tls: true });
    assert.deepEqual(probeTarget([port('https', 9443)]), { port: 'https', http: true, tls: true });
    assert.deepEqual(probeTarget([port('metrics', 9404), port('tcp-clients', 9092)]), {
      port: 'tcp-clients',
      http: false,
      tls: false,
    });
    assert.deepEqual(probeTarget([port('metrics', 5556)]), { port: 'metrics', http: true, tls: false });
    // First named port, else the first port.
    assert.deepEqual(probeTarget([port(undefined, 2181), port('client', 2182)]), {
      port: 'client',
      http: false,
      tls: false,
    });
    assert.equal(probeTarget([port(undefined, 9125, 'UDP')]), undefined);
    assert.equal(probeTarget([]), undefined);
  });

  test('no probeable port: the finding stays, the fix is withheld', () => {
    const text = pod(`    - name: statsd
      image: prom/statsd-exporter:v0.27.1
      ports: [{containerPort: 9125, protocol: UDP}]
`);
    for (const rule of ['readiness-probe', 'liveness-probe']) {
      const [f] = findings(text, rule);
      assert.ok(f, rule);
      assert.equal(f.fix, undefined, rule);
    }
  });

  test('a scaffolded readiness probe does not make liveness and readiness identical', () => {
    const text = pod(`    - name: web
      image: apache/superset:4.0.2
      ports: [{name: http, containerPort: 8088}]
`);
    const fixed = applyFixes(
      text,
      { rules: ['readiness-probe', 'liveness-probe'] },
      { rules: allRules },
    ).text;
    assert.deepEqual(findings(fixed, 'readiness-probe'), []);
    assert.deepEqual(findings(fixed, 'liveness-probe'), []);
    assert.deepEqual(findings(fixed, 'probes-identical'), []);
    assert.deepEqual(findings(fixed, 'probe-port-exists'), []);
  });

  test('probe-port-exists: quoted numbers are numbers; a probe against another host is skipped', () => {
    const text = pod(`    - name: trino
      image: trinodb/trino:435
      ports: [{name: http, containerPort: 8080}]
      readinessProbe: {tcpSocket: {port: "8080"}}
      livenessProbe: {httpGet: {host: other.svc, port: admin}}
      startupProbe: {tcpSocket: {port: "9000"}}
`);
    const found = findings(text, 'probe-port-exists');
    assert.deepEqual(
      found.map((f) => f.data?.['probe']),
      ['startupProbe'],
    );
    assert.match(found[0]?.message ?? '', /if nothing listens there/);
  });

  test('probes-identical ignores key order, quoting and flow style, but not a different threshold', () => {
    const same = pod(`    - name: web
      image: apache/superset:4.0.2
      livenessProbe: {httpGet: {path: /health, port: 8088}, periodSeconds: 10}
      readinessProbe:
        periodSeconds: 10
        httpGet:
          port: 8088
          path: '/health'
`);
    assert.equal(findings(same, 'probes-identical').length, 1);
    const different = same.replace('periodSeconds: 10}', 'periodSeconds: 10, failureThreshold: 6}');
    assert.deepEqual(findings(different, 'probes-identical'), []);
  });
});

const deployment = (name: string, spec: string, ns = 'data-platform') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
${spec}  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
        - name: app
          image: apache/dolphinscheduler-api:3.2.1
`;

const hpa = (target: string, min: number, max = 8, ns = 'data-platform') => `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${target}
  namespace: ${ns}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: ${target}}
  minReplicas: ${min}
  maxReplicas: ${max}
`;

describe('availability', () => {
  test('min-replicas: an HPA in another file of the workspace counts, and the message says where we looked', () => {
    const api = deployment('dolphinscheduler-api', '  replicas: 1\n');
    const [alone] = findings(api, 'min-replicas');
    assert.match(alone?.message ?? '', /searched: file/);
    assert.equal(alone?.scope, 'file');
    assert.deepEqual(
      findings(api, 'min-replicas', scope('workspace', api, hpa('dolphinscheduler-api', 2))),
      [],
    );
    // An HPA for the same name in another namespace does not count.
    const elsewhere = findings(
      api,
      'min-replicas',
      scope('workspace', api, hpa('dolphinscheduler-api', 2, 8, 'staging')),
    );
    assert.equal(elsewhere[0]?.scope, 'workspace');
  });

  test('min-replicas honours the minReplicas option and never flags replicas: 0', () => {
    const two = deployment('trino-worker', '  replicas: 2\n');
    assert.deepEqual(findings(two, 'min-replicas'), []);
    assert.equal(findings(two, 'min-replicas', { options: { minReplicas: 3 } }).length, 1);
    const fixed = applyFixes(
      two,
      { rules: ['min-replicas'] },
      { rules: allRules, options: { minReplicas: 3 } },
    ).text;
    assert.match(fixed, /\n {2}replicas: 3\n/);
    assert.deepEqual(
      findings(deployment('redis', '  replicas: 0\n'), 'min-replicas', { options: { minReplicas: 3 } }),
      [],
    );
  });

  test('replicas-with-hpa and pod-spread see the HPA: deleting replicas does not silence pod-spread', () => {
    const text = `${deployment('dolphinscheduler-api', '  replicas: 6\n')}---\n${hpa('dolphinscheduler-api', 3)}`;
    assert.equal(findings(text, 'replicas-with-hpa').length, 1);
    const fixed = applyFixes(text, { rules: ['replicas-with-hpa'] }, { rules: allRules }).text;
    assert.ok(!/replicas: 6/.test(fixed));
    const [spread] = findings(fixed, 'pod-spread');
    assert.match(
      spread?.message ?? '',
      /scaled by HorizontalPodAutoscaler "dolphinscheduler-api" \(searched: file\)/,
    );
  });

  test('budgetCount rounds percentages up, like the disruption controller', () => {
    assert.equal(budgetCount('50%', 1), 1);
    assert.equal(budgetCount('50%', 7), 4);
    assert.equal(budgetCount('0%', 5), 0);
    assert.equal(budgetCount(2, 5), 2);
    assert.equal(budgetCount('two', 5), undefined);
  });

  const pdb = (name: string, policy: string) => `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${name}-pdb
  namespace: data-platform
spec:
  ${policy}
  selector: {matchLabels: {app: ${name}}}
  unhealthyPodEvictionPolicy: AlwaysAllow
`;

  test('pdb-blocks-disruption: minAvailable equal to the HPA floor blocks drains at that scale (unlike Polaris)', () => {
    const api = deployment('dolphinscheduler-api', '');
    const budget = pdb('dolphinscheduler-api', 'minAvailable: 2');
    assert.equal(
      findings(budget, 'pdb-blocks-disruption', scope('folder', budget, api, hpa('dolphinscheduler-api', 2)))
        .length,
      1,
    );
    assert.deepEqual(
      findings(budget, 'pdb-blocks-disruption', scope('folder', budget, api, hpa('dolphinscheduler-api', 3))),
      [],
    );
    // Without the HPA the Deployment runs its default single replica: blocked as well.
    const [single] = findings(budget, 'pdb-blocks-disruption', scope('folder', budget, api));
    assert.match(single?.message ?? '', /runs 1: .*searched: folder/);
  });

  test('pdb-blocks-disruption: pods of every selected workload count together', () => {
    const a = deployment('trino', '  replicas: 1\n').replace('name: trino\n', 'name: trino-coordinator\n');
    const b = deployment('trino', '  replicas: 2\n').replace('name: trino\n', 'name: trino-worker\n');
    const budget = pdb('trino', 'minAvailable: 2');
    assert.deepEqual(findings(budget, 'pdb-blocks-disruption', scope('folder', budget, a, b)), []);
    const strict = pdb('trino', 'minAvailable: 3');
    const [f] = findings(strict, 'pdb-blocks-disruption', scope('folder', strict, a, b));
    assert.match(f?.message ?? '', /Deployment "trino-coordinator" runs 1, Deployment "trino-worker" runs 2/);
  });

  test('pdb-blocks-disruption quick fix is class none: never part of Fix all', () => {
    const text = pdb('redis', 'maxUnavailable: 0');
    const [f] = findings(text, 'pdb-blocks-disruption');
    assert.equal(f?.fix?.class, 'none');
    const fixAll = applyFixes(text, { classes: ['auto', 'harden', 'scaffold'] }, { rules: allRules });
    assert.equal(fixAll.text, text);
  });

  test('hpa-min-replicas: the fix is withheld when it would leave min = max', () => {
    const [narrow] = findings(hpa('superset-worker', 1, 2), 'hpa-min-replicas');
    assert.ok(narrow);
    assert.equal(narrow.fix, undefined);
    const [wide] = findings(hpa('superset-worker', 1, 3), 'hpa-min-replicas');
    // Raising the floor runs more pods: a behaviour change, offered with a preview.
    assert.equal(wide?.fix?.class, 'harden');
  });

  test('rolling-update-strategy: an explicit Recreate is reported without a fix; an unstated strategy is the default', () => {
    const text = `${deployment('minio', '  strategy:\n    type: Recreate   # RWO volume\n')}---\n${deployment('superset-web', '  replicas: 2\n')}`;
    const found = findings(text, 'rolling-update-strategy');
    assert.deepEqual(
      found.map((f) => [lineOf(text, f), Boolean(f.fix)]),
      [[8, false]],
    );
  });

  test('templated values are neither judged nor fixed', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: superset
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels: {app: superset}
  template:
    metadata:
      labels: {app: superset}
    spec:
      containers:
        - name: superset
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          imagePullPolicy: {{ .Values.image.pullPolicy }}
`;
    for (const rule of ['min-replicas', 'pod-spread', 'image-tag-pinned', 'image-pull-policy'])
      assert.deepEqual(findings(text, rule), [], rule);
  });
});
