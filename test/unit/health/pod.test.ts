import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyPod, schedulerSummary } from '../../../src/core/health/pod';
import { formatAge } from '../../../src/core/health/time';
import { HOUR, MIN, NOW, ago, crashPod, healthyPod, pod, running } from './builders';

const classify = (p: Parameters<typeof classifyPod>[0]) => classifyPod(p, NOW);

test('Running and Ready is healthy', () => {
  const h = classify(healthyPod('web'));
  assert.equal(h.class, 'healthy');
  assert.equal(h.healthy, true);
  assert.equal(h.running, true);
  assert.equal(h.summary, 'Running · 1/1 ready');
});

test('CrashLoopBackOff is phase Running but not healthy, with restarts and the last termination', () => {
  const h = classify(crashPod('trino-worker', 12, 'OOMKilled'));
  assert.equal(h.class, 'crashloop');
  assert.equal(h.reason, 'CrashLoopBackOff');
  assert.equal(h.running, true);
  assert.equal(h.healthy, false);
  assert.equal(h.severity, 4);
  assert.equal(h.restarts, 12);
  assert.equal(h.lastTermination?.reason, 'OOMKilled');
  assert.equal(h.summary, 'CrashLoopBackOff · 12 restarts · OOMKilled 3m ago');
});

test('ImagePullBackOff and ErrImagePull name the image', () => {
  for (const reason of ['ImagePullBackOff', 'ErrImagePull']) {
    const h = classify(
      pod('redis-67b547c596-gwd9s', {
        phase: 'Pending',
        containerStatuses: [
          {
            name: 'redis',
            ready: false,
            restartCount: 0,
            image: 'bitnami/redis:7.2-debian-12',
            state: { waiting: { reason, message: 'Back-off pulling image' } },
          },
        ],
      }),
    );
    assert.equal(h.class, 'image');
    assert.equal(h.reason, reason);
    assert.equal(h.summary, `${reason} · bitnami/redis:7.2-debian-12`);
  }
});

test('CreateContainerConfigError is a config failure with the kubelet message', () => {
  const h = classify(
    pod('superset', {
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'app',
          ready: false,
          state: {
            waiting: { reason: 'CreateContainerConfigError', message: 'secret "superset-secret" not found' },
          },
        },
      ],
    }),
  );
  assert.equal(h.class, 'config');
  assert.equal(h.message, 'secret "superset-secret" not found');
});

test('Unschedulable summarises the scheduler message', () => {
  const h = classify(
    pod('spark-history-server-64f987bdcf-4g965', {
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message:
            '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
        },
      ],
    }),
  );
  assert.equal(h.class, 'unschedulable');
  assert.equal(h.reason, 'Unschedulable');
  assert.equal(h.summary, 'Unschedulable · Insufficient cpu');
  assert.equal(
    schedulerSummary(
      '0/3 nodes are available: 1 node(s) had untolerated taint {x: y}, 2 Insufficient memory.',
    ),
    'node(s) had untolerated taint {x: y}; Insufficient memory',
  );
});

test('Pending without detail, ContainerCreating, and a pod without status', () => {
  assert.equal(classify(pod('a', { phase: 'Pending' })).class, 'pending');
  const creating = classify(
    pod('b', {
      phase: 'Pending',
      containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ContainerCreating' } } }],
    }),
  );
  assert.equal(creating.class, 'starting');
  assert.equal(creating.reason, 'ContainerCreating');
  assert.equal(classify(pod('c', undefined)).class, 'pending');
});

test('Terminating becomes stuck once past its deletion deadline; finalizers are named', () => {
  const fresh = classify(
    pod(
      'a',
      { phase: 'Running', containerStatuses: [running()] },
      { meta: { deletionTimestamp: ago(10_000) } },
    ),
  );
  assert.equal(fresh.class, 'terminating');
  assert.equal(fresh.severity, 1);
  const stuck = classify(
    pod(
      'b',
      { phase: 'Running', containerStatuses: [running()] },
      { meta: { deletionTimestamp: ago(2 * HOUR), finalizers: ['example.com/cleanup'] } },
    ),
  );
  assert.equal(stuck.class, 'stuckTerminating');
  assert.equal(stuck.reason, 'Terminating');
  assert.equal(stuck.summary, 'Terminating for 2h (stuck) (finalizers: example.com/cleanup)');
});

