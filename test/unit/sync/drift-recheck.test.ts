import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { changeMark } from '../../../src/core/k8s/change-mark';
import { slimObject } from '../../../src/core/k8s/slim';
import {
  emptyClusterState,
  type ClusterState,
  type ResourceQuota,
  type Workload,
} from '../../../src/core/k8s/types';
import type { Inspection } from '../../../src/core/sync/inspection';
import { movedSince } from '../../../src/core/sync/watched';

const web = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop' };
const live = (meta: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'shop',
    resourceVersion: '42',
    generation: 3,
    labels: { app: 'web' },
    ...meta,
  },
  spec: { replicas: 2 },
  status: { readyReplicas: 2 },
  ...extra,
});
/** The watched list as the explorer holds it: the same slim projection. */
const watched = (object: Record<string, unknown>): ClusterState => ({
  ...emptyClusterState(),
  deployments: [slimObject<Workload>('Deployment')(object)],
});
const checked = (): Inspection => ({
  target: { identity: web, body: {}, documentIndex: 0, start: 0, end: 0 },
  label: 'Deployment shop/web',
  state: 'same',
  resourceVersion: '42',
  // What the check read: the full live object, with annotations the slim projection drops.
  mark: changeMark(live({ annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } })),
});

test('drift lens: a status-only write (new resourceVersion, same generation) does not re-check', () => {
  const after = live(
    { resourceVersion: '43', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
    { status: { readyReplicas: 1 } },
  );
  assert.equal(movedSince(checked(), watched(after), new Set()), false);
});

test('drift lens: a spec change (generation), a label or an annotation change re-checks', () => {
  const none = new Set<keyof ClusterState>();
  assert.equal(movedSince(checked(), watched(live({ resourceVersion: '44', generation: 4 })), none), true);
  assert.equal(
    movedSince(checked(), watched(live({ resourceVersion: '44', labels: { app: 'web', tier: 'x' } })), none),
    true,
  );
  assert.equal(
    movedSince(checked(), watched(live({ resourceVersion: '44', annotations: { team: 'data' } })), none),
    true,
  );
});

test('change mark: the slim projection the watches hold marks an object as the full object does', () => {
  const full = live({
    annotations: {
      team: 'data',
      'meta.helm.sh/release-name': 'shop',
      'deployment.kubernetes.io/revision': '7',
    },
  });
  const slim = slimObject<Workload>('Deployment')(full);
  assert.equal(slim.metadata?.annotations?.['team'], undefined, 'the projection drops it');
  assert.equal(changeMark(slim), changeMark(full));
  // The revision annotation moves with every rollout (the generation says so already).
  const rolled = live({
    annotations: {
      team: 'data',
      'meta.helm.sh/release-name': 'shop',
      'deployment.kubernetes.io/revision': '8',
    },
  });
  assert.equal(changeMark(rolled), changeMark(full));
});

test('change mark: kinds without a generation compare their spec; a quota whose usage moves does not re-check', () => {
  const quota = (used: string, hard = '4') => ({
    metadata: { name: 'q', namespace: 'shop', resourceVersion: used },
    spec: { hard: { 'requests.cpu': hard } },
    status: { used: { 'requests.cpu': used } },
  });
  const inspection = {
    target: {
      identity: { apiVersion: 'v1', kind: 'ResourceQuota', name: 'q', namespace: 'shop' },
      body: {},
      documentIndex: 0,
      start: 0,
      end: 0,
    },
    state: 'same',
    mark: changeMark(quota('1')),
  } as Pick<Inspection, 'state' | 'mark' | 'target'>;
  const state = (q: ReturnType<typeof quota>): ClusterState => ({
    ...emptyClusterState(),
    resourceQuotas: [slimObject<ResourceQuota>('ResourceQuota')(q)],
  });
  assert.equal(movedSince(inspection, state(quota('2')), new Set()), false);
  assert.equal(movedSince(inspection, state(quota('2', '8')), new Set()), true);
});
