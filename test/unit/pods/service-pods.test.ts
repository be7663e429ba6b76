import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Service } from '../../../src/core/k8s/types';
import { podsOfService, serviceOf } from '../../../src/core/pods/service-pods';
import { healthyPod, state } from '../../support/k8s';

const service = (name: string, namespace: string, selector?: Record<string, string>): Service => ({
  metadata: { name, namespace },
  spec: { ports: [{ port: 80 }], ...(selector ? { selector } : {}) },
});

const web = { app: 'web' };
const cluster = state({
  services: [service('web', 'shop', web), service('web', 'blog', web), service('manual', 'shop')],
  pods: [
    healthyPod('web-1', { namespace: 'shop', meta: { labels: web } }),
    healthyPod('web-2', { namespace: 'blog', meta: { labels: web } }),
    healthyPod('db-1', { namespace: 'shop', meta: { labels: { app: 'db' } } }),
  ],
});

test('serviceOf finds a Service by namespace and name', () => {
  assert.equal(serviceOf(cluster, 'blog', 'web')?.metadata?.namespace, 'blog');
  assert.equal(serviceOf(cluster, 'shop', 'gone'), undefined);
});

test('podsOfService selects by labels in its own namespace; no selector selects none', () => {
  const shopWeb = serviceOf(cluster, 'shop', 'web');
  assert.ok(shopWeb);
  assert.deepEqual(
    podsOfService(cluster, shopWeb).map((p) => p.metadata?.name),
    ['web-1'],
  );
  const manual = serviceOf(cluster, 'shop', 'manual');
  assert.ok(manual);
  assert.deepEqual(podsOfService(cluster, manual), []);
});
