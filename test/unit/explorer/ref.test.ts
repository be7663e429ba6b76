/**
 * refOf: the one answer to "which object is this row about" that every cluster command and the
 * live → manifest lookup share (they were three near-copies before).
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { refOf } from '../../../src/core/explorer/ref';
import type { Problem } from '../../../src/core/health/types';

const source = { id: 'ctx' };

const problem = (p: Partial<Problem>): { source: typeof source; problem: Problem } => ({
  source,
  problem: {
    severity: 4,
    namespace: 'shop',
    reason: 'CrashLoopBackOff',
    owner: { kind: 'Deployment', name: 'web' },
    suggestion: 'Read the previous logs',
    kind: 'pod',
    ...p,
  },
});

test('a pod row: commands act on the pod, its manifest is its workload’s (or its own without one)', () => {
  assert.deepEqual(
    refOf({
      type: 'pod',
      source,
      namespace: 'shop',
      name: 'web-1',
      owner: { kind: 'Deployment', name: 'web' },
    }),
    {
      object: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
      definedBy: { kind: 'Deployment', namespace: 'shop', name: 'web' },
    },
  );
  assert.deepEqual(refOf({ type: 'pod', source, namespace: 'shop', name: 'debug' }), {
    object: { kind: 'Pod', namespace: 'shop', name: 'debug' },
    definedBy: { kind: 'Pod', namespace: 'shop', name: 'debug' },
  });
});

test('workload and Argo CD application rows are their own manifest objects', () => {
  const web = { kind: 'StatefulSet', namespace: 'shop', name: 'db' };
  assert.deepEqual(refOf({ type: 'workload', source, namespace: 'shop', kind: 'StatefulSet', name: 'db' }), {
    object: web,
    definedBy: web,
  });
  const app = { kind: 'Application', namespace: 'argocd', name: 'shop' };
  assert.deepEqual(refOf({ type: 'application', source, namespace: 'argocd', name: 'shop' }), {
    object: app,
    definedBy: app,
  });
});

test('nodes and namespaces are objects to act on, not looked up in manifests; group rows are no object', () => {
  assert.deepEqual(refOf({ type: 'node', source, name: 'node-1' }), {
    object: { kind: 'Node', name: 'node-1' },
  });
  assert.deepEqual(refOf({ type: 'namespace', source, name: 'shop' }), {
    object: { kind: 'Namespace', name: 'shop' },
  });
  assert.equal(refOf({ type: 'group', source, namespace: 'shop', kind: 'Deployment' }), undefined);
  assert.equal(refOf({ type: 'source', source }), undefined);
});

test('a problem is about its pod when it names one, else its owner; its manifest is always the owner’s', () => {
  assert.deepEqual(refOf(problem({ pod: 'web-1' })), {
    object: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
    definedBy: { kind: 'Deployment', namespace: 'shop', name: 'web' },
  });
  assert.deepEqual(refOf(problem({ kind: 'workload' })), {
    object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
    definedBy: { kind: 'Deployment', namespace: 'shop', name: 'web' },
  });
  // A node's problem has no namespace: neither Describe nor the manifest lookup gets an empty one.
  assert.deepEqual(refOf(problem({ kind: 'node', namespace: '', owner: { kind: 'Node', name: 'node-1' } })), {
    object: { kind: 'Node', name: 'node-1' },
    definedBy: { kind: 'Node', name: 'node-1' },
  });
});

test('anything else (no argument, the command palette, a URI) is no object', () => {
  for (const arg of [undefined, null, 'shop', 3, {}, { path: '/x.yaml' }])
    assert.equal(refOf(arg), undefined);
});
