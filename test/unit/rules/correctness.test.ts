/**
 * Focused tests for section G of RULES.md: the schema validator (against the real API server's
 * OpenAPI), cron parsing as the CronJob controller does it, version-dependent severities and
 * fixes, scope-dependent cross-resource findings, and fixes whose edits must stay minimal.
 * Expected verdicts for schedules, quantities, labels and port names were checked against the
 * kube-apiserver 1.36 test cluster with server-side dry runs.
 */
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseAllDocuments, type YAMLMap } from 'yaml';
import { applyFixes } from '../../../src/core/fixes/apply';
import { parseCronSchedule, validCronSchedule } from '../../../src/core/rules/catalog/correctness-cron';
import { labelKeyProblem, labelValueProblem } from '../../../src/core/rules/catalog/correctness-objects';
import { validPortName } from '../../../src/core/rules/catalog/correctness-references';
import { analyseText } from '../../../src/core/rules/engine';
import { allRules } from '../../../src/core/rules/registry';
import { hasSchema, schemaVersion, validateObject } from '../../../src/core/schema/validate';
import { parseManifestFile } from '../../../src/core/yaml/parse';

import { findings, lineOf, scope } from '../support/rules';

/** Schema issues of the first document, as `code path` strings. */
function schemaIssues(text: string): string[] {
  const file = parseManifestFile(text);
  const doc = file.documents[0];
  assert.ok(doc?.root);
  const root: YAMLMap = doc.root;
  const apiVersion = String(root.get('apiVersion'));
  const kind = String(root.get('kind'));
  return validateObject(root, apiVersion, kind, doc.doc).map((i) => `${i.code} ${i.path}`);
}

const pod = (spec: string) => `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
${spec}`;

