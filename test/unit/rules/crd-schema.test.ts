/**
 * Custom resources validated against their CustomResourceDefinition's `openAPIV3Schema`, through
 * the same `schema-invalid` rule, positions and suggestions as built-in kinds (issue 18).
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { stringify } from 'yaml';
import { PLATFORM_CRDS } from '../../../scenarios/crds';
import { convertSchema, crdSchemaFor, crdSchemas, isCustomResource } from '../../../src/core/schema/crd';
import { validateObject } from '../../../src/core/schema/validate';
import { parseManifestFile } from '../../../src/core/yaml/parse';
import { findings, lineOf, scope } from '../support/rules';

const crd = readFileSync(join(__dirname, '../../fixtures/crds/argocd-application.crd.yaml'), 'utf8');

const application = (spec: string) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: superset
  namespace: argocd
spec:
${spec}`;

const valid = `  project: default
  source:
    repoURL: https://charts.example.com
    chart: superset
    targetRevision: 0.12.0
    helm:
      valuesObject: {anything: {goes: [1, 2]}}
  destination:
    server: https://kubernetes.default.svc
    namespace: superset
  syncPolicy:
    automated: {prune: true, selfHeal: true}
    syncOptions: [CreateNamespace=true]
  info:
    - {name: docs, value: https://example.com, port: 8080}
    - {name: web, value: x, port: http}`;

describe('custom resources against their CRD', () => {
  test('a misspelt field in an Application is found at its key, with a suggestion', () => {
    const text = application(`  project: default
  destinaton:
    server: https://kubernetes.default.svc
  source: {repoURL: https://charts.example.com}`);
    const [finding, ...rest] = findings(text, 'schema-invalid', scope('workspace', crd));
    assert.deepEqual(rest, []);
    assert.ok(finding);
    assert.equal(finding.severity, 'error');
    assert.match(
      finding.message,
      /^Application "superset": unknown field "spec\.destinaton" \(did you mean "destination"\?\)/,
    );
    assert.equal(text.slice(finding.start, finding.end), 'destinaton');
    assert.equal(lineOf(text, finding), 8);
  });

  test('the CRD in the same file is enough (scope: file)', () => {
    const text = `${crd}\n---\n${application('  project: default\n  destination: {namespace: x}\n  sourc: {}')}`;
    const found = findings(text, 'schema-invalid');
    assert.deepEqual(
      found.map((f) => f.message.replace(/;.*/, '')),
      ['Application "superset": unknown field "spec.sourc" (did you mean "source"?)'],
    );
  });

  test('a valid Application passes: preserve-unknown-fields, int-or-string, metadata as ObjectMeta', () => {
    assert.deepEqual(findings(application(valid), 'schema-invalid', scope('workspace', crd)), []);
  });

  test('wrong types, required fields in list items and metadata are checked as for built-ins', () => {
    const text = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: superset
  lables: {a: b}
spec:
  project: default
  destination: {namespace: x}
  revisionHistoryLimit: "10"
  syncPolicy:
    automated: {prune: yes}
  info:
    - {name: docs}
    - {name: web, value: x, port: [80]}`;
    const found = findings(text, 'schema-invalid', scope('workspace', crd)).map((f) =>
      f.message.replace(/;.*/, ''),
    );
    assert.deepEqual(found, [
      'Application "superset": unknown field "metadata.lables" (did you mean "labels"?)',
      'Application "superset": spec.revisionHistoryLimit must be an integer, not a string ("10") (remove the quotes)',
      'Application "superset": spec.syncPolicy.automated.prune is an unquoted yes: a boolean for kubectl and Helm (YAML 1.1) but a string for YAML 1.2 tools such as kustomize (write true)',
      'Application "superset": spec.info[0] is missing the required field "value"',
      'Application "superset": spec.info[1].port must be a number or a string, not a list',
    ]);
  });

  test('an unserved version is not used; a custom resource with no schema is listed once per kind', () => {
    const text = `apiVersion: argoproj.io/v1alpha0
kind: Application
metadata: {name: a}
spec: {whatever: 1}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: a}
spec: {endpoints: []}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: b}
spec: {endpoints: []}`;
    const found = findings(text, 'schema-invalid', scope('workspace', crd));
    assert.deepEqual(
      found.map((f) => `${f.severity} ${lineOf(text, f)} ${f.message.replace(/ \(.*/, '')}`),
      [
        'info 2 no schema for `argoproj.io/v1alpha0 Application`: validated structurally only',
        'info 7 no schema for `monitoring.coreos.com/v1 ServiceMonitor`: validated structurally only',
      ],
    );
  });

  test('built-in kinds, removed versions and tool configs are not custom resources', () => {
    assert.ok(isCustomResource('argoproj.io/v1alpha1', 'Application'));
    assert.ok(!isCustomResource('apps/v1', 'Deployment'));
    assert.ok(!isCustomResource('extensions/v1beta1', 'Deployment'));
    assert.ok(!isCustomResource('kustomize.config.k8s.io/v1beta1', 'Kustomization'));
    assert.ok(!isCustomResource('v1', 'Config'));
  });

  test('conversion: the structural-schema extensions', () => {
    assert.deepEqual(convertSchema({ 'x-kubernetes-int-or-string': true }), { t: 'is' });
    assert.deepEqual(convertSchema({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }), {
      t: 'o',
    });
    assert.deepEqual(
      convertSchema({
        type: 'object',
        properties: { a: { type: 'string', enum: ['X', 'Y'] } },
        'x-kubernetes-preserve-unknown-fields': true,
      }),
      { t: 'o', p: { a: { t: 's', e: ['X', 'Y'] } }, a: 1 },
    );
    assert.deepEqual(convertSchema({ type: 'object', additionalProperties: { type: 'integer' } }), {
      t: 'o',
      p: {},
      a: { t: 'i' },
    });
    // No properties, no additionalProperties: the API server prunes (and strictly rejects) every field.
    assert.deepEqual(convertSchema({ type: 'object' }), { t: 'o', p: {} });
    assert.deepEqual(convertSchema({ anyOf: [{ type: 'integer' }] }), { t: 'any' });
  });

  test('served versions of a CRD, and the v1beta1 shared schema', () => {
    const file = parseManifestFile(crd);
    const doc = file.documents[0];
    assert.ok(doc?.root);
    assert.deepEqual(
      crdSchemas(doc.root, doc.doc).map((s) => `${s.apiVersion} ${s.kind}`),
      ['argoproj.io/v1alpha1 Application'],
    );
    const old = parseManifestFile(`apiVersion: apiextensions.k8s.io/v1beta1
kind: CustomResourceDefinition
metadata: {name: schedules.velero.io}
spec:
  group: velero.io
  version: v1
  names: {kind: Schedule}
  validation:
    openAPIV3Schema:
      type: object
      properties:
        spec: {type: object, properties: {schedule: {type: string}}}`).documents[0];
    assert.ok(old?.root);
    assert.deepEqual(
      crdSchemas(old.root, old.doc).map((s) => `${s.apiVersion} ${s.kind}`),
      ['velero.io/v1 Schedule'],
    );
  });
});

describe("the test cluster's CRDs (scenarios/crds.ts)", () => {
  const crds = PLATFORM_CRDS.map((c) => stringify(c)).join('---\n');

  test('a misspelt field in a Kyverno PolicyException and a Velero Schedule', () => {
    const text = `apiVersion: kyverno.io/v2
kind: PolicyException
metadata: {name: allow-debug, namespace: kyverno}
spec:
  exceptions:
    - policyName: disallow-privileged
      ruleNmes: [privileged-containers]
  match: {any: [{resources: {kinds: [Pod]}}]}
---
apiVersion: velero.io/v1
kind: Schedule
metadata: {name: nightly, namespace: velero}
spec:
  schedule: "0 3 * * *"
  template:
    includedNamespaces: [data-platform]
    ttl: 720h
    snapshotVolume: true`;
    const found = findings(text, 'schema-invalid', scope('workspace', crds)).map(
      (f) => `${lineOf(text, f)} ${f.message.replace(/;.*/, '')}`,
    );
    assert.deepEqual(found, [
      '6 PolicyException "allow-debug": spec.exceptions[0] is missing the required field "ruleNames"',
      '7 PolicyException "allow-debug": unknown field "spec.exceptions[0].ruleNmes" (did you mean "ruleNames"?)',
      '18 Schedule "nightly": unknown field "spec.template.snapshotVolume" (did you mean "snapshotVolumes"?)',
    ]);
  });
});

test('a CRD schema converted a level at a time, as the validator walks in, finds what the whole one finds', () => {
  const files = [
    'crds/argocd-application.crd.yaml',
    'crd-heavy/prometheusrule-crd.yaml',
    'crd-heavy/tricky-crds.yaml',
  ];
  let random = 7;
  const next = () => (random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  // An instance of a schema with, here and there, a misspelt key, a wrong type or a missing item.
  const instance = (s: unknown, depth: number): unknown => {
    const o = (s ?? {}) as Record<string, unknown>;
    const props = (o['properties'] ?? {}) as Record<string, unknown>;
    if (o['type'] === 'array') return depth > 8 ? [] : [instance(o['items'], depth + 1)];
    if (o['type'] === 'integer') return next() < 0.1 ? 'one' : 1;
    if (o['type'] === 'boolean') return next() < 0.1 ? 'yes' : true;
    if (o['type'] === 'string') return next() < 0.1 ? 5 : 'v';
    const out: Record<string, unknown> = {};
    if (depth > 8) return out;
    for (const [key, child] of Object.entries(props)) {
      if (next() < 0.3) continue;
      out[next() < 0.05 ? `${key}x` : key] = instance(child, depth + 1);
    }
    return out;
  };
  let issues = 0;
  for (const name of files) {
    const text = readFileSync(join(__dirname, '../../fixtures', name), 'utf8');
    for (const document of parseManifestFile(text).documents) {
      if (!document.root) continue;
      const whole = crdSchemas(document.root, document.doc);
      const { spec } = document.doc.toJS() as {
        spec: { versions?: { name: string; schema?: { openAPIV3Schema?: unknown } }[] };
      };
      for (const schema of whole) {
        const version = spec.versions?.find((v) => schema.apiVersion.endsWith(`/${v.name}`));
        const openAPI = version?.schema?.openAPIV3Schema;
        if (!openAPI) continue;
        for (let round = 0; round < 20; round++) {
          const cr = {
            apiVersion: schema.apiVersion,
            kind: schema.kind,
            metadata: { name: 'x' },
            ...(instance(openAPI, 0) as object),
          };
          const file = parseManifestFile(stringify(cr));
          const root = file.documents[0]?.root;
          assert.ok(root);
          const shallow = crdSchemaFor([{ crdSchemas: whole }], schema.apiVersion, schema.kind);
          assert.ok(shallow && shallow !== schema.schema, 'the validator is given the level-at-a-time form');
          const doc = file.documents[0]?.doc;
          assert.ok(doc);
          const lazy = validateObject(root, schema.apiVersion, schema.kind, doc, { schema: shallow });
          const full = validateObject(root, schema.apiVersion, schema.kind, doc, { schema: schema.schema });
          assert.deepEqual(
            lazy.map((i) => [i.code, i.path, i.message]),
            full.map((i) => [i.code, i.path, i.message]),
          );
          issues += lazy.length;
        }
      }
    }
  }
  assert.ok(issues > 20, `only ${issues} issues: the instances test too little`);
});
