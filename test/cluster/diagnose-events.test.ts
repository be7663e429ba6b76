/**
 * Events past the API server's TTL, on the real kube-apiserver: a connection keeps every event it
 * has seen; one deleted from the API server (what --event-ttl does an hour after its last update)
 * still shows in Diagnose, marked as kept by Shipshape; and a snapshot written from that
 * connection carries it, so `shipshape diagnose --all --snapshot FILE` shows it offline.
 */
import * as assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ClusterConnection } from '../../src/adapters/k8s/connection';
import { readNamespaceForDiagnosis } from '../../src/adapters/k8s/diagnose-read';
import { forContext, loadKubeconfig } from '../../src/adapters/k8s/kubeconfig';
import type { KubeRest } from '../../src/adapters/k8s/rest';
import { readSnapshotList, writeSnapshotFile } from '../../src/adapters/k8s/snapshot-write';
import { diagnoseCommand } from '../../src/cli/diagnose';
import { diagnosePod } from '../../src/core/diagnose/diagnose';
import { KEPT_SINCE_ANNOTATION, mergeEvents } from '../../src/core/diagnose/event-archive';
import { diagnosisMarkdown } from '../../src/core/diagnose/render';
import type { Diagnosis } from '../../src/core/diagnose/types';
import { stateFromObjects } from '../../src/core/k8s/state';
import { silentLogger } from '../../src/core/log';
import { startTestCluster, type TestCluster } from '../../scripts/harness/testcluster';
import { crashLoop, eventually, namespace, NOW_ISO, restFor, setPodStatus } from './support/kube';
import { scratchDir } from '../../scripts/harness/scratch';

const NS = 'incident';
const POD = 'api-0';
const SECRET_VALUE = 'dG9wLXNlY3JldC12YWx1ZQ==';
let cluster: TestCluster;
let rest: KubeRest;
let connection: ClusterConnection;
let podUid = '';
const dir = scratchDir('shipshape-events-');

async function event(name: string, type: string, reason: string, message: string): Promise<void> {
  await rest.request('POST', `/api/v1/namespaces/${NS}/events`, {
    body: {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: NS },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name: POD, namespace: NS, uid: podUid },
      type,
      reason,
      message,
      count: 1,
      firstTimestamp: NOW_ISO(),
      lastTimestamp: NOW_ISO(),
      source: { component: 'kubelet' },
    },
    what: `create event ${name}`,
  });
}

