import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintHelmRender } from '../../../src/core/render/helm-map';
import { objectsOfTemplate } from '../../../src/core/render/template-objects';
import { applyTargets } from '../../../src/core/sync/targets';

const workers = `{{- range .Values.pools }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker-{{ .name }}
spec:
  replicas: {{ .replicas }}
{{- end }}
`;
const service = `# The web service.
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-settings
data:
  mode: fast
`;
const rendered = `---
# Source: app/templates/workers.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker-a
spec:
  replicas: 1
---
# Source: app/templates/workers.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker-b
spec:
  replicas: 2
---
# Source: app/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
---
# Source: app/templates/service.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-settings
data:
  mode: fast
`;

test('the objects one template writes, at the head of the template document that writes each', () => {
  const lint = lintHelmRender(
    {
      rendered,
      templates: new Map([
        ['app/templates/workers.yaml', { file: '/c/templates/workers.yaml', text: workers }],
        ['app/templates/service.yaml', { file: '/c/templates/service.yaml', text: service }],
      ]),
      values: new Map(),
    },
    { rules: [] },
  );
  const set = applyTargets(lint.file);
  assert.ok('targets' in set);
  const at = (file: string) =>
    objectsOfTemplate(lint, set.targets, file).map((o) => `${o.target.identity.name}@${o.line}`);
  assert.deepEqual(at('/c/templates/service.yaml'), ['web@1', 'web-settings@9']);
  // A range writes two objects from one document: both at its head.
  assert.deepEqual(at('/c/templates/workers.yaml'), ['worker-a@2', 'worker-b@2']);
  assert.deepEqual(at('/c/values.yaml'), []);
});
