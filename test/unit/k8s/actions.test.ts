/** How a write goes on the wire in its dry run and for real (no server: a recording client). */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { run, writes } from '../../../src/adapters/k8s/actions';
import type { KubeRest, RequestOptions } from '../../../src/adapters/k8s/rest';

function recorder(): { rest: KubeRest; sent: { method: string; options: RequestOptions }[] } {
  const sent: { method: string; options: RequestOptions }[] = [];
  const rest = {
    request: (method: string, _path: string, options: RequestOptions) => {
      sent.push({ method, options });
      return Promise.resolve(undefined);
    },
  } as unknown as KubeRest;
  return { rest, sent };
}

const pod = { kind: 'Pod', namespace: 'shop', name: 'web-1' };

test('a DELETE dry run asks for it in its DeleteOptions body, which the API server reads instead of the query', async () => {
  const { rest, sent } = recorder();
  const write = writes.deletePod(pod, true);
  await run(rest, write, true);
  await run(rest, write, false);
  const [dry, real] = sent;
  assert.deepEqual(dry?.options.body, {
    kind: 'DeleteOptions',
    apiVersion: 'v1',
    gracePeriodSeconds: 0,
    propagationPolicy: 'Background',
    dryRun: ['All'],
  });
  assert.deepEqual(dry?.options.query, { dryRun: 'All' });
  assert.equal((real?.options.body as { dryRun?: unknown }).dryRun, undefined, 'the real delete is real');
  assert.deepEqual(real?.options.query, {});
  assert.equal((write.body as { dryRun?: unknown }).dryRun, undefined, 'the plan itself is not changed');
});

test('PATCH and POST dry runs use the query string and keep their bodies as they are', async () => {
  const { rest, sent } = recorder();
  const write = writes.suspendCronJob({ kind: 'CronJob', namespace: 'shop', name: 'nightly' }, true);
  await run(rest, write, true);
  assert.deepEqual(sent[0]?.options.body, { spec: { suspend: true } });
  assert.deepEqual(sent[0]?.options.query, { dryRun: 'All' });
});
