import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyFixes } from '../../../src/core/fixes/apply';
import { analyseText } from '../../../src/core/rules/engine';
import { HARDEN_BUNDLE, allRules } from '../../../src/core/rules/registry';

const input = `# DolphinScheduler API (data-platform)
apiVersion: apps/v1
kind: Deployment
metadata:
  name: dolphinscheduler-api
  namespace: data-platform
spec:
  replicas: 6
  selector:
    matchLabels: {app: dolphinscheduler-api}
  template:
    metadata:
      labels: {app: dolphinscheduler-api}
    spec:
      containers:
        - name: api
          image: apache/dolphinscheduler-api:3.2.1
          securityContext:
            capabilities:
              add: [NET_BIND_SERVICE]  # serves :80 behind the ingress
        - name: log-shipper
          image: fluent/fluent-bit:3.0.7
`;

const expected = `# DolphinScheduler API (data-platform)
apiVersion: apps/v1
kind: Deployment
metadata:
  name: dolphinscheduler-api
  namespace: data-platform
spec:
  replicas: 6
  selector:
    matchLabels: {app: dolphinscheduler-api}
  template:
    metadata:
      labels: {app: dolphinscheduler-api}
    spec:
      containers:
        - name: api
          image: apache/dolphinscheduler-api:3.2.1
          securityContext:
            capabilities:
              add: [NET_BIND_SERVICE]  # serves :80 behind the ingress
              drop:
                - ALL
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
        - name: log-shipper
          image: fluent/fluent-bit:3.0.7
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop:
                - ALL
            readOnlyRootFilesystem: true
      automountServiceAccountToken: false
      securityContext:
        seccompProfile:
          type: RuntimeDefault
        runAsNonRoot: true
`;

test('the Harden bundle merges into existing maps, keeps comments and capabilities.add, and is idempotent', () => {
  const result = applyFixes(input, { rules: [...HARDEN_BUNDLE] }, { rules: allRules });
  assert.equal(result.text, expected);
  const remaining = analyseText(result.text, { rules: allRules }).findings.filter((f) =>
    (HARDEN_BUNDLE as readonly string[]).includes(f.rule),
  );
  assert.deepEqual(
    remaining.map((f) => f.message),
    [],
  );
  const again = applyFixes(result.text, { rules: [...HARDEN_BUNDLE] }, { rules: allRules });
  assert.equal(again.text, result.text);
  assert.deepEqual(again.edits, []);
});

test('runAsUser: 0 is reported but never "fixed" by the Harden bundle', () => {
  const text = input.replace(
    'image: fluent/fluent-bit:3.0.7\n',
    'image: fluent/fluent-bit:3.0.7\n          securityContext: {runAsUser: 0}\n',
  );
  const findings = analyseText(text, { rules: allRules }).findings.filter(
    (f) => f.rule === 'run-as-non-root',
  );
  const root = findings.find((f) => f.container === 'log-shipper');
  assert.match(root?.message ?? '', /runAsUser: 0/);
  assert.equal(root?.fix, undefined);
});

test('secret values never appear in messages', () => {
  const text = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: nginx:1.27
      env:
        - {name: DB_PASSWORD, value: hunter2-very-secret}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data:
  url: "postgresql://admin:hunter2-very-secret@db:5432/x"
`;
  const messages = analyseText(text, { rules: allRules })
    .findings.map((f) => f.message)
    .join('\n');
  assert.match(messages, /DB_PASSWORD/);
  assert.doesNotMatch(messages, /hunter2/);
});
