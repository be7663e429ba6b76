import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SEVERITY, classifyPod, formatAge, type PodClass } from '../../../src/core/health/pod';
import type { Pod } from '../../../src/core/k8s/types';
import {
  DAY,
  HOUR,
  INSUFFICIENT_CPU,
  MIN,
  NOW,
  SEC,
  ago,
  completedPod,
  crashPod,
  evictedPod,
  failedPod,
  healthyPod,
  pod,
  running,
  terminated,
  unschedulablePod,
  waiting,
} from '../../support/k8s';

const classify = (p: Pod, threshold?: number) =>
  classifyPod(p, NOW, threshold === undefined ? {} : { restartThreshold: threshold });

describe('healthy and restarting', () => {
  test('Running with every container ready is healthy', () => {
    const h = classify(healthyPod('dolphinscheduler-api-0', { containers: ['api', 'metrics'] }));
    assert.deepEqual(
      [h.class, h.healthy, h.counted, h.running, h.severity, h.reason, h.restarts],
      ['healthy', true, true, true, 0, 'Running', 0],
    );
    assert.equal(h.summary, 'Running · 2/2 ready');
  });

  test('old restarts stay healthy and are shown', () => {
    const h = classify(
      pod('steady', {
        phase: 'Running',
        containerStatuses: [running('app', { restartCount: 5, lastState: terminated('Error', 1, 5 * HOUR) })],
      }),
    );
    assert.equal(h.class, 'healthy');
    assert.equal(h.summary, 'Running · 1/1 ready · 5 restarts');
  });

  test('restarts at the threshold with one in the last hour: "restarting", healthy but severity 1', () => {
    const flappy = pod('flappy', {
      phase: 'Running',
      containerStatuses: [
        running('app', { restartCount: 3, lastState: terminated('OOMKilled', 137, 10 * MIN) }),
      ],
    });
    const h = classify(flappy);
    assert.deepEqual(
      [h.class, h.healthy, h.counted, h.severity, h.reason],
      ['restarting', true, true, 1, 'Restarting'],
    );
    assert.equal(h.container, 'app');
    assert.equal(h.summary, 'Restarting · 3 restarts · OOMKilled 10m ago');
    assert.equal(classify(flappy, 4).class, 'healthy', 'restartThreshold is an option');
  });

  test('below the threshold, or with no restart time known, a ready pod is healthy', () => {
    const two = pod('two', {
      phase: 'Running',
      containerStatuses: [running('app', { restartCount: 2, lastState: terminated('Error', 1, MIN) })],
    });
    assert.equal(classify(two).class, 'healthy');
    const unknown = pod('unknown', {
      phase: 'Running',
      containerStatuses: [running('app', { restartCount: 9, state: { running: {} } })],
    });
    assert.equal(classify(unknown).class, 'healthy');
  });

  test('without a last termination, the restarted container start time dates the restart', () => {
    const h = classify(
      pod('x', {
        phase: 'Running',
        containerStatuses: [
          running('app', { restartCount: 4, state: { running: { startedAt: ago(20 * MIN) } } }),
        ],
      }),
    );
    assert.equal(h.class, 'restarting');
  });

  test('restarts are summed over init and app containers', () => {
    const h = classify(
      pod('x', {
        phase: 'Running',
        initContainerStatuses: [
          { name: 'init', restartCount: 2, state: terminated('Completed', 0, 2 * HOUR) },
        ],
        containerStatuses: [running('a', { restartCount: 1 }), running('b', { restartCount: 1 })],
      }),
    );
    assert.equal(h.restarts, 4);
  });
});

