import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { SUGGESTIONS, suggestionFor } from '../../../src/core/health/suggestions';
import { INSUFFICIENT_CPU } from '../../support/k8s';

test('every suggestion is one plain line of at most 140 characters', () => {
  for (const [key, text] of Object.entries(SUGGESTIONS)) {
    assert.ok(text.length <= 140, `${key} is ${text.length} characters`);
    assert.doesNotMatch(text, /[\n`*_]/, key);
  }
});

test('pod reasons map to the runbooks’ first steps', () => {
  const cases: [string, string][] = [
    ['ImagePullBackOff', SUGGESTIONS.image],
    ['ErrImagePull', SUGGESTIONS.image],
    ['InvalidImageName', SUGGESTIONS.image],
    ['ErrImageNeverPull', SUGGESTIONS.imageNeverPull],
    ['CrashLoopBackOff', SUGGESTIONS.crash],
    ['OOMKilled', SUGGESTIONS.oom],
    ['CreateContainerConfigError', SUGGESTIONS.configMissing],
    ['RunContainerError', SUGGESTIONS.runtime],
    ['Evicted', SUGGESTIONS.evicted],
    ['ContainerCreating', SUGGESTIONS.pending],
    ['NotReady', SUGGESTIONS.notReady],
    ['Restarting', SUGGESTIONS.restarting],
    ['Error', SUGGESTIONS.crash],
    ['DeadlineExceeded', SUGGESTIONS.jobFailed],
    ['BackoffLimitExceeded', SUGGESTIONS.jobFailed],
    ['Init:CrashLoopBackOff', SUGGESTIONS.initCrash],
    ['Init:Error', SUGGESTIONS.initCrash],
    ['Init:ExitCode:2', SUGGESTIONS.initCrash],
    ['Init:ImagePullBackOff', SUGGESTIONS.image],
    ['Init:0/2', SUGGESTIONS.pending],
    ['SomethingNobodyKnows', SUGGESTIONS.fallback],
  ];
  for (const [reason, text] of cases) assert.equal(suggestionFor(reason), text, reason);
  assert.match(suggestionFor('ImagePullBackOff'), /image name and tag exist and the pull secret is valid/);
  assert.match(suggestionFor('CrashLoopBackOff'), /Zookeeper FQDN/);
});

test('an OOM kill behind a crash loop or flapping asks for memory, not logs', () => {
  const oom = { lastTermination: { reason: 'OOMKilled' } };
  assert.equal(suggestionFor({ reason: 'CrashLoopBackOff', ...oom }), SUGGESTIONS.oom);
  assert.equal(suggestionFor({ reason: 'Restarting', ...oom }), SUGGESTIONS.oom);
  assert.equal(suggestionFor({ reason: 'ImagePullBackOff', ...oom }), SUGGESTIONS.image);
});

test("Unschedulable: the scheduler's message picks capacity, placement or storage", () => {
  const un = (message?: string) =>
    suggestionFor({ reason: 'Unschedulable', ...(message ? { message } : {}) });
  assert.equal(un(INSUFFICIENT_CPU), SUGGESTIONS.capacity);
  assert.match(un(INSUFFICIENT_CPU), /ResourceQuota; scale down non-essential workloads/);
  assert.equal(
    un('0/2 nodes are available: 2 node(s) had untolerated taint {dedicated: gpu}.'),
    SUGGESTIONS.placement,
  );
  assert.equal(
    un("0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector."),
    SUGGESTIONS.placement,
  );
  assert.equal(
    un('0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims.'),
    SUGGESTIONS.volume,
  );
  assert.equal(un(), SUGGESTIONS.capacity);
});

test('Terminating: force delete only once stuck; an application’s Unknown is not a pod’s', () => {
  assert.equal(suggestionFor({ reason: 'Terminating', class: 'stuckTerminating' }), SUGGESTIONS.stuck);
  assert.match(SUGGESTIONS.stuck, /grace period 0.*finalizers/);
  assert.equal(suggestionFor({ reason: 'Terminating', class: 'terminating' }), SUGGESTIONS.terminating);
  assert.equal(suggestionFor({ reason: 'Unknown', kind: 'application' }), SUGGESTIONS.appUnknown);
  assert.equal(suggestionFor({ reason: 'Unknown' }), SUGGESTIONS.nodeNotReady);
});

test('cluster-level reasons', () => {
  assert.equal(suggestionFor('OutOfSync'), 'Hard refresh and sync the Argo CD application');
  assert.equal(suggestionFor('NodeNotReady'), SUGGESTIONS.nodeNotReady);
  assert.match(SUGGESTIONS.nodeNotReady, /10250/);
  for (const reason of [
    'MemoryPressure',
    'DiskPressure',
    'PIDPressure',
    'NetworkUnavailable',
    'QuotaNearLimit',
    'LastRunFailed',
    'FailedCreate',
    'NoPods',
  ])
    assert.notEqual(suggestionFor(reason), SUGGESTIONS.fallback, reason);
});