describe('schema validation', () => {
  test('the schema is the API server build we test against', () => {
    assert.match(schemaVersion, /^v1\.36\./);
    assert.ok(hasSchema('apps/v1', 'Deployment'));
    assert.ok(hasSchema('v1', 'Pod'));
    assert.ok(!hasSchema('extensions/v1beta1', 'Deployment'), 'removed versions are not in the schema');
    assert.ok(!hasSchema('kafka.strimzi.io/v1beta2', 'Kafka'));
  });

  test('unknown fields: typo suggestion and mis-indentation hint', () => {
    const text = pod(`  containers:
    - name: a
      image: busybox
      imagePullPolcy: Always
      resources:
        limits: {memory: 1Gi}
        livenessProbe: {exec: {command: [true]}}`);
    const messages = findings(text, 'schema-invalid').map((f) => f.message);
    assert.equal(messages.length, 2);
    assert.match(
      messages[0] ?? '',
      /unknown field "spec\.containers\[0\]\.imagePullPolcy" \(did you mean "imagePullPolicy"\?\)/,
    );
    assert.match(
      messages[1] ?? '',
      /"livenessProbe" is a field of "spec\.containers\[0\]": check the indentation/,
    );
  });

  test('JSON types: integers, strings, int-or-string, quantities, booleans', () => {
    assert.deepEqual(
      schemaIssues(
        pod(`  terminationGracePeriodSeconds: 30.0
  activeDeadlineSeconds: 30.5
  containers:
    - name: a
      image: busybox
      ports: [{containerPort: "8080"}]
      env: [{name: X, value: 3}, {name: QUOTED, value: "3"}]
      resources: {requests: {cpu: 0.5, memory: 1e9}, limits: {memory: 512MB, cpu: true}}
      readinessProbe: {httpGet: {port: http}, periodSeconds: 10}
      livenessProbe: {httpGet: {port: 8080.5}}
      stdin: "true"`),
      ),
      [
        'wrong-type spec.activeDeadlineSeconds',
        'wrong-type spec.containers[0].ports[0].containerPort',
        'wrong-type spec.containers[0].env[0].value',
        'bad-quantity spec.containers[0].resources.limits.memory',
        'wrong-type spec.containers[0].resources.limits.cpu',
        'wrong-type spec.containers[0].livenessProbe.httpGet.port',
        'wrong-type spec.containers[0].stdin',
      ],
    );
  });

  test('unquoted yes/no: an error where a string is expected, a warning where a boolean is', () => {
    const text = pod(`  hostNetwork: no
  containers:
    - name: a
      image: busybox
      env: [{name: FEATURE, value: on}, {name: QUOTED, value: "on"}]`);
    const found = findings(text, 'schema-invalid').map((f) => `${f.severity} ${String(f.data?.['path'])}`);
    assert.deepEqual(found, ['warning spec.hostNetwork', 'error spec.containers[0].env[0].value']);
  });

  test('enums with a case hint; status is not checked', () => {
    const text = pod(`  restartPolicy: onFailure
  containers: [{name: a, image: busybox}]
status:
  phase: Bogus`);
    const [finding, ...rest] = findings(text, 'schema-invalid');
    assert.equal(rest.length, 0);
    assert.match(
      finding?.message ?? '',
      /must be one of "Always", "Never", "OnFailure", not "onFailure" \(did you mean "OnFailure"\?\)/,
    );
  });

  test('required fields inside list items; not top-level ones a kustomize patch omits', () => {
    assert.deepEqual(
      schemaIssues(`apiVersion: apps/v1
kind: Deployment
metadata: {name: patch}
spec:
  template:
    spec:
      containers:
        - image: busybox
          ports: [{name: http}]
          env: [{valueFrom: {secretKeyRef: {name: s}}}]`),
      [
        'missing-required spec.template.spec.containers[0].ports[0]',
        'missing-required spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef',
        'missing-required spec.template.spec.containers[0].env[0]',
        'missing-required spec.template.spec.containers[0]',
      ],
    );
  });

  test('merge keys, patch directives, null values and prototype-named keys', () => {
    assert.deepEqual(
      schemaIssues(
        pod(`  $setElementOrder/containers: [{name: a}]
  nodeSelector: null
  containers:
    - &base {name: a, image: busybox, resources: {limits: {memory: 1Gi}}}
    - <<: *base
      name: b
      constructor: x`),
      ),
      ['unknown-field spec.containers[1].constructor'],
    );
  });

  test('kind: List items are validated with their own apiVersion and kind', () => {
    const text = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: a}
    data: {enabled: true}
  - apiVersion: kafka.strimzi.io/v1beta2
    kind: KafkaTopic
    metadata: {name: t}
    spec: {anything: goes}`;
    const found = findings(text, 'schema-invalid');
    // The KafkaTopic has no CRD in scope: only listed, as info, at its kind.
    assert.deepEqual(
      found.map((f) => [lineOf(text, f), f.data?.['path'] ?? f.data?.['code']]),
      [
        [7, 'data.enabled'],
        [9, 'no-schema'],
      ],
    );
  });

  test('Helm templates: template output is skipped, literal typos are still reported', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "superset.fullname" . }}
  labels:
    {{- include "superset.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels: {app: superset}
  template:
    metadata:
      labels: {app: superset}
    spec:
      containers:
        - {{- include "superset.container" . | nindent 10 }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          imagePullPolcy: {{ .Values.image.pullPolicy }}
          ports:
            - containerPort: {{ .Values.service.port }}
`;
    const found = findings(text, 'schema-invalid');
    assert.deepEqual(
      found.map((f) => String(f.data?.['path'])),
      ['spec.template.spec.containers[0].imagePullPolcy'],
    );
  });

  test('stops after 25 issues per object', () => {
    const env = Array.from({ length: 40 }, (_, i) => `        - {name: V${i}, value: ${i}}`).join('\n');
    const text = pod(`  containers:
    - name: a
      image: busybox
      env:
${env}`);
    assert.equal(findings(text, 'schema-invalid').length, 25);
  });

  test('2,000 valid Deployments give no schema issue', () => {
    const deployment = (i: number) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: d${i}, namespace: data-platform, labels: {app: d${i}}}
spec:
  replicas: 2
  selector: {matchLabels: {app: d${i}}}
  template:
    metadata: {labels: {app: d${i}}}
    spec:
      containers:
        - name: app
          image: apache/superset:4.0.2
          ports: [{name: http, containerPort: 8088}]
          env: [{name: A, value: "1"}, {name: B, valueFrom: {secretKeyRef: {name: s, key: k}}}]
          resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {memory: 512Mi}}
          readinessProbe: {httpGet: {path: /health, port: http}}
`;
    const docs = parseAllDocuments(Array.from({ length: 2000 }, (_, i) => deployment(i)).join('---\n'));
    // Its speed is part of `npm run bench` (the analyser corpus), not a timing assertion here.
    let issues = 0;
    for (const doc of docs)
      issues += validateObject(doc.contents as YAMLMap, 'apps/v1', 'Deployment', doc).length;
    assert.equal(issues, 0);
  });
});

describe('cron schedules (verdicts checked against kube-apiserver 1.36)', () => {
  test('accepted', () => {
    for (const schedule of [
      '0 2 * * *',
      '*/15 8-18 ? JAN-DEC/2 mon-fri',
      '0-30/10 8-18 * 1-6 MON-FRI',
      '5/15 * * * *',
      '? 0 * * *',
      '0 0 1,15 */2 0',
      '0 0 1 jan,jul mon',
      '@daily',
      '@annually',
      '@midnight',
      '@every 1h30m',
    ])
      assert.ok(validCronSchedule(schedule), schedule);
  });

  test('rejected, with the API server reason', () => {
    const cases: [string, RegExp][] = [
      ['0 25 * * *', /end of range \(25\) above maximum \(23\)/],
      ['0 0 * * 7', /end of range \(7\) above maximum \(6\)/],
      ['0 0 0 * *', /beginning of range \(0\) below minimum \(1\)/],
      ['0 0 * * 5-1', /beginning of range \(5\) beyond end of range \(1\)/],
      ['*/0 * * * *', /step of range should be a positive number/],
      ['0 0 0 * * *', /expected exactly 5 fields, found 6/],
      ['H 0 * * *', /failed to parse int from H/],
      ['@reboot', /unrecognized descriptor/],
      ['@every 5x', /failed to parse duration/],
      ['', /empty spec string/],
    ];
    for (const [schedule, reason] of cases)
      assert.match(parseCronSchedule(schedule).error ?? '', reason, schedule);
  });

  test('a TZ=/CRON_TZ= prefix parses but is reported separately', () => {
    assert.deepEqual(parseCronSchedule('CRON_TZ=Europe/Berlin 30 6 * * MON-FRI'), {
      timeZone: { zone: 'Europe/Berlin', prefix: 'CRON_TZ=Europe/Berlin ' },
    });
    assert.ok(validCronSchedule('TZ=UTC 0 * * * *'));
  });
});

const cronJob = (schedule: string) => `apiVersion: batch/v1
kind: CronJob
metadata: {name: etl, namespace: data-platform}
spec:
  schedule: "${schedule}"
  concurrencyPolicy: Forbid
  startingDeadlineSeconds: 200
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: etl, image: "python:3.10-slim"}]
`;

describe('cronjob-policy', () => {
  test('time zone in the schedule: severity and fix depend on the target Kubernetes version', () => {
    const text = cronJob('TZ=UTC 0 2 * * *');
    const at = (kubernetesVersion: string) =>
      findings(text, 'cronjob-policy', { options: { kubernetesVersion } })[0];
    assert.equal(at('1.36')?.severity, 'error');
    assert.ok(at('1.36')?.fix);
    assert.equal(at('1.28')?.severity, 'info');
    assert.ok(at('1.28')?.fix);
    assert.equal(at('1.26')?.fix, undefined, 'spec.timeZone does not exist before 1.27');
  });

  test('the time-zone fix keeps the quotes and comment of the schedule', () => {
    const text = cronJob('CRON_TZ=America/Chicago */5 * * * *').replace('"\n', '"  # CME hours\n');
    const { text: fixed } = applyFixes(text, { rules: ['cronjob-policy'] }, { rules: allRules });
    assert.match(fixed, /schedule: "\*\/5 \* \* \* \*" {2}# CME hours\n/);
    assert.match(fixed, /\n {2}timeZone: America\/Chicago\n/);
    assert.deepEqual(findings(fixed, 'cronjob-policy'), []);
  });

  test('one finding per missing key, each with its own data.key', () => {
    const text = `apiVersion: batch/v1
