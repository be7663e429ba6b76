import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { contextIsProtected, type ContextIdentity } from '../../../src/core/sync/protected';

const contexts: ContextIdentity[] = [
  { name: 'prod', server: 'https://api.k8s.acme.internal:6443' },
  { name: 'staging', server: 'https://staging.k8s.acme.internal:6443' },
  // The production cluster again, under a name someone gave it with `kubectl config rename-context`.
  { name: 'my-cluster', server: 'https://API.k8s.acme.internal:6443/' },
  { name: 'kind-dev', server: 'https://127.0.0.1:39211' },
];
const named = (name: string) => contexts.find((c) => c.name === name) ?? { name };

test('protected contexts: a renamed context of a protected cluster is still protected', () => {
  assert.equal(contextIsProtected(named('prod'), ['prod'], contexts), true);
  assert.equal(contextIsProtected(named('my-cluster'), ['prod'], contexts), true, 'same server as prod');
  assert.equal(contextIsProtected(named('staging'), ['prod'], contexts), false);
  assert.equal(contextIsProtected(named('kind-dev'), ['prod'], contexts), false);
});

test('protected contexts: an entry may be a server URL (case of the host and a trailing slash ignored)', () => {
  const entries = ['https://api.k8s.acme.internal:6443'];
  assert.equal(contextIsProtected(named('my-cluster'), entries, contexts), true);
  assert.equal(contextIsProtected(named('prod'), entries, contexts), true);
  assert.equal(contextIsProtected(named('staging'), entries, contexts), false);
  assert.equal(contextIsProtected({ name: 'other' }, entries, contexts), false, 'no server known');
});

test('protected contexts: a word or glob also matches the server URL, so `prod` protects api.prod.example.com', () => {
  const ctx = { name: 'ops', server: 'https://api.prod.example.com' };
  assert.equal(contextIsProtected(ctx, ['prod'], [ctx]), true);
  assert.equal(contextIsProtected(ctx, ['*.example.com'], [ctx]), true);
  assert.equal(contextIsProtected(ctx, ['production'], [ctx]), false);
});

test('protected contexts: the name rules are unchanged; nothing listed protects nothing', () => {
  assert.equal(contextIsProtected({ name: 'eu-prod-1' }, ['prod'], []), true);
  assert.equal(contextIsProtected({ name: 'product-demo' }, ['prod'], []), false);
  assert.equal(contextIsProtected(named('prod'), [], contexts), false);
  assert.equal(contextIsProtected(named('prod'), ['', '  '], contexts), false);
});
