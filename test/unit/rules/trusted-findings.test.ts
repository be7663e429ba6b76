/**
 * Issue 18, "Findings people trust": each pattern read on real corpora (Argo CD, kube-prometheus,
 * kubernetes/examples) where a rule fired on something that is not a problem, said something
 * false, or missed a real one.
 */
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyFixes } from '../../../src/core/fixes/apply';
import { analyseText } from '../../../src/core/rules/engine';
import { allRules } from '../../../src/core/rules/registry';
import { parseManifestFile } from '../../../src/core/yaml/parse';
import { findings, lineOf, scope } from '../support/rules';

const deployment = (name: string, spec: string, pod = '', namespace = 'monitoring') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
${spec}  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
${pod}      containers:
        - name: app
          image: example/${name}:1.0
          ports:
            - {name: http, containerPort: 8080}
`;

describe('rolling-update-strategy', () => {
  test('an unstated strategy is the RollingUpdate default: nothing to report', () => {
    const text = `${deployment('a', '  replicas: 2\n')}---\n${deployment('b', '  strategy: {}\n')}`;
    assert.deepEqual(findings(text, 'rolling-update-strategy'), []);
  });
  test('an explicit Recreate is still reported', () => {
    const text = deployment('minio', '  strategy:\n    type: Recreate\n');
    assert.equal(findings(text, 'rolling-update-strategy').length, 1);
  });
});

describe('automount-service-account-token', () => {
  test('an explicit true is a decision, not an oversight', () => {
    const text = deployment('operator', '', '      automountServiceAccountToken: true\n');
    assert.deepEqual(findings(text, 'automount-service-account-token'), []);
  });
  test('an unstated setting is still reported', () => {
    assert.equal(findings(deployment('web', ''), 'automount-service-account-token').length, 1);
  });
});

describe('sensitive-configmap', () => {
  test('numeric settings whose names mention tokens or passwords are not secrets', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata: {name: auth, namespace: monitoring}
data:
  token_ttl_seconds: "3600"
  password_min_length: "12"
  max_tokens: "4096"
  refresh_token_lifetime: 24h
  db_password: hunter2
`;
    assert.deepEqual(
      findings(text, 'sensitive-configmap').map((f) => lineOf(text, f)),
      [9],
    );
  });
});

describe('probes', () => {
  test('containers with no ports are not asked for readiness or liveness probes', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: shipper, namespace: logging}
spec:
  selector: {matchLabels: {app: shipper}}
  template:
    metadata: {labels: {app: shipper}}
    spec:
      containers:
        - name: shipper
          image: fluent/fluent-bit:3.0.7
        - name: web
          image: example/web:1.0
          ports: [{name: http, containerPort: 8080}]
`;
    const readiness = findings(text, 'readiness-probe');
    assert.deepEqual(
      readiness.map((f) => f.container),
      ['web'],
    );
    assert.deepEqual(
      findings(text, 'liveness-probe').map((f) => f.container),
      ['web'],
    );
    assert.match(readiness[0]?.message ?? '', /port/);
  });
});

describe('duplicate keys', () => {
  test('the message says kubectl rejects the file, and the range covers the key', () => {
    const text = deployment('dup', '  replicas: 1\n  replicas: 3\n');
    const problem = parseManifestFile(text).documents[0]?.problems.find((p) => p.code === 'DUPLICATE_KEY');
    assert.ok(problem);
    assert.match(problem.message, /kubectl rejects/);
    assert.match(problem.message, /line 7/);
    assert.equal(text.slice(problem.start, problem.end), 'replicas');
    assert.equal(lineOf(text, { start: problem.start } as never), 8);
  });

  test('in a big file with many, each message names its own first key line (one line table per file)', () => {
    const docs = Array.from({ length: 3000 }, (_, i) =>
      deployment(`d${i}`, '  replicas: 1\n  replicas: 3\n'),
    );
    const text = docs.join('---\n');
    const file = parseManifestFile(text);
    const problems = file.documents.flatMap((d) => d.problems.filter((p) => p.code === 'DUPLICATE_KEY'));
    assert.equal(problems.length, 3000);
    for (const problem of [problems[0], problems[1234], problems[2999]]) {
      assert.ok(problem);
      const line = lineOf(text, { start: problem.start } as never);
      assert.match(problem.message, new RegExp(`already defined at line ${line - 1}\\)`));
    }
  });
});

describe('RBAC', () => {
  const role = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: monitoring}
rules:
  - apiGroups: [""]
    resources: [secrets, pods/exec]
    verbs: [get, list, create]
`;
  const binding = (
    name: string,
    roleKind: string,
    roleName: string,
  ) => `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ${name}, namespace: monitoring}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ${roleKind}, name: ${roleName}}
subjects: [{kind: ServiceAccount, name: ${name}, namespace: monitoring}]
`;
  test('a role in scope is reported once, on the role, not again on each binding', () => {
    const text = [role, binding('a', 'Role', 'reader'), binding('b', 'Role', 'reader')].join('---\n');
    for (const rule of ['rbac-sensitive-access', 'rbac-pod-exec-attach'])
      assert.deepEqual(
        findings(text, rule).map((f) => f.object.kind),
        ['Role'],
        rule,
      );
  });
  test('a binding to a role no manifest defines (built-in edit) is still reported', () => {
    assert.equal(findings(binding('ci', 'ClusterRole', 'edit'), 'rbac-pod-exec-attach').length, 1);
  });
});