kind: CronJob
metadata: {name: etl}
spec:
  schedule: "@hourly"
  jobTemplate: {spec: {template: {spec: {containers: [{name: etl, image: "python:3.10-slim"}]}}}}
`;
    assert.deepEqual(
      findings(text, 'cronjob-policy')
        .map((f) => f.data?.['key'])
        .sort(),
      ['concurrencyPolicy', 'restartPolicy', 'startingDeadlineSeconds'],
    );
  });
});

describe('deprecated-api-version', () => {
  const v1beta1 = `apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: etl}
spec:
  schedule: "@daily"
  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: etl, image: "python:3.10-slim"}]}}}}
`;

  test('error when removed at or before the target version, warning when only deprecated', () => {
    const at = (kubernetesVersion: string) =>
      findings(v1beta1, 'deprecated-api-version', { options: { kubernetesVersion } }).map((f) => f.severity);
    assert.deepEqual(at('1.36'), ['error']);
    assert.deepEqual(at('1.25'), ['error']);
    assert.deepEqual(at('v1.24.9'), ['warning']);
    assert.deepEqual(at('1.21'), ['warning']);
    assert.deepEqual(at('1.20'), []);
  });

  test('no fix when the document does not validate against the replacement', () => {
    const text = `apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: kafka}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: kafka}}
  maxSurge: 1
