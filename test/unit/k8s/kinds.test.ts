import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { KINDS, findInState, kindInfo } from '../../../src/core/k8s/kinds';
import { stateFromObjects } from '../../../src/core/k8s/state';
import { emptyClusterState } from '../../../src/core/k8s/types';

test('every list of a ClusterState has exactly one kind in the registry', () => {
  const lists = Object.keys(emptyClusterState()).sort();
  assert.deepEqual(KINDS.map((k) => k.list).sort(), lists);
  assert.equal(new Set(KINDS.map((k) => k.kind)).size, KINDS.length);
});

test('a snapshot loads each registered kind into its list, and skips kinds it does not keep', () => {
  const items = [
    ...KINDS.map((k) => ({
      apiVersion: k.group ? `${k.group}/${k.version}` : k.version,
      kind: k.kind,
      metadata: { name: `a-${k.plural}`, ...(k.namespaced ? { namespace: 'ns' } : {}) },
    })),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns' } },
  ];
  const state = stateFromObjects([{ apiVersion: 'v1', kind: 'List', items }]);
  for (const k of KINDS)
    assert.deepEqual(
      (state[k.list] as readonly { metadata?: { name?: string } }[]).map((o) => o.metadata?.name),
      [`a-${k.plural}`],
      k.kind,
    );
  assert.equal(kindInfo('ConfigMap'), undefined);
});

test('findInState tells namespaces apart and finds cluster-scoped objects without one', () => {
  const state = stateFromObjects([
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'a' } },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'b', uid: 'b' } },
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-1' } },
  ]);
  assert.equal(findInState(state, 'Deployment', 'b', 'web')?.metadata?.uid, 'b');
  assert.equal(findInState(state, 'Deployment', 'c', 'web'), undefined);
  assert.equal(findInState(state, 'Node', undefined, 'worker-1')?.metadata?.name, 'worker-1');
  assert.equal(findInState(state, 'ConfigMap', 'a', 'web'), undefined);
});
