import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod, Service } from '../../../src/core/k8s/types';
import {
  choosePod,
  noPodMessage,
  podReady,
  resolvePodPort,
  selectorQuery,
  serviceSelector,
  serviceTargetPort,
  targetLabel,
  type ForwardTarget,
} from '../../../src/core/pods/forward-target';

const pod = (
  name: string,
  opts: { ready?: boolean; created?: string; deleting?: boolean; http?: number; phase?: string } = {},
): Pod => ({
  metadata: {
    name,
    namespace: 'web',
    creationTimestamp: opts.created ?? '2026-01-01T00:00:00Z',
    ...(opts.deleting ? { deletionTimestamp: '2026-01-02T00:00:00Z' } : {}),
  },
  spec: {
    containers: [{ name: 'app', ports: opts.http ? [{ name: 'http', containerPort: opts.http }] : [] }],
  },
  status: {
    phase: opts.phase ?? 'Running',
    conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
  },
});

const service: Service = {
  metadata: { name: 'grafana', namespace: 'monitoring' },
  spec: {
    selector: { app: 'grafana' },
    ports: [
      { name: 'web', port: 80, targetPort: 'http' },
      { name: 'metrics', port: 9090, targetPort: 9091 },
      { name: 'plain', port: 3000 },
    ],
  },
};

const svcTarget: ForwardTarget = {
  kind: 'Service',
  namespace: 'web',
  name: 'web',
  port: 80,
  targetPort: 'http',
};
const deployTarget: ForwardTarget = { kind: 'Deployment', namespace: 'web', name: 'web', port: 8080 };

test('a Service port resolves to its targetPort, defaulting to the port; its selector as a LabelSelector', () => {
  assert.equal(serviceTargetPort(service, 80), 'http');
  assert.equal(serviceTargetPort(service, 9090), 9091);
  assert.equal(serviceTargetPort(service, 3000), 3000);
  assert.equal(serviceTargetPort(service, 1234), undefined);
  assert.deepEqual(serviceSelector(service), { matchLabels: { app: 'grafana' } });
  assert.equal(serviceSelector({ spec: { selector: {} } }), undefined, 'no selector: no pods of its own');
  assert.equal(serviceSelector({ spec: {} }), undefined);
});

test('a named targetPort is looked up on each pod; numbers (and numeric strings) are used as they are', () => {
  assert.equal(resolvePodPort(pod('a', { http: 8080 }), 'http'), 8080);
  assert.equal(resolvePodPort(pod('a', { http: 8080 }), 'grpc'), undefined);
  assert.equal(resolvePodPort(pod('a'), 9000), 9000);
  assert.equal(resolvePodPort(pod('a'), '9000'), 9000);
});

test('ready: Running with Ready=True and not being deleted', () => {
  assert.equal(podReady(pod('a')), true);
  assert.equal(podReady(pod('a', { ready: false })), false);
  assert.equal(podReady(pod('a', { deleting: true })), false);
  assert.equal(podReady(pod('a', { phase: 'Pending' })), false);
});

test('the pod in use is kept while ready; otherwise the oldest ready pod, by name among equals', () => {
  const pods = [
    pod('web-c', { http: 3, created: '2026-01-03T00:00:00Z' }),
    pod('web-b', { http: 2, created: '2026-01-01T00:00:00Z' }),
    pod('web-a', { http: 1, created: '2026-01-01T00:00:00Z' }),
  ];
  assert.deepEqual(choosePod(svcTarget, pods), { pod: 'web-a', port: 1 });
  assert.deepEqual(choosePod(svcTarget, pods, 'web-c'), { pod: 'web-c', port: 3 });
  // The pod in use went away: the next connection goes elsewhere.
  assert.deepEqual(choosePod(svcTarget, pods, 'web-gone'), { pod: 'web-a', port: 1 });
  // …or it is no longer ready, or being deleted.
  const notReady = [pod('web-a', { http: 1, ready: false }), pod('web-b', { http: 2 })];
  assert.deepEqual(choosePod(svcTarget, notReady, 'web-a'), { pod: 'web-b', port: 2 });
  const deleting = [pod('web-a', { http: 1, deleting: true }), pod('web-b', { http: 2 })];
  assert.deepEqual(choosePod(svcTarget, deleting, 'web-a'), { pod: 'web-b', port: 2 });
  // A pod a connection just failed on is avoided even when it is the one in use.
  assert.deepEqual(choosePod(svcTarget, pods, 'web-a', new Set(['web-a'])), { pod: 'web-b', port: 2 });
});

test('pods without the named port are passed over; a workload forward uses its port number', () => {
  const pods = [pod('old'), pod('new', { http: 8081, created: '2026-02-01T00:00:00Z' })];
  assert.deepEqual(choosePod(svcTarget, pods), { pod: 'new', port: 8081 });
  assert.deepEqual(choosePod(deployTarget, pods), { pod: 'old', port: 8080 });
});

test('no pod: the reason, in words', () => {
  assert.equal(choosePod(svcTarget, []), undefined);
  assert.equal(noPodMessage(svcTarget, []), 'no pods behind Service web/web');
  assert.equal(
    noPodMessage(svcTarget, [pod('a', { ready: false }), pod('b', { ready: false })]),
    'none of the 2 pods behind Service web/web is ready',
  );
  assert.equal(
    noPodMessage(svcTarget, [pod('a')]),
    'no ready pod behind Service web/web has a container port named "http"',
  );
  assert.equal(
    noPodMessage(deployTarget, [pod('a', { ready: false })]),
    'none of the 1 pods behind Deployment web/web is ready',
  );
});

test('the label selector query string, as the API parses it', () => {
  assert.equal(
    selectorQuery({
      matchLabels: { app: 'web', tier: 'front' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'staging'] },
        { key: 'canary', operator: 'NotIn', values: ['true'] },
        { key: 'team', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    }),
    'app=web,tier=front,env in (prod,staging),canary notin (true),team,!legacy',
  );
});

test('status bar labels: the pod, or the object the forward follows', () => {
  assert.equal(targetLabel({ kind: 'Pod', namespace: 'n', name: 'web-0', port: 8080 }), 'web-0:8080');
  assert.equal(targetLabel({ ...svcTarget, name: 'grafana', port: 3000 }), 'svc/grafana:3000');
  assert.equal(targetLabel(deployTarget), 'deploy/web:8080');
  assert.equal(
    targetLabel({ kind: 'StatefulSet', namespace: 'n', name: 'kafka', port: 9092 }),
    'sts/kafka:9092',
  );
});