describe('service-no-matching-pods', () => {
  const service = `apiVersion: v1
kind: Service
metadata: {name: api, namespace: monitoring}
spec:
  selector: {app: api, tier: backend}
  ports: [{port: 80}]
`;
  const carrier = (name: string) =>
    deployment(name, '  replicas: 2\n').replace(
      `{app: ${name}}\n    spec`,
      `{app: api, tier: ${name}}\n    spec`,
    );
  test('the "closest:" hint does not depend on the order the scope was indexed in', () => {
    const a = carrier('alpha');
    const b = carrier('beta');
    const one = findings(service, 'service-no-matching-pods', scope('workspace', a, b));
    const other = findings(service, 'service-no-matching-pods', scope('workspace', b, a));
    assert.equal(one.length, 1);
    assert.equal(one[0]?.message, other[0]?.message);
  });
});

describe('selectors on labels controllers add', () => {
  const statefulSet = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web, namespace: monitoring}
spec:
  serviceName: web
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: example/web:1.0}]
`;
  const policy = (pod: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-0, namespace: monitoring}
spec:
  podSelector:
    matchLabels: {app: web, statefulset.kubernetes.io/pod-name: ${pod}}
`;
  const service = (pod: string) => `apiVersion: v1
kind: Service
metadata: {name: web-0, namespace: monitoring}
spec:
  selector: {statefulset.kubernetes.io/pod-name: ${pod}}
  ports: [{port: 80}]
`;
  test('statefulset.kubernetes.io/pod-name of a StatefulSet in scope is not dangling', () => {
    const text = [statefulSet, policy('web-0'), service('web-1')].join('---\n');
    assert.deepEqual(findings(text, 'dangling-reference'), []);
    assert.deepEqual(findings(text, 'service-no-matching-pods'), []);
  });
  test('a pod name no StatefulSet in scope creates still is', () => {
    const text = [statefulSet, policy('db-0'), service('db-0')].join('---\n');
    assert.equal(findings(text, 'dangling-reference').length, 1);
    assert.equal(findings(text, 'service-no-matching-pods').length, 1);
  });
});

describe('operator-managed pods', () => {
  const prometheus = `apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec:
  replicas: 2
  podMetadata:
    labels:
      app.kubernetes.io/component: prometheus
      app.kubernetes.io/part-of: kube-prometheus
`;
  const alertmanager = `apiVersion: monitoring.coreos.com/v1
kind: Alertmanager
metadata: {name: main, namespace: monitoring}
spec:
  replicas: 3
`;
  const policy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: prometheus-k8s, namespace: monitoring}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/component: prometheus
      app.kubernetes.io/instance: k8s
      app.kubernetes.io/name: prometheus
      app.kubernetes.io/part-of: kube-prometheus
`;
  const service = `apiVersion: v1
kind: Service
metadata: {name: alertmanager-main, namespace: monitoring}
spec:
  selector: {app.kubernetes.io/name: alertmanager, alertmanager: main}
  ports: [{name: web, port: 9093, targetPort: web}]
`;
  test('Prometheus and Alertmanager custom resources create pods with known labels', () => {
    const text = [deployment('grafana', '  replicas: 2\n'), prometheus, alertmanager, policy, service].join(
      '---\n',
    );
    assert.deepEqual(findings(text, 'dangling-reference'), []);
    assert.deepEqual(findings(text, 'service-no-matching-pods'), []);
    assert.deepEqual(findings(text, 'service-target-port'), []);
  });
  test('with a CRD in scope that could own the pods, a dangling selector is info and says why', () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions: [{name: v1, served: true, storage: true}]
`;
    const widgetPolicy = policy.replace(
      /app\.kubernetes\.io\/name: prometheus/,
      'app.kubernetes.io/name: widget',
    );
    const text = [deployment('grafana', '  replicas: 2\n'), crd, widgetPolicy].join('---\n');
    const found = findings(text, 'dangling-reference');
    assert.equal(found.length, 1);
    assert.equal(found[0]?.severity, 'info');
    assert.match(found[0]?.message ?? '', /CustomResourceDefinition "widgets\.example\.com"/);
    const without = findings(
      [deployment('grafana', '  replicas: 2\n'), widgetPolicy].join('---\n'),
      'dangling-reference',
    );
    assert.equal(without[0]?.severity, 'warning');
  });
});

