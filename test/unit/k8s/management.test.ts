import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  managedRefusal,
  managementOf,
  managementOfMeta,
  parseChartLabel,
  parseTrackingId,
} from '../../../src/core/k8s/management';
import type { ObjectMeta } from '../../../src/core/k8s/types';

/** What the seeded trino-coordinator carries: chart labels, Helm's annotations, Argo's tracking id. */
const coordinator: ObjectMeta = {
  name: 'trino-coordinator',
  namespace: 'data-platform',
  labels: {
    'app.kubernetes.io/name': 'trino',
    'app.kubernetes.io/instance': 'data-platform',
    'app.kubernetes.io/managed-by': 'Helm',
    'helm.sh/chart': 'trino-0.2.1',
  },
  annotations: {
    'meta.helm.sh/release-name': 'data-platform',
    'meta.helm.sh/release-namespace': 'data-platform',
    'argocd.argoproj.io/tracking-id': 'data-platform:apps/Deployment:data-platform/trino-coordinator',
  },
};

test("Argo CD's tracking id: app, group/kind, namespace/name; an app in another namespace is ns_app", () => {
  assert.deepEqual(parseTrackingId('data-platform:apps/Deployment:data-platform/trino-coordinator'), {
    app: 'data-platform',
    kind: 'Deployment',
    name: 'trino-coordinator',
  });
  // The core group is empty; a cluster-scoped object has no namespace.
  assert.deepEqual(parseTrackingId('team-a_web:/Namespace:/web'), {
    app: 'web',
    namespace: 'team-a',
    kind: 'Namespace',
    name: 'web',
  });
  assert.equal(parseTrackingId('not a tracking id'), undefined);
});

test('helm.sh/chart splits at the version, names with dashes and digits kept', () => {
  assert.deepEqual(parseChartLabel('trino-0.2.1'), { chart: 'trino', version: '0.2.1' });
  assert.deepEqual(parseChartLabel('spark-history-0.1.3'), { chart: 'spark-history', version: '0.1.3' });
  assert.deepEqual(parseChartLabel('k8s-2fa-proxy-1.2.3-rc.1'), {
    chart: 'k8s-2fa-proxy',
    version: '1.2.3-rc.1',
  });
  assert.deepEqual(parseChartLabel('nochart'), { chart: 'nochart' });
});

test('a Helm release synced by Argo CD: both, with the chart and the release namespace', () => {
  assert.deepEqual(managementOfMeta('Deployment', coordinator), {
    helm: { release: 'data-platform', namespace: 'data-platform', chart: 'trino', version: '0.2.1' },
    argo: { app: 'data-platform' },
    object: { kind: 'Deployment', name: 'trino-coordinator', namespace: 'data-platform' },
  });
});

test('labels alone (helm template | kubectl apply, or Argo CD rendering a chart) still name the release', () => {
  const m = managementOfMeta('Service', { name: 'trino', labels: coordinator.labels ?? {} });
  assert.deepEqual(m?.helm, { release: 'data-platform', chart: 'trino', version: '0.2.1' });
  assert.equal(m?.argo, undefined);
  // The instance label without managed-by Helm is not a release (kustomize, other tools set it).
  assert.equal(
    managementOfMeta('Deployment', { name: 'x', labels: { 'app.kubernetes.io/instance': 'x' } }),
    undefined,
  );
  assert.equal(managementOfMeta('Deployment', { name: 'plain', labels: { app: 'plain' } }), undefined);
  assert.equal(managementOfMeta('Deployment', undefined), undefined);
});

test('a pod is managed by what manages its controller chain (pod → ReplicaSet → Deployment)', () => {
  const metas: Record<string, ObjectMeta> = {
    'ReplicaSet/trino-coordinator-5d8f': {
      name: 'trino-coordinator-5d8f',
      namespace: 'data-platform',
      labels: { app: 'trino-coordinator', 'pod-template-hash': '5d8f' },
      ownerReferences: [{ kind: 'Deployment', name: 'trino-coordinator', controller: true }],
    },
    'Deployment/trino-coordinator': coordinator,
  };
  const pod: ObjectMeta = {
    name: 'trino-coordinator-5d8f-abcde',
    namespace: 'data-platform',
    labels: { 'app.kubernetes.io/name': 'trino' },
    ownerReferences: [{ kind: 'ReplicaSet', name: 'trino-coordinator-5d8f', controller: true }],
  };
  const m = managementOf('Pod', pod, (kind, ns, name) => {
    assert.equal(ns, 'data-platform');
    return metas[`${kind}/${name}`];
  });
  assert.deepEqual(m?.object, { kind: 'Deployment', name: 'trino-coordinator', namespace: 'data-platform' });
  assert.equal(m?.argo?.app, 'data-platform');
  // An owner the cluster does not have (yet): nothing is made up.
  assert.equal(
    managementOf('Pod', pod, () => undefined),
    undefined,
  );
});

test('the refusal says who manages it and what to do instead', () => {
  const both = managementOfMeta('Deployment', coordinator);
  assert.ok(both);
  assert.match(managedRefusal(both), /^managed by Argo CD app data-platform: commit and sync/);
  const helmOnly = managementOfMeta('Deployment', {
    ...coordinator,
    annotations: { 'meta.helm.sh/release-name': 'rel', 'meta.helm.sh/release-namespace': 'ns' },
  });
  assert.ok(helmOnly);
  assert.match(managedRefusal(helmOnly), /^managed by Helm release rel: helm upgrade rel -n ns/);
});