describe('failing containers', () => {
  test('CrashLoopBackOff is phase Running but not healthy, with restarts and the last termination', () => {
    const h = classify(crashPod('trino-worker-5d9c7b8f4-x2x7q', 12, 'OOMKilled'));
    assert.deepEqual(
      [h.class, h.reason, h.running, h.healthy, h.counted, h.severity, h.restarts, h.container],
      ['crashloop', 'CrashLoopBackOff', true, false, true, 4, 12, 'app'],
    );
    assert.deepEqual(h.lastTermination, {
      container: 'app',
      reason: 'OOMKilled',
      exitCode: 137,
      finishedAt: ago(3 * MIN),
    });
    assert.equal(h.summary, 'CrashLoopBackOff · 12 restarts · OOMKilled 3m ago');
    assert.equal(h.message, 'back-off 5m0s restarting failed container=app');
  });

  test('a last termination without a reason shows its exit code', () => {
    const h = classify(
      pod('x', {
        phase: 'Running',
        containerStatuses: [
          waiting('app', 'CrashLoopBackOff', { restarts: 1, lastState: terminated(undefined, 2, 45 * SEC) }),
        ],
      }),
    );
    assert.equal(h.summary, 'CrashLoopBackOff · 1 restart · exit 2 45s ago');
  });

  test('image pull failures name the image from the spec', () => {
    for (const reason of ['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull']) {
      const h = classify(
        pod(
          'redis-67b547c596-gwd9s',
          {
            phase: 'Pending',
            containerStatuses: [waiting('redis', reason, { message: 'Back-off pulling image' })],
          },
          {
            containers: ['redis'],
            spec: { containers: [{ name: 'redis', image: 'bitnami/redis:7.2-debian-12' }] },
          },
        ),
      );
      assert.deepEqual([h.class, h.reason, h.severity, h.container], ['image', reason, 4, 'redis']);
      assert.equal(h.summary, `${reason} · bitnami/redis:7.2-debian-12`);
      assert.equal(h.message, 'Back-off pulling image');
    }
  });

  test('config and runtime errors carry the kubelet message', () => {
    for (const reason of ['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']) {
      const h = classify(
        pod('superset-web', {
          phase: 'Pending',
          containerStatuses: [waiting('app', reason, { message: 'secret "superset-secret" not found' })],
        }),
      );
      assert.deepEqual([h.class, h.reason, h.severity], ['config', reason, 4]);
      assert.equal(h.message, 'secret "superset-secret" not found');
      assert.equal(h.summary, `${reason} · secret "superset-secret" not found`);
    }
  });

  test('a container caught terminated between restarts: the termination reason, crashloop or failed by restartPolicy', () => {
    const dead = (restartPolicy?: string) =>
      pod(
        'x',
        {
          phase: 'Running',
          containerStatuses: [
            running('a'),
            { name: 'b', ready: false, restartCount: 2, state: terminated('OOMKilled', 137, 5 * SEC) },
          ],
        },
        { containers: ['a', 'b'], ...(restartPolicy ? { spec: { restartPolicy } } : {}) },
      );
    const h = classify(dead());
    assert.deepEqual([h.class, h.reason, h.container], ['crashloop', 'OOMKilled', 'b']);
    assert.equal(h.summary, 'OOMKilled · 2 restarts · OOMKilled 5s ago');
    assert.equal(classify(dead('Never')).class, 'failed');
  });

  test('in a multi-container pod the most severe container wins', () => {
    const h = classify(
      pod(
        'multi',
        {
          phase: 'Running',
          containerStatuses: [
            running('a', { ready: false }),
            waiting('b', 'ContainerCreating'),
            waiting('c', 'CrashLoopBackOff', { restarts: 3 }),
          ],
        },
        { containers: ['a', 'b', 'c'] },
      ),
    );
    assert.deepEqual([h.class, h.container], ['crashloop', 'c']);
  });
});