`;
    const [finding] = findings(text, 'deprecated-api-version');
    assert.equal(finding?.fix, undefined);
    assert.match(finding?.message ?? '', /by hand: under policy\/v1, unknown field "spec\.maxSurge"/);
  });

  test('DaemonSets whose default update strategy changed are not renamed blindly', () => {
    const daemonSet = (extra: string) => `apiVersion: extensions/v1beta1
kind: DaemonSet
metadata: {name: fluent-bit}
spec:${extra}
  template:
    metadata: {labels: {app: fluent-bit}}
    spec:
      containers: [{name: fluent-bit, image: "fluent/fluent-bit:3.0.7"}]
`;
    assert.equal(findings(daemonSet(''), 'deprecated-api-version')[0]?.fix, undefined);
    const pinned = daemonSet('\n  updateStrategy: {type: RollingUpdate}');
    assert.equal(
      findings(pinned, 'deprecated-api-version')[0]?.fix?.title,
      'Use apps/v1 and add spec.selector from the template labels',
    );
    const { text } = applyFixes(pinned, { rules: ['deprecated-api-version'] }, { rules: allRules });
    assert.match(text, /^apiVersion: apps\/v1\n/);
    assert.match(text, /\n {2}selector:\n {4}matchLabels:\n {6}app: fluent-bit\n/);
  });
});

describe('cross-resource references and their scope', () => {
  const ingress = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: superset, namespace: data-platform}
spec:
  tls: [{hosts: [superset.254carbon.com], secretName: superset-tls}]
  rules:
    - host: superset.254carbon.com
      http:
        paths: [{path: /, pathType: Prefix, backend: {service: {name: superset, port: {number: 80}}}}]
`;
  const services = (name: string) => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: data-platform}
spec:
  selector: {app: superset-web}
  ports: [{name: http, port: 80, targetPort: 8088}]