test('Evicted, Failed with exit code, Completed', () => {
  const evicted = classify(
    pod('a', { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }),
  );
  assert.equal(evicted.class, 'evicted');
  const failed = classify(
    pod('init-db-x', {
      phase: 'Failed',
      containerStatuses: [
        { name: 'app', state: { terminated: { reason: 'Error', exitCode: 1, finishedAt: ago(HOUR) } } },
      ],
    }),
  );
  assert.equal(failed.class, 'failed');
  assert.equal(failed.reason, 'Error');
  assert.equal(failed.summary, 'Error · exit 1');
  const done = classify(
    pod('job-x', {
      phase: 'Succeeded',
      containerStatuses: [{ name: 'app', state: { terminated: { reason: 'Completed', exitCode: 0 } } }],
    }),
  );
  assert.equal(done.class, 'succeeded');
  assert.equal(done.counted, false);
  assert.equal(done.reason, 'Completed');
});

test('Running but not ready is NotReady; phase Unknown too', () => {
  const h = classify(pod('es', { phase: 'Running', containerStatuses: [running('app', { ready: false })] }));
  assert.equal(h.class, 'notReady');
  assert.equal(h.summary, 'NotReady · 0/1 ready');
  assert.equal(classify(pod('lost', { phase: 'Unknown' })).class, 'notReady');
});

test('Init container failures win while the pod initialises', () => {
  const h = classify(
    pod('datahub-gms', {
      phase: 'Pending',
      initContainerStatuses: [
        { name: 'wait-for-es', restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff' } } },
      ],
      containerStatuses: [{ name: 'app', state: { waiting: { reason: 'PodInitializing' } } }],
    }),
  );
  assert.equal(h.class, 'crashloop');
  assert.equal(h.reason, 'Init:CrashLoopBackOff');
  assert.equal(h.container, 'wait-for-es');
  const init = classify(
    pod('x', { phase: 'Pending', initContainerStatuses: [{ name: 'migrate', state: { running: {} } }] }),
  );
  assert.equal(init.class, 'starting');
  assert.equal(init.reason, 'Init:0/1');
});

test('A Ready pod that restarted often in the last hour is "restarting": healthy, low severity', () => {
  const h = classify(
    pod('flappy', {
      phase: 'Running',
      containerStatuses: [
        running('app', {
          restartCount: 5,
          lastState: { terminated: { reason: 'Error', exitCode: 1, finishedAt: ago(10 * MIN) } },
        }),
      ],
    }),
  );
  assert.equal(h.class, 'restarting');
  assert.equal(h.healthy, true);
  assert.equal(h.severity, 1);
  const old = classify(
    pod('steady', {
      phase: 'Running',
      containerStatuses: [
        running('app', {
          restartCount: 5,
          lastState: { terminated: { reason: 'Error', finishedAt: ago(5 * HOUR) } },
        }),
      ],
    }),
  );
  assert.equal(old.class, 'healthy');
  assert.equal(old.summary, 'Running · 1/1 ready · 5 restarts');
});

test('the most severe container wins in multi-container pods', () => {
  const h = classify(
    pod(
      'multi',
      {
        phase: 'Running',
        containerStatuses: [
          running('a'),
          { name: 'b', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } },
        ],
      },
      { containers: ['a', 'b'] },
    ),
  );
  assert.equal(h.class, 'crashloop');
  assert.equal(h.container, 'b');
});

test('formatAge', () => {
  assert.deepEqual(
    [formatAge(45_000), formatAge(3 * MIN), formatAge(2 * HOUR), formatAge(5 * 24 * HOUR)],
    ['45s', '3m', '2h', '5d'],
  );
});
