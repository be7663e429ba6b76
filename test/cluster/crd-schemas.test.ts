/**
 * Custom resources validated against the CRDs a real kube-apiserver serves (issue 18): the test
 * cluster's Argo CD, Kyverno and Velero CRDs (scenarios/crds.ts), read as `shipshape lint
 * --context` reads them.
 */
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PLATFORM_CRDS } from '../../scenarios/crds';
import { startTestCluster, type TestCluster } from '../../scripts/harness/testcluster';
import { readClusterCrdSchemas } from '../../src/adapters/k8s/crds';
import { clusterCrdEntries } from '../../src/cli/cluster-crds';
import { analyseText } from '../../src/core/rules/engine';
import { allRules } from '../../src/core/rules/registry';
import { eventually, restFor } from './support/kube';

let cluster: TestCluster;

before(async () => {
  cluster = await startTestCluster();
  const rest = restFor(cluster.kubeconfig);
  for (const crd of PLATFORM_CRDS)
    await rest.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      body: crd,
      what: `create CRD ${crd.metadata.name}`,
    });
});

after(async () => {
  await cluster.stop();
});

const manifests = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: superset, namespace: argocd}
spec:
  project: default
  destinaton: {server: https://kubernetes.default.svc, namespace: superset}
  source: {repoURL: https://charts.example.com, chart: superset}
---
apiVersion: velero.io/v1
kind: Schedule
metadata: {name: nightly, namespace: velero}
spec:
  schedule: "0 3 * * *"
  paused: "no"
  template: {includedNamespaces: [data-platform]}
`;

test("the cluster's CRD schemas validate custom resources: same rule, positions and suggestions", async () => {
  const schemas = await eventually(
    async () => {
      const read = await readClusterCrdSchemas(restFor(cluster.kubeconfig));
      assert.ok(read.length >= PLATFORM_CRDS.length, `${read.length} schemas so far`);
      return read;
    },
    60_000,
    'the CRDs served',
  );
  assert.ok(schemas.some((s) => s.apiVersion === 'kyverno.io/v2' && s.kind === 'PolicyException'));
  const found = analyseText(manifests, {
    rules: allRules,
    index: { scope: 'workspace', objects: [{ identity: {}, file: 'cluster', crdSchemas: schemas }] },
  }).findings.filter((f) => f.rule === 'schema-invalid');
  assert.deepEqual(
    found.map((f) => `${manifests.slice(0, f.start).split('\n').length} ${f.message.replace(/;.*/, '')}`),
    [
      '6 Application "superset": unknown field "spec.destinaton" (did you mean "destination"?)',
      '14 Schedule "nightly": spec.paused must be true or false, not a string ("no")',
    ],
  );
});

test('shipshape lint --context: the CRDs of the named context, once; an unknown context is a usage error', async () => {
  const read = await eventually(
    async () => {
      const r = await clusterCrdEntries(undefined, cluster.kubeconfig);
      assert.ok(r.entries.length >= PLATFORM_CRDS.length);
      return r;
    },
    60_000,
    'the CRDs served',
  );
  assert.ok(
    read.entries.some((e) => e.crdSchemas?.some((s) => s.kind === 'Application')),
    'the Argo CD Application schema',
  );
  await assert.rejects(
    clusterCrdEntries('no-such-context', cluster.kubeconfig),
    /no context "no-such-context"/,
  );
});
