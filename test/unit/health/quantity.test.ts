import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseQuantity } from '../../../src/core/health/quantity';

test('quantities from the brief: millicores, plain, binary and decimal suffixes, exponents', () => {
  assert.deepEqual(['500m', '2', '1Gi', '512Mi', '1e3', '100k'].map(parseQuantity), [
    0.5,
    2,
    2 ** 30,
    512 * 2 ** 20,
    1000,
    100_000,
  ]);
});

test('every suffix Kubernetes accepts', () => {
  const cases: [string, number][] = [
    ['1n', 1e-9],
    ['1u', 1e-6],
    ['1m', 1e-3],
    ['1k', 1e3],
    ['1M', 1e6],
    ['1G', 1e9],
    ['1T', 1e12],
    ['1P', 1e15],
    ['1E', 1e18],
    ['1Ki', 1024],
    ['1Mi', 1024 ** 2],
    ['1Ti', 1024 ** 4],
    ['1Pi', 1024 ** 5],
    ['1Ei', 1024 ** 6],
  ];
  for (const [text, value] of cases) assert.equal(parseQuantity(text), value, text);
});

test('decimals, signs, exponents and surrounding space', () => {
  assert.deepEqual(['1.5', '.5', '1.5Gi', '+3', '-1', '1e-3', '2E2', ' 19500m '].map(parseQuantity), [
    1.5,
    0.5,
    1.5 * 2 ** 30,
    3,
    -1,
    0.001,
    200,
    19.5,
  ]);
});

test('numbers pass through; anything else is NaN for the caller to judge', () => {
  assert.equal(parseQuantity(4), 4);
  for (const bad of ['bogus', '', '1Gb', '1KI', 'Gi', '1 Gi', undefined])
    assert.ok(Number.isNaN(parseQuantity(bad)), String(bad));
});
