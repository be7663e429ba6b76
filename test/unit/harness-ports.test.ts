/** The harness's ports: below the ephemeral range, distinct, and free when handed out. */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { freePort } from '../../scripts/harness/process';

test('freePort hands out distinct bindable loopback ports below the ephemeral range', async () => {
  const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0]);
  const ports: number[] = [];
  for (let i = 0; i < 50; i++) ports.push(await freePort());
  assert.equal(new Set(ports).size, ports.length, 'no port is handed out twice');
  for (const port of ports) assert.ok(port >= 10_000 && port < low, `port ${port}, ephemeral from ${low}`);
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(ports[0], '127.0.0.1', resolve);
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
