import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  helmSettings,
  inlineLocation,
  joinPath,
  kustomizeSettings,
  mayHoldArgoApp,
  readArgoApps,
} from '../../../src/core/render/argo-app';

const REPO = 'https://git.example/platform/infrastructure.git';

const app = (spec: string, name = 'data-platform') => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
  namespace: argocd
spec:
${spec}`;

test('an Application with one source: release, value files, parameters, destination namespace', () => {
  const text = app(`  source:
    repoURL: ${REPO}
    path: helm/charts/data-platform
    helm:
      releaseName: dp
      valueFiles:
        - values.yaml
        - ../shared/values-prod.yaml
      ignoreMissingValueFiles: true
      skipCrds: true
      parameters:
        - name: trino.worker.replicas
          value: "1"
        - name: superset.image.tag
          value: "2.1"
          forceString: true
  destination:
    namespace: data
`);
  assert.equal(mayHoldArgoApp(text), true);
  const [a] = readArgoApps(text);
  assert.ok(a);
  assert.equal(a.name, 'data-platform');
  assert.equal(a.line, 1);
  const source = a.sources[0];
  assert.ok(source);
  assert.equal(source.path, 'helm/charts/data-platform');
  const s = helmSettings(a, source);
  assert.equal(s.release, 'dp');
  assert.equal(s.namespace, 'data');
  assert.deepEqual(s.valueFiles, [
    { path: 'helm/charts/data-platform/values.yaml', line: 12 },
    { path: 'helm/charts/shared/values-prod.yaml', line: 13 },
  ]);
  assert.equal(s.ignoreMissingValueFiles, true);
  assert.deepEqual(s.set, ['trino.worker.replicas=1']);
  assert.deepEqual(s.setString, ['superset.image.tag=2.1']);
  assert.deepEqual(s.extraArgs, ['--skip-crds']);
  assert.equal(s.inline, undefined);
});

test('defaults: release = app name, namespace = destination (else default), no value files', () => {
  const [a] = readArgoApps(app(`  source:\n    repoURL: ${REPO}\n    path: charts/x\n`, 'trino'));
  assert.ok(a?.sources[0]);
  const s = helmSettings(a, a.sources[0]);
  assert.equal(s.release, 'trino');
  assert.equal(s.namespace, 'default');
  assert.deepEqual(s.valueFiles, []);
});

test('sources[]: a $ref into the same repository resolves, another repository is said to be missing', () => {
  const text = app(`  sources:
    - repoURL: ${REPO}
      path: helm/charts/data-platform
      helm:
        valueFiles:
          - $values/envs/prod/values.yaml
          - $other/values.yaml
          - $nope/values.yaml
          - https://example.com/values.yaml
    - repoURL: https://git.example/platform/infrastructure
      ref: values
    - repoURL: https://git.example/elsewhere.git
      ref: other
`);
  const [a] = readArgoApps(text);
  assert.ok(a);
  assert.equal(a.sources.length, 3);
  const s = helmSettings(a, a.sources[0] as never);
  assert.deepEqual(s.valueFiles[0], { path: 'envs/prod/values.yaml', line: 11 });
  assert.match(
    (s.valueFiles[1] as { why: string }).why,
    /comes from https:\/\/git\.example\/elsewhere\.git, not this workspace/,
  );
  assert.match((s.valueFiles[2] as { why: string }).why, /no source of this Application has ref: nope/);
  assert.match((s.valueFiles[3] as { why: string }).why, /URL/);
});

test('inline values: valuesObject wins over values; lines map back into the Application file', () => {
  const text = app(`  source:
    repoURL: ${REPO}
    path: charts/x
    helm:
      values: |
        superset:
          replicas: 1
      valuesObject:
        trino:
          worker:
            replicas: 1
`);
  const [a] = readArgoApps(text);
  assert.ok(a?.sources[0]);
  const s = helmSettings(a, a.sources[0]);
  assert.equal(s.inline?.key, 'valuesObject');
  assert.equal(s.inline?.text, 'trino:\n  worker:\n    replicas: 1\n');
  // "replicas" is line 2 of the written values file, line 16 (0-based) of the Application file.
  assert.deepEqual(inlineLocation(text, 0, s.inline, 2, 4), {
    line: 16,
    column: 12,
    endLine: 16,
    endColumn: 23,
  });

  const only = app(`  source:
    path: charts/x
    helm:
      values: |
        superset:
          replicas: 1
`);
  const [b] = readArgoApps(only);
  assert.ok(b?.sources[0]);
  const inline = helmSettings(b, b.sources[0]).inline;
  assert.equal(inline?.key, 'values');
  assert.ok(inline);
  assert.deepEqual(inlineLocation(only, 0, inline, 1, 2), {
    line: 11,
    column: 10,
    endLine: 11,
    endColumn: 21,
  });
  // A line the block does not have falls back to the `values:` key.
  assert.equal(inlineLocation(only, 0, inline, 7, 0)?.line, 9);
});

test('a second document, and documents that are not Applications, are read in place', () => {
  const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n${app('  source:\n    path: a\n', 'one')}---\napiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: p}\n---\n${app('  source:\n    path: b\n', 'two')}`;
  const apps = readArgoApps(text);
  assert.deepEqual(
    apps.map((a) => [a.name, a.document, a.line, a.sources[0]?.path]),
    [
      ['one', 1, 5, 'a'],
      ['two', 3, 18, 'b'],
    ],
  );
  assert.equal(mayHoldArgoApp('kind: Application\n'), false, 'no argoproj.io: not Argo CD');
});

test('kustomize options become a kustomization over the overlay; the rest is named', () => {
  const [a] = readArgoApps(
    app(`  source:
    path: kustomize/overlays/prod
    kustomize:
      namePrefix: prod-
      nameSuffix: -v2
      namespace: portal
      images:
        - ghcr.io/acme/api:1.4.2
        - nginx=registry.local/nginx:1.27@sha256:abc
      commonLabels:
        team: portal
      commonAnnotations:
        owner: platform
      components: [../../components/x]
  destination:
    namespace: ignored-when-kustomize-sets-one
`),
  );
  assert.ok(a?.sources[0]);
  const k = kustomizeSettings(a, a.sources[0]);
  assert.equal(k.namespace, 'portal');
  assert.deepEqual(k.overlay, {
    namePrefix: 'prod-',
    nameSuffix: '-v2',
    namespace: 'portal',
    images: [
      { name: 'ghcr.io/acme/api', newTag: '1.4.2' },
      { digest: 'sha256:abc', name: 'nginx', newName: 'registry.local/nginx', newTag: '1.27' },
    ],
    labels: [{ pairs: { team: 'portal' }, includeSelectors: true, includeTemplates: true }],
    commonAnnotations: { owner: 'platform' },
  });
  assert.deepEqual(k.notes, ['kustomize.components of Argo CD app data-platform is not honoured']);
  assert.deepEqual(kustomizeSettings(a, { ...a.sources[0], kustomize: {} }).overlay, undefined);
});

test('repo paths are normalised and never climb above the repo', () => {
  assert.equal(joinPath('helm/charts/x', '../y/values.yaml'), 'helm/charts/y/values.yaml');
  assert.equal(joinPath('a', '../../../etc/passwd'), 'etc/passwd');
  assert.equal(joinPath('.', './values.yaml'), 'values.yaml');
});
