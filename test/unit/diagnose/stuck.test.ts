/**
 * Stuck deletions the namespace controller's conditions do not name: an unavailable APIService
 * (read from its own Available condition) and a PVC held by kubernetes.io/pvc-protection.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnoseAll } from '../../../src/core/diagnose/diagnose';
import { inventoryFromObjects } from '../../../src/core/diagnose/inventory';
import { emptyClusterState, type ClusterState, type Pod } from '../../../src/core/k8s/types';
import type { DiagnoseInput, Diagnosis, Inventory } from '../../../src/core/diagnose/types';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const input = (parts: Partial<ClusterState>, inventory: Inventory): DiagnoseInput => ({
  state: { ...emptyClusterState(), ...parts },
  inventory,
  now: NOW,
});
const text = (d: Diagnosis | undefined) =>
  (d?.sections ?? []).flatMap((s) => s.findings.map((f) => `${f.level}: ${f.text}`)).join('\n');

const apiService = (name: string, available: string, reason: string, message: string) => ({
  apiVersion: 'apiregistration.k8s.io/v1',
  kind: 'APIService',
  metadata: { name },
  spec: { group: 'metrics.example.com', version: 'v1beta1', service: { namespace: 'ops', name: 'metrics' } },
  status: { conditions: [{ type: 'Available', status: available, reason, message }] },
});

test('APIServices are read from snapshots as name, service and availability', () => {
  const inventory = inventoryFromObjects([
    {
      kind: 'APIServiceList',
      items: [
        apiService(
          'v1beta1.metrics.example.com',
          'False',
          'ServiceNotFound',
          'service/metrics in "ops" is not present',
        ),
        { ...apiService('v1.apps', 'True', 'Local', 'Local APIServices are always available'), spec: {} },
      ],
    },
  ]);
  assert.deepEqual(inventory.apiServices, [
    {
      name: 'v1beta1.metrics.example.com',
      service: 'ops/metrics',
      available: false,
      reason: 'ServiceNotFound',
      message: 'service/metrics in "ops" is not present',
    },
    { name: 'v1.apps', available: true, reason: 'Local', message: 'Local APIServices are always available' },
  ]);
});

test('a namespace stuck Terminating with no controller condition yet: the unavailable APIService is the cause', () => {
  const ns = {
    kind: 'Namespace',
    metadata: { name: 'old-team', deletionTimestamp: new Date(NOW - 600_000).toISOString() },
    status: { phase: 'Terminating' },
  };
  const [d] = diagnoseAll(
    input(
      { namespaces: [ns] },
      {
        apiServices: [
          {
            name: 'v1beta1.metrics.example.com',
            service: 'ops/metrics',
            available: false,
            reason: 'ServiceNotFound',
            message: 'service/metrics in "ops" is not present',
          },
          { name: 'v1.apps', available: true },
        ],
      },
    ),
  );
  assert.match(
    d?.verdict ?? '',
    /^APIService v1beta1\.metrics\.example\.com is unavailable \(ServiceNotFound: service\/metrics in "ops" is not present\): the namespace controller cannot list its resources in old-team, so deletion waits — fix Service ops\/metrics or delete the APIService\.$/,
  );
  assert.doesNotMatch(text(d), /v1\.apps/);
});

test('a PVC stuck Terminating on pvc-protection names the pod still using it', () => {
  const user: Pod = {
    kind: 'Pod',
    metadata: { name: 'trino-0', namespace: 'data' },
    spec: {
      containers: [{ name: 'c' }],
      volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data-0' } }],
    },
    status: { phase: 'Running' },
  };
  const all = diagnoseAll(
    input(
      { pods: [user] },
      {
        claims: [
          {
            namespace: 'data',
            name: 'data-0',
            phase: 'Bound',
            finalizers: ['kubernetes.io/pvc-protection'],
            deletionTimestamp: new Date(NOW - 600_000).toISOString(),
          },
          { namespace: 'data', name: 'fine', phase: 'Bound', finalizers: ['kubernetes.io/pvc-protection'] },
        ],
      },
    ),
  );
  const claims = all.filter((d) => d.owner.startsWith('PersistentVolumeClaim/'));
  assert.deepEqual(
    claims.map((d) => d.owner),
    ['PersistentVolumeClaim/data-0'],
  );
  assert.equal(claims[0]?.namespace, 'data');
  assert.match(
    claims[0]?.verdict ?? '',
    /kubernetes\.io\/pvc-protection: .*still used by trino-0: delete those pods first/,
  );
});