describe('init containers', () => {
  const initPod = (inits: Pod['status'], extra: Parameters<typeof pod>[2] = {}) =>
    pod('datahub-gms-7f9', inits, extra);

  test('an init container failure wins while the pod initialises, prefixed "Init:" as kubectl does', () => {
    const h = classify(
      initPod({
        phase: 'Pending',
        conditions: [{ type: 'Initialized', status: 'False' }],
        initContainerStatuses: [
          waiting('wait-for-es', 'CrashLoopBackOff', {
            restarts: 7,
            lastState: terminated('Error', 1, 2 * MIN),
          }),
        ],
        containerStatuses: [waiting('app', 'PodInitializing')],
      }),
    );
    assert.deepEqual(
      [h.class, h.reason, h.container, h.severity],
      ['crashloop', 'Init:CrashLoopBackOff', 'wait-for-es', 4],
    );
    assert.equal(h.summary, 'Init:CrashLoopBackOff · 7 restarts · Error 2m ago · init container wait-for-es');
  });

  test('Init:ImagePullBackOff is an image problem; unknown init waits are pending', () => {
    const image = classify(
      initPod({ phase: 'Pending', initContainerStatuses: [waiting('migrate', 'ImagePullBackOff')] }),
    );
    assert.deepEqual([image.class, image.reason], ['image', 'Init:ImagePullBackOff']);
    const odd = classify(
      initPod({ phase: 'Pending', initContainerStatuses: [waiting('migrate', 'SomethingNew')] }),
    );
    assert.deepEqual([odd.class, odd.reason], ['pending', 'Init:SomethingNew']);
  });

  test('a terminated init container: Init:<reason>, Init:Signal:n, Init:ExitCode:n; failed once the pod failed', () => {
    const status = (t: ReturnType<typeof terminated>, phase = 'Pending') => ({
      phase,
      initContainerStatuses: [{ name: 'init-db', restartCount: 1, state: t }],
    });
    const error = classify(initPod(status(terminated('Error', 1))));
    assert.deepEqual([error.class, error.reason, error.container], ['crashloop', 'Init:Error', 'init-db']);
    assert.equal(
      classify(initPod(status({ terminated: { exitCode: 137, signal: 9 } }))).reason,
      'Init:Signal:9',
    );
    assert.equal(classify(initPod(status({ terminated: { exitCode: 2 } }))).reason, 'Init:ExitCode:2');
    const failed = classify(initPod(status(terminated('Error', 1), 'Failed')));
    assert.deepEqual([failed.class, failed.reason], ['failed', 'Init:Error']);
  });

  test('progress through init containers is Init:i/n (starting); completed ones are skipped', () => {
    const spec = { initContainers: [{ name: 'a' }, { name: 'b' }] };
    const first = classify(
      initPod(
        {
          phase: 'Pending',
          initContainerStatuses: [{ name: 'a', state: { running: {} } }, waiting('b', 'PodInitializing')],
        },
        { spec },
      ),
    );
    assert.deepEqual([first.class, first.reason, first.severity], ['starting', 'Init:0/2', 1]);
    const second = classify(
      initPod(
        {
          phase: 'Pending',
          initContainerStatuses: [
            { name: 'a', state: terminated('Completed', 0) },
            { name: 'b', state: { running: {} } },
          ],
        },
        { spec },
      ),
    );
    assert.equal(second.reason, 'Init:1/2');
    const creating = classify(
      initPod({ phase: 'Pending', initContainerStatuses: [waiting('a', 'ContainerCreating')] }),
    );
    assert.deepEqual([creating.class, creating.reason], ['starting', 'Init:ContainerCreating']);
  });

  test('native sidecars do not hold a pod in Init once started; a crashing sidecar still shows', () => {
    const spec = { initContainers: [{ name: 'proxy', restartPolicy: 'Always' } as { name: string }] };
    const fine = classify(
      pod(
        'x',
        {
          phase: 'Running',
          conditions: [{ type: 'Initialized', status: 'True' }],
          initContainerStatuses: [running('proxy')],
          containerStatuses: [running('app')],
        },
        { spec },
      ),
    );
    assert.equal(fine.class, 'healthy');
    const pendingWithSidecar = classify(
      pod(
        'y',
        {
          phase: 'Pending',
          initContainerStatuses: [running('proxy'), waiting('migrate', 'CrashLoopBackOff', { restarts: 2 })],
        },
        { spec: { initContainers: [...spec.initContainers, { name: 'migrate' }] } },
      ),
    );
    assert.deepEqual(
      [pendingWithSidecar.reason, pendingWithSidecar.container],
      ['Init:CrashLoopBackOff', 'migrate'],
    );
    const crashing = classify(
      pod(
        'z',
        {
          phase: 'Running',
          conditions: [{ type: 'Initialized', status: 'True' }],
          initContainerStatuses: [waiting('proxy', 'CrashLoopBackOff', { restarts: 4 })],
          containerStatuses: [running('app')],
        },
        { spec },
      ),
    );
    assert.deepEqual(
      [crashing.class, crashing.reason, crashing.container],
      ['crashloop', 'CrashLoopBackOff', 'proxy'],
    );
  });
});

