import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { execResult } from '../../../src/adapters/k8s/streams';

test('the exit code comes from the Status on the error channel', () => {
  assert.deepEqual(execResult('{"metadata":{},"status":"Success"}'), { exitCode: 0 });
  const failed = execResult(
    JSON.stringify({
      status: 'Failure',
      message: 'command terminated with non-zero exit code: exit status 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    }),
  );
  assert.equal(failed.exitCode, 3);
  assert.match(failed.message ?? '', /exit status 3/);
});

test('a command that never started has no exit code, only the message', () => {
  assert.deepEqual(execResult('{"status":"Failure","message":"container not found (\\"app\\")"}'), {
    exitCode: undefined,
    message: 'container not found ("app")',
  });
  assert.deepEqual(execResult('not json'), { exitCode: undefined, message: 'not json' });
});
