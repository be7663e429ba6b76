/** Pending on a volume: the bound PersistentVolume's node affinity and zone, node by node. */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose } from '../../../src/core/diagnose/diagnose';
import { inventoryFromObjects } from '../../../src/core/diagnose/inventory';
import type { Inventory } from '../../../src/core/diagnose/types';
import { emptyClusterState, type Node, type Pod } from '../../../src/core/k8s/types';

const ZONE = 'topology.kubernetes.io/zone';
const node = (name: string, labels: Record<string, string>): Node => ({
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
  status: {
    allocatable: { cpu: '4', memory: '16Gi', pods: '110' },
    conditions: [{ type: 'Ready', status: 'True' }],
  },
});
const pending: Pod = {
  kind: 'Pod',
  metadata: { name: 'db-0', namespace: 'data', uid: 'p' },
  spec: {
    containers: [{ name: 'db', resources: { requests: { cpu: '500m' } } }],
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } }],
  },
  status: {
    phase: 'Pending',
    conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
  },
};
const pv = (spec: Record<string, unknown>, labels?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name: 'pv-db', ...(labels ? { labels } : {}) },
  spec: { capacity: { storage: '10Gi' }, ...spec },
});
const claim = {
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data-db-0', namespace: 'data' },
  spec: { volumeName: 'pv-db' },
  status: { phase: 'Bound' },
};
const zoneAffinity = {
  nodeAffinity: {
    required: {
      nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE, operator: 'In', values: ['eu-1a'] }] }],
    },
  },
};

const run = (nodes: Node[], inventory: Inventory) =>
  diagnose(pending, {
    state: { ...emptyClusterState(), pods: [pending], nodes },
    inventory,
    now: Date.now(),
  });
const rows = (d: ReturnType<typeof run>) =>
  (d.sections.find((s) => s.title === 'Why it is Pending')?.table ?? []).slice(1);

test('a PersistentVolume and its claim are read with what the scheduler needs', () => {
  const inv = inventoryFromObjects([claim, pv(zoneAffinity, { [ZONE]: 'eu-1a', other: 'x' })]);
  assert.equal(inv.claims?.[0]?.volumeName, 'pv-db');
  assert.deepEqual(inv.volumes, [
    {
      name: 'pv-db',
      zoneLabels: { [ZONE]: 'eu-1a' },
      nodeAffinity: [
        { matchExpressions: [{ key: ZONE, operator: 'In', values: ['eu-1a'] }], matchFields: [] },
      ],
    },
  ]);
});

test("a node outside the volume's node affinity fails with the scheduler's 'volume node affinity conflict'", () => {
  const d = run(
    [node('a-1', { [ZONE]: 'eu-1a' }), node('b-1', { [ZONE]: 'eu-1b' }), node('c-1', {})],
    inventoryFromObjects([claim, pv(zoneAffinity)]),
  );
  assert.deepEqual(rows(d), [
    ['a-1', 'yes', '—'],
    [
      'b-1',
      'no',
      "volume node affinity conflict: the node doesn't match PersistentVolume pv-db's node affinity (claim data-db-0: needs topology.kubernetes.io/zone In [eu-1a]; node has topology.kubernetes.io/zone=eu-1b)",
    ],
    [
      'c-1',
      'no',
      "volume node affinity conflict: the node doesn't match PersistentVolume pv-db's node affinity (claim data-db-0: needs topology.kubernetes.io/zone In [eu-1a]; node has no topology.kubernetes.io/zone)",
    ],
  ]);
});

test('no node in the volume zone: 0/2 fit on the volume, and the smallest change says where', () => {
  const d = run(
    [node('b-1', { [ZONE]: 'eu-1b' }), node('b-2', { [ZONE]: 'eu-1b' })],
    inventoryFromObjects([claim, pv(zoneAffinity)]),
  );
  assert.equal(d.verdict, '0/2 nodes fit: 2 volume node affinity conflict');
  assert.match(
    d.sections.flatMap((s) => s.findings.map((f) => f.text)).join('\n'),
    /Smallest change: run the pod where its volume is/,
  );
});

test("zone labels on the volume (VolumeZone): 'no available volume zone'; a multi-zone label and beta labels too", () => {
  const d = run(
    [
      node('a-1', { [ZONE]: 'eu-1a' }),
      node('c-1', { [ZONE]: 'eu-1c' }),
      node('d-1', { [ZONE]: 'eu-1d' }),
      // No zone label at all: the scheduler does not hold it to the volume's zone.
      node('bare', {}),
    ],
    inventoryFromObjects([claim, pv({}, { 'failure-domain.beta.kubernetes.io/zone': 'eu-1a__eu-1c' })]),
  );
  assert.deepEqual(
    rows(d).map((r) => [r[0], r[1], r[2]]),
    [
      ['a-1', 'yes', '—'],
      ['c-1', 'yes', '—'],
      [
        'd-1',
        'no',
        'no available volume zone (PersistentVolume pv-db of claim data-db-0 is in failure-domain.beta.kubernetes.io/zone=eu-1a__eu-1c; node has failure-domain.beta.kubernetes.io/zone=eu-1d)',
      ],
      ['bare', 'yes', '—'],
    ],
  );
});

test('an unknown volume, or a claim not bound yet, is not judged per node', () => {
  const unknown = run([node('b-1', { [ZONE]: 'eu-1b' })], inventoryFromObjects([claim]));
  assert.deepEqual(rows(unknown), [['b-1', 'yes', '—']]);
  const unbound = run(
    [node('b-1', { [ZONE]: 'eu-1b' })],
    inventoryFromObjects([{ ...claim, status: { phase: 'Pending' } }, pv(zoneAffinity)]),
  );
  assert.deepEqual(rows(unbound), [['b-1', 'yes', '—']]);
  assert.match(unbound.verdict ?? '', /^PersistentVolumeClaim data-db-0 is Pending/);
});