`;

  test('a target in another file of the folder scope is found', () => {
    assert.deepEqual(
      findings(ingress, 'dangling-reference', scope('folder', ingress, services('superset'))),
      [],
    );
  });

  test('the message names the scope that was searched', () => {
    const [finding] = findings(
      ingress,
      'dangling-reference',
      scope('workspace', ingress, services('superset-web')),
    );
    assert.equal(finding?.scope, 'workspace');
    assert.match(finding?.message ?? '', /not in workspace scope/);
  });

  test('nothing to compare with (no Service of the namespace in scope): not reported', () => {
    assert.deepEqual(findings(ingress, 'dangling-reference'), []);
  });

  test('service-no-matching-pods names the closest workload', () => {
    const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: superset-web, namespace: data-platform}
spec:
  selector: {matchLabels: {app: superset-web}}
  template:
    metadata: {labels: {app: superset-web, tier: web}}
    spec: {containers: [{name: superset, image: "apache/superset:4.0.2"}]}
`;
    const service = `apiVersion: v1
kind: Service
metadata: {name: superset, namespace: data-platform}
spec:
  selector: {app: superset, tier: web}
  ports: [{port: 80}]
`;
    const [finding] = findings(service, 'service-no-matching-pods', scope('folder', deployment, service));
    assert.match(finding?.message ?? '', /closest: Deployment "superset-web"/);
  });

  test('network-policy-missing: the appended policy follows the file line endings and passes every rule', () => {
    const text = `apiVersion: apps/v1\r
kind: Deployment\r
metadata: {name: grafana, namespace: monitoring}\r
spec:\r
  selector: {matchLabels: {app: grafana}}\r
  template:\r
    metadata: {labels: {app: grafana}}\r
    spec: {containers: [{name: grafana, image: "grafana/grafana:11.2.0"}]}\r
`;
    const { text: fixed } = applyFixes(text, { rules: ['network-policy-missing'] }, { rules: allRules });
    assert.ok(!/[^\r]\n/.test(fixed), 'CRLF kept everywhere');
    assert.match(fixed, /# Egress stays open/);
    assert.match(fixed, /k8s-netpol-db-egress .*PostgreSQL 5432, MySQL 3306, HTTPS 443, DNS 53\./);
    const after = analyseText(fixed, { rules: allRules }).findings.filter(
      (f) => f.object.kind === 'NetworkPolicy',
    );
    assert.deepEqual(
      after.map((f) => f.rule),
      [],
    );
  });
});

describe('duplicate-env-var', () => {
  test('three definitions: the fix keeps only the last one', () => {
    const text = pod(`  containers:
    - name: gms
      image: acryldata/datahub-gms:v0.14.1
      env:
        - {name: KAFKA_BOOTSTRAP_SERVER, value: a}
        - {name: ELASTICSEARCH_HOST, value: elasticsearch-master}
        - {name: KAFKA_BOOTSTRAP_SERVER, value: b}
        - {name: KAFKA_BOOTSTRAP_SERVER, value: c}`);
    assert.equal(findings(text, 'duplicate-env-var').length, 2);
    const { text: fixed } = applyFixes(text, { rules: ['duplicate-env-var'] }, { rules: allRules });
    assert.match(
      fixed,
      /env:\n {8}- \{name: ELASTICSEARCH_HOST, value: elasticsearch-master\}\n {8}- \{name: KAFKA_BOOTSTRAP_SERVER, value: c\}$/,
    );
  });
});

describe('syntax helpers (verdicts checked against kube-apiserver 1.36)', () => {
  test('IANA port names', () => {
    for (const ok of ['http', 'tcp-clients', 'jmx-exporter', 'h2c', '8080a'])
      assert.ok(validPortName(ok), ok);
    for (const bad of ['8080', 'Metrics_Port', 'prometheus-metrics', 'a--b', '-http', 'http-', ''])
      assert.ok(!validPortName(bad), bad);
  });

  test('label keys and values', () => {
    assert.equal(labelKeyProblem('example.com/Owner_Team.x'), undefined);
    assert.equal(labelKeyProblem('app.kubernetes.io/name'), undefined);
    assert.match(labelKeyProblem('Team/owner') ?? '', /prefix "Team"/);
    assert.match(labelKeyProblem('a/b/c') ?? '', /more than one/);
    assert.match(labelKeyProblem('kubernetes.io/') ?? '', /empty/);
    assert.match(labelKeyProblem('') ?? '', /empty/);
    assert.equal(labelValueProblem(''), undefined);
    assert.equal(labelValueProblem('a'.repeat(63)), undefined);
    assert.match(labelValueProblem('a'.repeat(64)) ?? '', /longer than 63/);
    assert.match(labelValueProblem('1.0 beta') ?? '', /must use/);
  });
});
