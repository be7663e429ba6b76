import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { redact } from '../../src/core/log';

test('redact removes bearer tokens, kubeconfig key data and passwords', () => {
  assert.equal(redact('Authorization: Bearer abc.def.ghi'), 'Authorization: Bearer <redacted>');
  assert.equal(redact('client-key-data: LS0tLS1CRUdJTg=='), 'client-key-data: <redacted>');
  assert.equal(redact('{"password":"hunter2"}'), '{"password":"<redacted>"}');
  assert.equal(
    redact('-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----'),
    '<redacted private key>',
  );
});

test('redact leaves Kubernetes field names that merely contain "token" alone', () => {
  assert.equal(redact('automountServiceAccountToken: false'), 'automountServiceAccountToken: false');
});
