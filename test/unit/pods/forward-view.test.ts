import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  forwardKey,
  forwardRows,
  forwardsLabel,
  rowLabel,
  statusLabel,
  type ActiveForward,
} from '../../../src/core/pods/forward-view';

const service: ActiveForward = {
  context: 'prod',
  target: { kind: 'Service', namespace: 'shop', name: 'web', port: 80, targetPort: 'http' },
  localPort: 34615,
  route: { pod: 'web-a', port: 8080 },
};
const pod: ActiveForward = {
  context: 'prod',
  target: { kind: 'Pod', namespace: 'shop', name: 'web-0', port: 8080 },
  localPort: 8080,
};
const elsewhere: ActiveForward = {
  context: 'staging',
  target: { kind: 'Deployment', namespace: 'monitoring', name: 'grafana', port: 3000 },
  localPort: 3000,
  route: null,
};

test('a context lists its own forwards, in the order they started; others none', () => {
  const all = [service, elsewhere, pod];
  assert.deepEqual(
    forwardRows(all, 'prod').map((r) => r.label),
    ['127.0.0.1:34615 → svc/web:80 (pod web-a)', '127.0.0.1:8080 → web-0:8080'],
  );
  assert.deepEqual(
    forwardRows(all, 'staging').map((r) => r.label),
    ['127.0.0.1:3000 → deploy/grafana:3000 (no ready pod)'],
  );
  assert.deepEqual(forwardRows(all, 'dev'), []);
  assert.equal(forwardsLabel(2), 'Port forwards (2)');
});

test('a row names the namespace, the address to open or copy, and where connections go', () => {
  const [row] = forwardRows([service], 'prod');
  assert.deepEqual(row, {
    key: 'shop/Service/web:80',
    label: '127.0.0.1:34615 → svc/web:80 (pod web-a)',
    description: 'shop',
    tooltip: '127.0.0.1:34615 → Service shop/web:80\nConnections go to pod web-a:8080.',
    address: '127.0.0.1:34615',
  });
  assert.match(forwardRows([elsewhere], 'staging')[0]?.tooltip ?? '', /No pod behind it is ready/);
});

test('the key stays while a forward moves to another pod, so the row keeps its place', () => {
  const moved = { ...service, route: { pod: 'web-b', port: 8080 } };
  assert.equal(forwardKey(moved.target), forwardKey(service.target));
  assert.equal(rowLabel(moved), '127.0.0.1:34615 → svc/web:80 (pod web-b)');
  assert.notEqual(forwardKey(service.target), forwardKey({ ...service.target, port: 443 }));
});

test('the status bar says the same in its short form', () => {
  assert.equal(statusLabel(service), '34615→svc/web:80 (web-a)');
  assert.equal(statusLabel(pod), '8080→web-0:8080');
  assert.equal(statusLabel(elsewhere), '3000→deploy/grafana:3000 (no ready pod)');
});