before(async () => {
  cluster = await startTestCluster({ users: ['viewer'] });
  rest = restFor(cluster.kubeconfig);
  await namespace(rest, NS);
  const created = await rest.request<{ metadata: { uid: string } }>('POST', `/api/v1/namespaces/${NS}/pods`, {
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: POD, namespace: NS },
      spec: { nodeName: 'worker-1', containers: [{ name: 'app', image: 'nginx:1.27' }] },
    },
    what: 'create pod',
  });
  podUid = created.metadata.uid;
  await setPodStatus(rest, NS, POD, crashLoop());
  await rest.request('POST', `/api/v1/namespaces/${NS}/secrets`, {
    body: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'api-token' },
      data: { token: SECRET_VALUE },
    },
    what: 'create secret',
  });
  const source = loadKubeconfig([cluster.kubeconfig]);
  const context = source.kc.getCurrentContext();
  connection = new ClusterConnection(forContext(source, context), context, silentLogger, {
    archiveEvents: true,
  });
  connection.start();
  await eventually(() => assert.ok(connection.eventArchive?.ready, 'archive watch not up'), 60_000);
  await event('api-0.pulled', 'Normal', 'Pulled', 'Successfully pulled image "nginx:1.27" in 2.1s');
  await event('api-0.backoff', 'Warning', 'BackOff', 'Back-off restarting failed container app');
});
after(async () => {
  connection?.dispose();
  rest?.dispose();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Diagnose as the extension does for a live cluster: a fresh read of the namespace ∪ the archive. */
async function diagnoseLive(): Promise<Diagnosis | undefined> {
  const read = await readNamespaceForDiagnosis(rest, NS, [POD]);
  const state = stateFromObjects([...read.pods, ...read.events]);
  const events = mergeEvents(state.events, connection.eventArchive?.events() ?? []);
  return diagnosePod({ state: { ...state, events }, inventory: read.inventory, now: Date.now() }, NS, POD);
}

/** The archive has marked the event the first test deleted as kept. */
const deletionSeen = () =>
  eventually(
    () =>
      assert.ok(
        connection.eventArchive?.events().some((e) => e.metadata?.annotations?.[KEPT_SINCE_ANNOTATION]),
        'the deletion not seen yet',
      ),
    60_000,
  );

const row = (d: Diagnosis | undefined, reason: string) => d?.timeline.find((t) => t.reason === reason);

test('an event the API server deleted stays in the Diagnose timeline, marked as kept by Shipshape', async () => {
  // Seen by the watch while both events live: neither is marked.
  await eventually(async () => {
    const d = await diagnoseLive();
    assert.ok(row(d, 'Pulled') && row(d, 'BackOff'), 'events not seen yet');
    assert.equal(row(d, 'Pulled')?.kept, undefined);
  }, 60_000);
  // What the API server's --event-ttl does an hour after the last update.
  await rest.request('DELETE', `/api/v1/namespaces/${NS}/events/api-0.pulled`, { what: 'delete event' });
  const d = await eventually(async () => {
    const read = await readNamespaceForDiagnosis(rest, NS, [POD]);
    assert.equal(
      read.events.some((e) => (e['metadata'] as { name?: string }).name === 'api-0.pulled'),
      false,
      'the API server still has the event',
    );
    const live = await diagnoseLive();
    assert.match(
      row(live, 'Pulled')?.kept ?? '',
      /^expired from the API server, kept by Shipshape since \d\d:\d\d UTC$/,
    );
    return live;
  }, 60_000);
  assert.equal(row(d, 'BackOff')?.kept, undefined, 'a live event is not marked');
  assert.equal(row(d, 'Pulled')?.message, 'Successfully pulled image "nginx:1.27" in 2.1s');
  assert.match(
    diagnosisMarkdown(d as Diagnosis),
    /in 2\.1s _\(expired from the API server, kept by Shipshape since /,
  );
});

test('a snapshot written from the connection carries the kept event; diagnose --snapshot shows it offline', async () => {
  await deletionSeen();
  const { list } = await readSnapshotList(rest, { archived: connection.eventArchive?.events() ?? [] });
  const file = join(dir, 'incident.json');
  writeSnapshotFile(file, list);
  const text = readFileSync(file, 'utf8');
  assert.equal(text.includes(SECRET_VALUE), false, 'a Secret value reached the snapshot');
  assert.match(text, /"name":"api-token"/);
  let out = '';
  const code = await diagnoseCommand(['--all', '--snapshot', file, '--format', 'json'], (s) => (out += s));
  assert.equal(code, 0);
  const { diagnoses } = JSON.parse(out) as { diagnoses: Diagnosis[] };
  const d = diagnoses.find((x) => x.namespace === NS && x.pod === POD);
  assert.ok(d, `${NS}/${POD} not diagnosed: ${diagnoses.map((x) => x.pod).join(', ')}`);
  assert.match(row(d, 'Pulled')?.kept ?? '', /^expired from the API server, kept by Shipshape since /);
  assert.equal(row(d, 'BackOff')?.kept, undefined);
  assert.ok(row(d, 'Pulled')?.keptSince, 'the time Shipshape first saw it is in the JSON');
});

test('a reconnect continues the archive: the event the API server deleted is still kept', async () => {
  await deletionSeen();
  const source = loadKubeconfig([cluster.kubeconfig]);
  const context = source.kc.getCurrentContext();
  const again = new ClusterConnection(forContext(source, context), context, silentLogger, {
    archiveEvents: true,
    ...(connection.eventArchive ? { eventArchive: connection.eventArchive.archive } : {}),
  });
  connection.dispose();
  again.start();
  try {
    await eventually(() => assert.ok(again.eventArchive?.ready, 'archive watch not up'), 60_000);
    const pulled = again.eventArchive?.events().find((e) => e.metadata?.name === 'api-0.pulled');
    assert.match(pulled?.metadata?.annotations?.[KEPT_SINCE_ANNOTATION] ?? '', /^\d{4}-/);
    // A live one is re-listed by the new watch and not called expired.
    const backoff = again.eventArchive?.events().find((e) => e.metadata?.name === 'api-0.backoff');
    assert.ok(backoff, 'the live event is missing');
    assert.equal(backoff.metadata?.annotations?.[KEPT_SINCE_ANNOTATION], undefined);
  } finally {
    connection = again;
  }
});

test('a user who may read events in one namespace only: the archive watches there and keeps them too', async () => {
  // viewer may read what the explorer lists in `incident`, and nothing across the cluster.
  await rest.request('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/roles`, {
    body: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'read' },
      rules: [
        {
          apiGroups: ['', 'apps', 'batch', 'policy', 'networking.k8s.io'],
          resources: ['*'],
          verbs: ['get', 'list', 'watch'],
        },
      ],
    },
    what: 'create role',
  });
  await rest.request('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/rolebindings`, {
    body: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'read' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read' },
      subjects: [{ kind: 'User', name: 'viewer', apiGroup: 'rbac.authorization.k8s.io' }],
    },
    what: 'create rolebinding',
  });
  const source = loadKubeconfig([cluster.kubeconfig]);
  const scoped = new ClusterConnection(
    forContext(source, 'viewer@testcluster'),
    'viewer@testcluster',
    silentLogger,
    {
      archiveEvents: true,
      pinnedNamespaces: [NS],
      debounceMs: 10,
    },
  );
  scoped.start();
  try {
    const archive = scoped.eventArchive;
    await eventually(() => assert.ok(archive?.ready, 'the per-namespace archive watch is not up'), 60_000);
    await event(
      'api-0.scoped',
      'Warning',
      'Unhealthy',
      'Liveness probe failed: HTTP probe failed with statuscode: 500',
    );
    const named = () => archive?.events().find((e) => e.metadata?.name === 'api-0.scoped');
    await eventually(() => {
      assert.ok(named(), 'not archived yet');
      assert.equal(named()?.metadata?.annotations, undefined, 'a live event is not marked');
    }, 60_000);
    await rest.request('DELETE', `/api/v1/namespaces/${NS}/events/api-0.scoped`, { what: 'delete event' });
    await eventually(
      () => assert.ok(named()?.metadata?.annotations?.[KEPT_SINCE_ANNOTATION], 'the deletion not seen yet'),
      60_000,
    );
  } finally {
    scoped.dispose();
  }
});