describe('scheduling and pending', () => {
  test('Unschedulable summarises the scheduler message and keeps it whole', () => {
    const h = classify(unschedulablePod('spark-history-server-64f987bdcf-4g965'));
    assert.deepEqual(
      [h.class, h.reason, h.severity, h.running],
      ['unschedulable', 'Unschedulable', 3, false],
    );
    assert.equal(h.summary, 'Unschedulable · Insufficient cpu');
    assert.equal(h.message, INSUFFICIENT_CPU);
  });

  test('other PodScheduled=False reasons (SchedulingGated) are pending', () => {
    const h = classify(
      pod('gated', {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }],
      }),
    );
    assert.deepEqual([h.class, h.reason, h.severity], ['pending', 'SchedulingGated', 2]);
  });

  test('Pending without detail; no status at all; an empty status', () => {
    const plain = classify(pod('a', { phase: 'Pending' }));
    assert.deepEqual(
      [plain.class, plain.reason, plain.summary, plain.severity],
      ['pending', 'Pending', 'Pending', 2],
    );
    const none = classify(pod('b', undefined));
    assert.deepEqual(
      [none.class, none.reason, none.running, none.restarts],
      ['pending', 'Pending', false, 0],
    );
    assert.equal(none.summary, 'Pending · no status reported yet');
    assert.equal(classify(pod('c', {})).class, 'pending');
  });

  test('ContainerCreating and PodInitializing are "starting" (severity 1)', () => {
    for (const reason of ['ContainerCreating', 'PodInitializing']) {
      const h = classify(pod('b', { phase: 'Pending', containerStatuses: [waiting('app', reason)] }));
      assert.deepEqual([h.class, h.reason, h.severity, h.container], ['starting', reason, 1, 'app']);
    }
  });
});

describe('terminating', () => {
  const deleting = (
    deletionAgo: number,
    meta: Partial<NonNullable<Pod['metadata']>> = {},
    status?: Pod['status'],
  ) =>
    pod('old', status ?? { phase: 'Running', containerStatuses: [running()] }, {
      meta: { deletionTimestamp: ago(deletionAgo), deletionGracePeriodSeconds: 30, ...meta },
    });

  test('within its grace period a pod is terminating (severity 1), whatever its containers say', () => {
    // deletionTimestamp is request time + grace: 20 s in the future means requested 10 s ago.
    const h = classify(deleting(-20 * SEC, {}, crashPod('x').status));
    assert.deepEqual([h.class, h.reason, h.severity, h.healthy], ['terminating', 'Terminating', 1, false]);
    assert.equal(h.summary, 'Terminating for 10s');
  });

  test('past the deadline plus 60 s of slack it is stuck (severity 4)', () => {
    assert.equal(classify(deleting(59 * SEC)).class, 'terminating');
    const h = classify(deleting(2 * HOUR - 30 * SEC));
    assert.deepEqual([h.class, h.reason, h.severity], ['stuckTerminating', 'Terminating', 4]);
    assert.equal(h.summary, 'Terminating for 2h (stuck)');
  });

  test('with finalizers it is stuck as soon as the grace period is over; they are named', () => {
    const h = classify(deleting(5 * SEC, { finalizers: ['example.com/cleanup'] }));
    assert.equal(h.class, 'stuckTerminating');
    assert.equal(h.summary, 'Terminating for 35s (stuck) · finalizers: example.com/cleanup');
    assert.equal(classify(deleting(-5 * SEC, { finalizers: ['example.com/cleanup'] })).class, 'terminating');
  });

  test('the grace period falls back to the spec, then 30 s, for the "for" age', () => {
    const p = pod(
      'x',
      { phase: 'Running' },
      { meta: { deletionTimestamp: ago(10 * MIN) }, spec: { terminationGracePeriodSeconds: 300 } },
    );
    assert.equal(classify(p).summary, 'Terminating for 15m (stuck)');
    const q = pod('y', { phase: 'Running' }, { meta: { deletionTimestamp: ago(10 * MIN) } });
    assert.equal(classify(q).summary, 'Terminating for 10m (stuck)');
  });
});