describe('pod-spread', () => {
  const anti = (namespaces: string) => `      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - topologyKey: kubernetes.io/hostname
              labelSelector: {matchLabels: {app: api}}
${namespaces}`;
  test("an anti-affinity term aimed at another namespace's pods does not spread this workload", () => {
    const text = deployment('api', '  replicas: 3\n', anti('              namespaces: [other]\n'));
    assert.equal(findings(text, 'pod-spread').length, 1);
  });
  test('a term listing its own namespace does', () => {
    const text = deployment(
      'api',
      '  replicas: 3\n',
      anti('              namespaces: [other, monitoring]\n'),
    );
    assert.deepEqual(findings(text, 'pod-spread'), []);
    assert.deepEqual(findings(deployment('api', '  replicas: 3\n', anti('')), 'pod-spread'), []);
  });
});

describe('workload-restart-policy', () => {
  test('restartPolicy other than Always on a Deployment, DaemonSet, ReplicaSet or StatefulSet is an error', () => {
    const text = [
      deployment('a', '  replicas: 2\n', '      restartPolicy: Never\n'),
      deployment('b', '', '      restartPolicy: OnFailure\n').replace('kind: Deployment', 'kind: DaemonSet'),
      deployment('c', '  replicas: 2\n', '      restartPolicy: Always\n'),
      `apiVersion: batch/v1
kind: Job
metadata: {name: once, namespace: monitoring}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: once, image: example/once:1.0}]
`,
    ].join('---\n');
    const found = findings(text, 'workload-restart-policy');
    assert.deepEqual(
      found.map((f) => [f.object.name, f.severity, text.slice(f.start, f.end)]),
      [
        ['a', 'error', 'restartPolicy: Never'],
        ['b', 'error', 'restartPolicy: OnFailure'],
      ],
    );
    const fixed = applyFixes(
      text,
      { classes: ['auto'], rules: ['workload-restart-policy'] },
      { rules: allRules },
    );
    assert.deepEqual(findings(fixed.text, 'workload-restart-policy'), []);
  });
});

describe('resources', () => {
  const bare = deployment('bare', '  replicas: 2\n');
  const RESOURCE_RULES = ['cpu-request', 'memory-request', 'memory-limit', 'cpu-limit'];
  test('a container with no resources gets one finding with one fix, not four', () => {
    const all = analyseText(bare, { rules: allRules }).findings.filter((f) =>
      RESOURCE_RULES.includes(f.rule),
    );
    assert.equal(all.length, 1);
    assert.match(all[0]?.message ?? '', /no resources/);
    assert.equal(all[0]?.severity, 'warning');
    const fixed = applyFixes(bare, { classes: ['scaffold'], rules: RESOURCE_RULES }, { rules: allRules });
    assert.deepEqual(
      analyseText(fixed.text, { rules: allRules }).findings.filter((f) => RESOURCE_RULES.includes(f.rule)),
      [],
    );
    assert.match(fixed.text, /requests:\n\s+cpu: 100m.*\n\s+memory: 512Mi.*\n\s+limits:\n\s+memory: 512Mi/);
  });
  test("the charts' default `resources: {}` counts as none, and its one fix keeps the line's comment", () => {
    const chart = bare.replace(
      '          ports:',
      '          resources: {} # chart default\n          ports:',
    );
    const all = analyseText(chart, { rules: allRules }).findings.filter((f) =>
      RESOURCE_RULES.includes(f.rule),
    );
    assert.equal(all.length, 1);
    const fixed = applyFixes(chart, { classes: ['scaffold'], rules: RESOURCE_RULES }, { rules: allRules });
    assert.match(
      fixed.text,
      /resources: \{requests: \{cpu: 100m, memory: 512Mi\}, limits: \{memory: 512Mi, cpu: 500m\}\} # chart default/,
    );
  });

  test('a container with some resources still gets one finding per missing value', () => {
    const partial = bare.replace(
      '          ports:',
      '          resources: {requests: {cpu: 100m}}\n          ports:',
    );
    const all = analyseText(partial, { rules: allRules }).findings.filter((f) =>
      RESOURCE_RULES.includes(f.rule),
    );
    assert.deepEqual(all.map((f) => f.rule).sort(), ['cpu-limit', 'memory-limit', 'memory-request']);
  });
  test('a rule turned off is left out of the combined finding', () => {
    const all = analyseText(bare, {
      rules: allRules,
      severities: { 'cpu-request': 'off', 'cpu-limit': 'off' },
    }).findings.filter((f) => RESOURCE_RULES.includes(f.rule));
    assert.deepEqual(
      all.map((f) => f.rule),
      ['memory-request'],
    );
    assert.match(all[0]?.message ?? '', /memory request or memory limit/);
  });
});
