/** The pure parts of chart mapping: no Helm, plain strings in and out. */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  parseHelmError,
  parseKustomizeError,
  renderedSection,
  templateLineFor,
} from '../../../src/core/render/errors';
import {
  indexTemplate,
  matchPath,
  producerUnder,
  templateDocumentFor,
} from '../../../src/core/render/template-index';
import {
  probeValues,
  sentinelsIn,
  SentinelTable,
  valuesLocation,
} from '../../../src/core/render/values-probe';

const TEMPLATE = `{{- range $name, $c := .Values.components }}
---
apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
      - name: {{ $name }}
        image: nginx:1.27
        resources:
          {{- toYaml $c.resources | nindent 10 }}
      - name: sidecar
        args: |
          --a
          --b: c
        securityContext:
          privileged: true
{{- end }}
---
kind: Service
metadata:
  name: web
`;

test('the template index reads key paths by indentation, with actions masked and block scalars skipped', () => {
  const docs = indexTemplate(TEMPLATE);
  const deployment = templateDocumentFor(docs, 'Deployment', 'x', 1);
  assert.equal(deployment?.kind, 'Deployment');
  const noName = () => undefined;
  const image = matchPath(deployment, ['spec', 'template', 'spec', 'containers', 3, 'image'], (p) =>
    p.at(-1) === 3 ? 'api' : undefined,
  );
  assert.equal(image.node?.line, 9, 'a rendered name no literal item has: the item whose name is templated');
  const privileged = matchPath(
    deployment,
    ['spec', 'template', 'spec', 'containers', 1, 'securityContext', 'privileged'],
    (p) => (p.at(-1) === 1 ? 'sidecar' : undefined),
  );
  assert.equal(privileged.node?.line, 17, 'items are matched by their literal name first');
  assert.equal(
    matchPath(deployment, ['spec', 'template', 'spec', 'containers', 1, 'args'], () => 'sidecar').node?.value,
    '|',
  );
  const resources = matchPath(
    deployment,
    ['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits'],
    noName,
  );
  assert.equal(resources.complete, false);
  assert.equal(producerUnder(deployment, resources.node!.path)?.line, 11);
  assert.equal(templateDocumentFor(docs, 'Service', 'web', 0)?.name, 'web');
});

test('the probe replaces strings and numbers by markers and finds them again; empty maps get a marker key', () => {
  const table = new SentinelTable();
  const values = 'image:\n  tag: "1.0"\nreplicas: 3\nresources: {}\nenabled: true\n';
  const probed = probeValues(values, 'values.yaml', table) ?? '';
  assert.match(probed, /tag: zz1zz/);
  assert.match(probed, /replicas: 91000002/);
  assert.match(probed, /resources:\n {2}zz3zz: probe/);
  assert.match(probed, /enabled: true/);
  assert.deepEqual(sentinelsIn('repo:zz1zz'), [1]);
  assert.deepEqual(sentinelsIn(91000002), [2]);
  assert.deepEqual(table.get(3)?.path, ['resources']);
  assert.equal(valuesLocation(values, ['image', 'tag'])?.line, 1);
  assert.equal(probeValues('a: [', 'bad.yaml', table), undefined, 'not YAML: no probe');
});

test('Helm 3 and Helm 4 error shapes become file, line and message', () => {
  assert.deepEqual(
    parseHelmError(
      'Error: x/templates/d.yaml:13:32\n  executing "x/templates/d.yaml" at <.Values.a.b>:\n    nil pointer evaluating interface {}.b\n\nUse --debug flag to render out invalid YAML\n',
    )[0],
    {
      file: 'x/templates/d.yaml',
      line: 13,
      column: 32,
      message: '.Values.a.b: nil pointer evaluating interface {}.b',
      fileKind: 'template',
    },
  );
  assert.equal(
    parseHelmError(
      'Error: template: x/templates/d.yaml:4:7: executing "x/templates/d.yaml" at <.Values.a>: boom',
    )[0]?.line,
    4,
  );
  const yaml = parseHelmError(
    'Error: YAML parse error on x/templates/s.yaml: error converting YAML to JSON: yaml: line 40: mapping values are not allowed in this context',
  )[0];
  assert.equal(yaml?.renderedLine, true);
  assert.equal(
    parseHelmError('Error: found in Chart.yaml, but missing in charts/ directory: a, b').length,
    2,
  );
  assert.deepEqual(
    parseKustomizeError(
      "Error: accumulating resources: accumulation err='accumulating resources from 'missing.yaml': open /x/missing.yaml: no such file or directory'",
    )[0]?.file,
    'missing.yaml',
  );
});

test('a rendered line is found in the template by its text (actions above it rendered to nothing)', () => {
  const template = 'a: 1\n{{- if .x }}\nb: 2\n{{- end }}\nports:\n - name: http\n    port: 80\n';
  const debug =
    '---\n# Source: c/templates/t.yaml\na: 1\nports:\n - name: http\n    port: 80\n---\n# Source: c/templates/u.yaml\nz: 1\n';
  const rendered = renderedSection(debug, 'c/templates/t.yaml');
  assert.equal(templateLineFor(template, rendered, 3), 6);
  assert.equal(templateLineFor(template, rendered, 4), 7);
  assert.equal(templateLineFor(template, undefined, 4), 4, 'without the rendered text, the line as given');
});