describe('finished pods', () => {
  test('Evicted (and node shutdown) are evicted, severity 4, with the message', () => {
    const h = classify(evictedPod('spark-driver'));
    assert.deepEqual([h.class, h.reason, h.severity, h.counted], ['evicted', 'Evicted', 4, true]);
    assert.equal(h.summary, 'Evicted · The node was low on resource: memory.');
    assert.equal(h.message, 'The node was low on resource: memory.');
    assert.equal(classify(pod('s', { phase: 'Failed', reason: 'NodeShutdown' })).class, 'evicted');
  });

  test('Failed takes status.reason, else the failed container: Error with its exit code, DeadlineExceeded', () => {
    const error = classify(failedPod('datahub-init-db-x'));
    assert.deepEqual(
      [error.class, error.reason, error.summary, error.container],
      ['failed', 'Error', 'Error · exit 1', 'app'],
    );
    const deadline = classify(
      pod('etl', {
        phase: 'Failed',
        reason: 'DeadlineExceeded',
        message: 'Pod was active on the node longer than the specified deadline',
      }),
    );
    assert.deepEqual([deadline.class, deadline.reason], ['failed', 'DeadlineExceeded']);
    assert.equal(
      deadline.summary,
      'DeadlineExceeded · Pod was active on the node longer than the specified deadline',
    );
    assert.equal(classify(pod('bare', { phase: 'Failed' })).reason, 'Failed');
  });

  test('in a Failed pod the container that failed is named, not the sidecar that exited later', () => {
    const h = classify(
      pod(
        'x',
        {
          phase: 'Failed',
          containerStatuses: [
            { name: 'main', state: terminated('Error', 3, 10 * MIN) },
            { name: 'sidecar', state: terminated('Completed', 0, 9 * MIN) },
          ],
        },
        { containers: ['main', 'sidecar'] },
      ),
    );
    assert.deepEqual([h.reason, h.container, h.summary], ['Error', 'main', 'Error · exit 3']);
    assert.equal(h.lastTermination?.container, 'sidecar', 'lastTermination stays the newest');
  });

  test('Succeeded is "Completed": not healthy, and not counted', () => {
    const h = classify(completedPod('dolphinscheduler-init-db-x'));
    assert.deepEqual(
      [h.class, h.reason, h.healthy, h.counted, h.severity, h.summary],
      ['succeeded', 'Completed', false, false, 0, 'Completed'],
    );
  });
});

describe('not ready', () => {
  test('Running with a container not ready is NotReady (severity 2)', () => {
    const h = classify(
      pod('elasticsearch-0', { phase: 'Running', containerStatuses: [running('app', { ready: false })] }),
    );
    assert.deepEqual(
      [h.class, h.reason, h.severity, h.healthy, h.running],
      ['notReady', 'NotReady', 2, false, true],
    );
    assert.equal(h.summary, 'NotReady · 0/1 ready');
  });

  test('a container missing from the statuses counts as not ready', () => {
    const h = classify(
      pod('x', { phase: 'Running', containerStatuses: [running('a')] }, { containers: ['a', 'b'] }),
    );
    assert.equal(h.summary, 'NotReady · 1/2 ready');
  });

  test('the Ready condition wins over container flags (readiness gates)', () => {
    const h = classify(
      pod('x', {
        phase: 'Running',
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            message: 'corresponding condition of pod readiness gate is False',
          },
        ],
        containerStatuses: [running()],
      }),
    );
    assert.equal(h.class, 'notReady');
    assert.equal(h.message, 'corresponding condition of pod readiness gate is False');
  });

  test('an unknown waiting reason in a Running pod is shown as the reason', () => {
    const h = classify(
      pod('x', { phase: 'Running', containerStatuses: [waiting('app', 'SomethingNew', { restarts: 1 })] }),
    );
    assert.deepEqual(
      [h.class, h.reason, h.summary],
      ['notReady', 'SomethingNew', 'SomethingNew · 0/1 ready · 1 restart'],
    );
  });

  test('phase Unknown (node lost) is not ready', () => {
    const h = classify(pod('lost', { phase: 'Unknown' }));
    assert.deepEqual([h.class, h.reason, h.severity], ['notReady', 'Unknown', 2]);
  });
});

test('severity order: failures 4 > unschedulable 3 > notReady/pending 2 > transient 1 > fine 0', () => {
  const order: [PodClass, number][] = Object.entries(SEVERITY) as [PodClass, number][];
  const by = (n: number) =>
    order
      .filter(([, s]) => s === n)
      .map(([c]) => c)
      .sort();
  assert.deepEqual(by(4), ['config', 'crashloop', 'evicted', 'failed', 'image', 'stuckTerminating']);
  assert.deepEqual(by(3), ['unschedulable']);
  assert.deepEqual(by(2), ['notReady', 'pending']);
  assert.deepEqual(by(1), ['restarting', 'starting', 'terminating']);
  assert.deepEqual(by(0), ['healthy', 'succeeded']);
});

test('formatAge: seconds, minutes, hours, days, as kubectl prints ages', () => {
  assert.deepEqual([45 * SEC, 3 * MIN, 2 * HOUR, 5 * DAY].map(formatAge), ['45s', '3m', '2h', '5d']);
  assert.deepEqual(
    [-5 * SEC, 0, 89 * SEC, 90 * SEC, 89 * MIN, 90 * MIN, 47 * HOUR, 48 * HOUR].map(formatAge),
    ['0s', '0s', '89s', '1m', '89m', '1h', '47h', '2d'],
  );
});
