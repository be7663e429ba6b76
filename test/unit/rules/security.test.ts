/**
 * Focused tests for sections A, B and H of RULES.md: the Harden bundle as one edit, effective
 * (container-over-pod) values, when a fix is withheld, scope-dependent reporting, RBAC bindings
 * resolved through the index, and secrets never echoed.
 */
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyFixes, fixEdits } from '../../../src/core/fixes/apply';
import { analyseText } from '../../../src/core/rules/engine';
import { HARDEN_BUNDLE, allRules } from '../../../src/core/rules/registry';

import { findings, lineOf, scope } from '../support/rules';

describe('Harden bundle', () => {
  const input = `# DolphinScheduler API (data-platform)
apiVersion: apps/v1
kind: Deployment
metadata:
  name: dolphinscheduler-api
  namespace: data-platform
spec:
  replicas: 2
  selector:
    matchLabels: {app: dolphinscheduler-api}
  template:
    metadata:
      labels: {app: dolphinscheduler-api}
    spec:
      serviceAccountName: dolphinscheduler
      securityContext:
        fsGroup: 1000   # shared log volume
      containers:
        - name: api
          image: apache/dolphinscheduler-api:3.2.1
          ports:
            - {name: http, containerPort: 12345}
          securityContext:
            runAsUser: 1000
            capabilities:
              add: [NET_BIND_SERVICE]  # serves :80 behind the ingress
          volumeMounts:
            - {name: logs, mountPath: /opt/dolphinscheduler/logs}
        - name: log-shipper
          image: fluent/fluent-bit:3.0.7
          volumeMounts:
            - {name: logs, mountPath: /logs, readOnly: true}
      volumes:
        - name: logs
          emptyDir: {}
`;

  const expected = `# DolphinScheduler API (data-platform)
apiVersion: apps/v1
kind: Deployment
metadata:
  name: dolphinscheduler-api
  namespace: data-platform
spec:
  replicas: 2
  selector:
    matchLabels: {app: dolphinscheduler-api}
  template:
    metadata:
      labels: {app: dolphinscheduler-api}
    spec:
      serviceAccountName: dolphinscheduler
      securityContext:
        fsGroup: 1000   # shared log volume
        seccompProfile:
          type: RuntimeDefault
        runAsNonRoot: true
      containers:
        - name: api
          image: apache/dolphinscheduler-api:3.2.1
          ports:
            - {name: http, containerPort: 12345}
          securityContext:
            runAsUser: 1000
            capabilities:
              add: [NET_BIND_SERVICE]  # serves :80 behind the ingress
              drop: [ALL]
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
          volumeMounts:
            - {name: logs, mountPath: /opt/dolphinscheduler/logs}
        - name: log-shipper
          image: fluent/fluent-bit:3.0.7
          volumeMounts:
            - {name: logs, mountPath: /logs, readOnly: true}
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop:
                - ALL
            readOnlyRootFilesystem: true
      volumes:
        - name: logs
          emptyDir: {}
      automountServiceAccountToken: false
`;

  test('applies every fix the workload needs as one merged, minimal edit', () => {
    const result = applyFixes(input, { rules: [...HARDEN_BUNDLE] }, { rules: allRules });
    assert.equal(result.text, expected);
    // Only insertions: no existing byte (comment, `add`, flow maps) was rewritten.
    assert.ok(result.edits.length > 0);
    assert.ok(result.edits.every((e) => e.start === e.end));
    // Nothing runs privileged here: the other six fixes, each once.
    assert.deepEqual(
      [...new Set(result.applied.map((f) => f.rule))].sort(),
      HARDEN_BUNDLE.filter((r) => r !== 'privileged-container').sort(),
    );
    const remaining = analyseText(result.text, { rules: allRules }).findings.filter((f) =>
      (HARDEN_BUNDLE as readonly string[]).includes(f.rule),
    );
    assert.deepEqual(
      remaining.map((f) => f.message),
      [],
    );
  });

  test('a second run is a no-op', () => {
    const once = applyFixes(input, { rules: [...HARDEN_BUNDLE] }, { rules: allRules });
    const twice = applyFixes(once.text, { rules: [...HARDEN_BUNDLE] }, { rules: allRules });
    assert.equal(twice.text, once.text);
    assert.deepEqual(twice.edits, []);
    assert.deepEqual(twice.applied, []);
  });

  test('runAsUser: 0 is reported but never "fixed", and blocks the pod-level runAsNonRoot', () => {
    const text = input.replace(
      'image: fluent/fluent-bit:3.0.7\n',
      'image: fluent/fluent-bit:3.0.7\n          securityContext: {runAsUser: 0}\n',
    );
    const result = applyFixes(text, { rules: [...HARDEN_BUNDLE] }, { rules: allRules });
    assert.match(result.text, /securityContext: \{runAsUser: 0, allowPrivilegeEscalation: false/);
    assert.doesNotMatch(result.text, /runAsNonRoot/);
    const left = findings(result.text, 'run-as-non-root');
    assert.deepEqual(
      left.map((f) => [f.container, f.message, f.fix]),
      [
        [
          'api',
          'Container "api" may run as root: neither it nor the pod sets runAsNonRoot: true.',
          undefined,
        ],
        [
          'log-shipper',
          'Container "log-shipper" runs as root (runAsUser: 0): a container escape is root on the node.',
          undefined,
        ],
      ],
    );
  });

  // The API server rejects allowPrivilegeEscalation: false beside privileged: true (found by
  // applying a hardened manifest to the real server): Harden must turn privileged off first.
  const privileged = `apiVersion: apps/v1
kind: Deployment
metadata: {name: trino-worker}
spec:
  selector: {matchLabels: {app: w}}
  template:
    metadata: {labels: {app: w}}
    spec:
      containers:
        - name: trino
          image: trinodb/trino:435
          securityContext:
            privileged: true   # TODO: remove once the S3 mount is gone
        - name: fuse
          image: fuse:1
          securityContext:
            capabilities: {add: [SYS_ADMIN]}
`;

  test('a privileged or CAP_SYS_ADMIN container gets no escalation fix until that is gone', () => {
    const found = findings(privileged, 'allow-privilege-escalation');
    assert.deepEqual(
      found.map((f) => [f.container, Boolean(f.fix)]),
      [
        ['trino', false],
        ['fuse', false],
      ],
    );
  });

  test('Harden turns privileged off, then disables escalation: a combination the API server accepts', () => {
    const result = applyFixes(privileged, { rules: [...HARDEN_BUNDLE] }, { rules: allRules });
    const trino = result.text.split('- name: fuse')[0] ?? '';
    assert.match(trino, /privileged: false {3}# TODO: remove once the S3 mount is gone/);
    assert.match(trino, /allowPrivilegeEscalation: false/);
    // CAP_SYS_ADMIN is the author's call: no escalation setting is forced next to it.
    const fuse = result.text.split('- name: fuse')[1] ?? '';
    assert.doesNotMatch(fuse, /allowPrivilegeEscalation/);
  });
});

describe('run-as-non-root: effective values', () => {
  const pod = (podContext: string, containerContext: string) => `apiVersion: v1
kind: Pod
metadata: {name: redis, namespace: data-platform}
spec:
  securityContext: ${podContext}
  containers:
    - name: redis
      image: bitnami/redis:7.2-debian-12
      securityContext: ${containerContext}
`;

  test('a container setting overrides the pod', () => {
    assert.deepEqual(findings(pod('{runAsNonRoot: false}', '{runAsNonRoot: true}'), 'run-as-non-root'), []);
    assert.deepEqual(
      findings(pod('{runAsUser: 0}', '{runAsUser: 1001, runAsNonRoot: true}'), 'run-as-non-root'),
      [],
    );
    const [f] = findings(pod('{runAsNonRoot: true}', '{runAsNonRoot: false}'), 'run-as-non-root');
    assert.equal(f?.container, 'redis');
    assert.match(f?.message ?? '', /allows running as root/);
  });

  test('an explicit runAsNonRoot: false is reported, never flipped', () => {
    const [f] = findings(pod('{runAsNonRoot: false}', '{}'), 'run-as-non-root');
    assert.match(f?.message ?? '', /allows its containers to run as root/);
    assert.equal(f?.fix, undefined);
  });

  test('runAsGroup: 0 is flagged even with a non-root user', () => {
    const [f] = findings(
      pod('{}', '{runAsNonRoot: true, runAsUser: 1001, runAsGroup: 0}'),
      'run-as-non-root',
    );
    assert.match(f?.message ?? '', /root group \(runAsGroup: 0\)/);
    assert.equal(f?.fix, undefined);
  });

  test('the fix is offered only when the effective value is missing', () => {
    const [f] = findings(pod('{fsGroup: 1001}', '{runAsUser: 1001}'), 'run-as-non-root');
    assert.equal(f?.fix?.class, 'harden');
  });
});

describe('non-existent-service-account: scope', () => {
  const worker = `apiVersion: apps/v1
kind: Deployment
metadata: {name: superset-worker, namespace: data-platform}
spec:
  selector: {matchLabels: {app: superset-worker}}
  template:
    metadata: {labels: {app: superset-worker}}
    spec:
      serviceAccountName: superset-worker
      containers: [{name: worker, image: "apache/superset:4.0.2"}]
`;
  const account = (name: string) => `apiVersion: v1
kind: ServiceAccount
metadata: {name: ${name}, namespace: data-platform}
`;
  const rule = 'non-existent-service-account';

  test('a single document or a file without ServiceAccounts is not enough to judge', () => {
    assert.deepEqual(findings(worker, rule, scope('document', worker)), []);
    assert.deepEqual(findings(worker, rule), []);
  });

  test('a file holding other ServiceAccounts is', () => {
    const text = `${account('superset')}---\n${worker}`;
    const [f] = findings(text, rule);
    assert.equal(
      f?.message,
      'No ServiceAccount "superset-worker" in namespace data-platform in this file: the API server rejects pods that name it.',
    );
    assert.equal(f?.scope, 'file');
  });

  test('a folder or workspace is, even without any ServiceAccount, and the message names it', () => {
    const [w] = findings(worker, rule, scope('workspace', worker));
    assert.match(w?.message ?? '', /in the workspace:/);
    assert.equal(w?.scope, 'workspace');
    const [f] = findings(worker, rule, scope('folder', worker));
    assert.match(f?.message ?? '', /in this folder:/);
  });

  test('an account defined in another file of the workspace is found', () => {
    assert.deepEqual(findings(worker, rule, scope('workspace', worker, account('superset-worker'))), []);
  });
});

describe('service account scaffolds', () => {
  const mlflow = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: mlflow
  namespace: ml-platform
spec:
  selector:
    matchLabels: {app: mlflow}
  template:
    metadata:
      labels: {app: mlflow}
    spec:
      containers:
        - name: mlflow
          image: ghcr.io/mlflow/mlflow:v2.16.2
`;

  test('default-service-account sets serviceAccountName and appends the account in one fix', () => {
    const [f] = findings(mlflow, 'default-service-account');
    assert.ok(f?.fix);
    const edits = fixEdits(mlflow, f, { rules: allRules });
    assert.equal(edits?.length, 2);
    const fixed = applyFixes(mlflow, { rules: ['default-service-account'] }, { rules: allRules }).text;
    assert.match(fixed, /\n {6}serviceAccountName: mlflow\n---\n/);
    assert.match(fixed, /kind: ServiceAccount\nmetadata:\n {2}name: mlflow\n {2}namespace: ml-platform\n$/);
    // Creating the account changes nothing else: no automount opinion sneaks in.
    assert.doesNotMatch(fixed, /automountServiceAccountToken/);
  });

  test('automount: the pod inherits its ServiceAccount in scope', () => {
    const withAccount = mlflow.replace(
      '    spec:\n      containers',
      '    spec:\n      serviceAccountName: mlflow\n      containers',
    );
    const rule = 'automount-service-account-token';
    assert.equal(findings(withAccount, rule).length, 1);
    const off =
      'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: mlflow, namespace: ml-platform}\nautomountServiceAccountToken: false\n';
    assert.deepEqual(findings(withAccount, rule, scope('workspace', withAccount, off)), []);
    // The pod's own explicit setting wins over its account's, and an explicit true is a decision.
    const asks = withAccount.replace(
      'serviceAccountName: mlflow',
      'serviceAccountName: mlflow\n      automountServiceAccountToken: true',
    );
    assert.deepEqual(findings(asks, rule, scope('workspace', asks)), []);
  });
});

describe('secrets are never echoed', () => {
  const text = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: nginx:1.27
      env:
        - {name: DB_PASSWORD, value: hunter2-very-secret}
        - {name: WAREHOUSE_URL, value: "postgresql://etl:hunter2-very-secret@db:5432/raw"}
        - {name: SESSION, value: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJodW50ZXIyIn0.c2lnbmF0dXJl"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data:
  url: "postgresql://admin:hunter2-very-secret@db:5432/x"
  app.properties: |
    app.name=etl
    db.password=hunter2-very-secret
`;

  test('messages name the variable or key, not the value', () => {
    const all = analyseText(text, { rules: allRules }).findings;
    const messages = all.map((f) => f.message).join('\n');
    assert.match(messages, /DB_PASSWORD/);
    assert.match(messages, /WAREHOUSE_URL to a literal value containing a password inside a URI/);
    assert.match(messages, /SESSION to a literal value containing a JSON Web Token/);
    assert.match(messages, /key "app.properties" sets db.password/);
    assert.doesNotMatch(messages, /hunter2|eyJ/);
  });

  test('a secret inside a config file is pinpointed on its own line', () => {
    const f = findings(text, 'sensitive-configmap').find((x) => x.message.includes('db.password'));
    assert.ok(f);
    assert.equal(text.slice(f.start, f.end), 'db.password=hunter2-very-secret');
    assert.equal(lineOf(text, f), text.split('\n').indexOf('    db.password=hunter2-very-secret') + 1);
  });
});

describe('RBAC bindings resolved through the index', () => {
  const role = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: troubleshooter, namespace: data-platform}
rules:
  - apiGroups: [""]
    resources: ["*/exec", secrets]
    verbs: [create, get]
`;
  const binding = (namespace: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ci, namespace: ${namespace}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: troubleshooter}
subjects:
  - {kind: ServiceAccount, name: argocd-application-controller, namespace: argocd}
  - {kind: Group, name: data-team}
  - {kind: User, name: alice}
  - {kind: User, name: bob}
`;

  test('a binding in another file to a role in scope is left to the role, which is reported once', () => {
    const text = binding('data-platform');
    const opts = scope('workspace', role, text);
    assert.deepEqual(findings(text, 'rbac-pod-exec-attach', opts), []);
    assert.deepEqual(findings(text, 'rbac-sensitive-access', opts), []);
    assert.equal(findings(role, 'rbac-pod-exec-attach', opts).length, 1);
  });

  test('a binding to a built-in role no manifest defines says who gets what', () => {
    const text = binding('data-platform').replace(
      'kind: Role, name: troubleshooter',
      'kind: ClusterRole, name: edit',
    );
    const opts = scope('workspace', role, text);
    const [exec] = findings(text, 'rbac-pod-exec-attach', opts);
    assert.equal(
      exec?.message,
      'RoleBinding "ci" lets ServiceAccount argocd/argocd-application-controller, Group data-team, User alice and 1 more exec/attach into pods through ClusterRole "edit": a shell with their Secrets and tokens.',
    );
    assert.equal(exec?.scope, 'workspace');
    const [sensitive] = findings(text, 'rbac-sensitive-access', opts);
    assert.match(sensitive?.message ?? '', /read Secrets.* through ClusterRole "edit"/);
  });

  test('a Role in another namespace is not the one a RoleBinding names', () => {
    const text = binding('kafka');
    assert.deepEqual(findings(text, 'rbac-pod-exec-attach', scope('workspace', role, text)), []);
  });

  test('rules granting everything are left to rbac-overbroad', () => {
    const admin = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: god}
rules:
  - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
`;
    assert.equal(findings(admin, 'rbac-overbroad').length, 1);
    assert.deepEqual(findings(admin, 'rbac-pod-exec-attach'), []);
    assert.deepEqual(findings(admin, 'rbac-sensitive-access'), []);
  });
});

describe('pod security details', () => {
  test('Helm-templated values are not judged', () => {
    const text = `apiVersion: v1
kind: Pod
metadata: {name: {{ .Release.Name }}}
spec:
  hostNetwork: {{ .Values.hostNetwork }}
  serviceAccountName: {{ .Values.serviceAccount }}
  containers:
    - name: app
      image: nginx:1.27
      env:
        - {name: DB_PASSWORD, value: {{ .Values.dbPassword | quote }}}
      ports:
        - {containerPort: 8080, hostPort: {{ .Values.hostPort }}}
`;
    const rules = [
      'host-network',
      'host-port',
      'secret-in-env',
      'default-service-account',
      'non-existent-service-account',
    ];
    const all = analyseText(text, { rules: allRules }).findings.filter((f) => rules.includes(f.rule));
    assert.deepEqual(
      all.map((f) => f.rule),
      [],
    );
  });

  test('drop: [ALL] follows the style of its sibling lists', () => {
    const text = (caps: string) => `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
    - name: nginx
      image: nginx:1.27
      securityContext:
        capabilities:
${caps}`;
    const fix = (t: string) => applyFixes(t, { rules: ['drop-all-capabilities'] }, { rules: allRules }).text;
    assert.equal(
      fix(text('          add: [NET_BIND_SERVICE]\n')),
      text('          add: [NET_BIND_SERVICE]\n          drop: [ALL]\n'),
    );
    assert.equal(
      fix(text('          add:\n            - NET_BIND_SERVICE\n')),
      text('          add:\n            - NET_BIND_SERVICE\n          drop:\n            - ALL\n'),
    );
    assert.equal(fix(text('          drop: []\n')), text('          drop: [ALL]\n'));
  });

  test("the kubelet's safe sysctls are not unsafe", () => {
    const text = `apiVersion: v1
kind: Pod
metadata: {name: kafka-0}
spec:
  securityContext:
    sysctls:
      - {name: net.ipv4.ip_local_port_range, value: "1024 65000"}
      - {name: kernel.shm_rmid_forced, value: "1"}
      - {name: net.core.somaxconn, value: "4096"}
  containers: [{name: kafka, image: "quay.io/strimzi/kafka:0.43.0-kafka-3.8.0"}]
`;
    assert.deepEqual(
      findings(text, 'unsafe-sysctls').map((f) => f.message),
      [
        'Sysctl net.core.somaxconn is not in the safe set: the kubelet refuses the pod unless the node allows it.',
      ],
    );
  });

  test('removing the only dangerous capability removes the emptied securityContext', () => {
    const text = `apiVersion: v1
kind: Pod
metadata: {name: netdebug}
spec:
  containers:
    - name: tools
      securityContext:
        capabilities:
          add: [NET_ADMIN]
      image: nicolaka/netshoot:v0.13
`;
    const fixed = applyFixes(text, { rules: ['dangerous-capabilities'] }, { rules: allRules }).text;
    assert.equal(
      fixed,
      text.replace('      securityContext:\n        capabilities:\n          add: [NET_ADMIN]\n', ''),
    );
  });

  test('seccomp: a pod-level Unconfined is one finding and one fix for every container', () => {
    const text = `apiVersion: v1
kind: Pod
metadata: {name: spark}
spec:
  securityContext: {seccompProfile: {type: Unconfined}}
  containers:
    - {name: driver, image: "apache/spark:3.5.0"}
    - {name: sidecar, image: "busybox:1.36"}
`;
    assert.equal(findings(text, 'seccomp-profile').length, 1);
    const fixed = applyFixes(text, { rules: ['seccomp-profile'] }, { rules: allRules }).text;
    assert.equal(fixed, text.replace('Unconfined', 'RuntimeDefault'));
  });

  test('a runtime socket is a docker-socket-mount error, not a writable-host-mount warning', () => {
    const text = `apiVersion: v1
kind: Pod
metadata: {name: builder}
spec:
  containers:
    - name: docker
      image: docker:27-cli
      volumeMounts: [{name: sock, mountPath: /var/run/docker.sock}]
  volumes:
    - {name: sock, hostPath: {path: /var/run/docker.sock}}
`;
    assert.equal(findings(text, 'docker-socket-mount').length, 1);
    assert.deepEqual(findings(text, 'writable-host-mount'), []);
  });
});
