import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterState, Pod } from '../../../src/core/k8s/types';
import { evaluateCheck } from '../../../src/core/runbook/evaluate';
import { Facts } from '../../../src/core/runbook/facts';
import type { Check } from '../../../src/core/runbook/types';
import { ago, application, cronJob, externalName, netpol, NOW, pdb, quota, state } from '../../support/k8s';
import { deploymentWithPods, jobRun, podIn } from '../../support/platform';

const run = (check: Check, s: ClusterState, missing: (keyof ClusterState)[] = []) =>
  evaluateCheck(check, new Facts(s, NOW, new Set(missing)));

const oomLooping = (name: string): Pod => ({
  ...podIn(name, 'crashloop'),
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False' }],
    containerStatuses: [
      {
        name: 'app',
        ready: false,
        restartCount: 5,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: ago(60_000) } },
      },
    ],
  },
});

test('healthAtLeast: per namespace, and unknown when nothing is counted', () => {
  const s = state({
    pods: [
      podIn('a', 'ready'),
      podIn('b', 'crashloop'),
      podIn('k', 'ready', { namespace: 'kafka' }),
      podIn('done', 'completed'),
    ],
  });
  assert.equal(run({ kind: 'healthAtLeast', percent: 100, namespace: 'kafka' }, s).status, 'pass');
  const dp = run({ kind: 'healthAtLeast', percent: 90, namespace: 'data-platform' }, s);
  assert.equal(dp.status, 'fail');
  assert.equal(
    dp.evidence,
    'Health of data-platform 50% (1 of 2 counted pods healthy; target ≥ 90%). Unhealthy: data-platform/b (CrashLoopBackOff).',
  );
  assert.equal(run({ kind: 'healthAtLeast', percent: 90, namespace: 'empty' }, s).status, 'unknown');
  assert.equal(run({ kind: 'healthAtLeast', percent: 90 }, state({})).status, 'unknown');
});

test('noPodsWithReason: init containers, container states and how a crash loop last ended', () => {
  const init: Pod = {
    ...podIn('init', 'pending'),
    status: {
      phase: 'Pending',
      initContainerStatuses: [
        { name: 'migrate', ready: false, state: { waiting: { reason: 'CrashLoopBackOff' } } },
      ],
    },
  };
  const healedAfterOom: Pod = {
    ...podIn('healed', 'ready'),
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        {
          name: 'app',
          ready: true,
          restartCount: 1,
          state: { running: {} },
          lastState: { terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: ago(3 * 86_400_000) } },
        },
      ],
    },
  };
  const s = state({ pods: [init, oomLooping('oom'), healedAfterOom] });
  const crash = run({ kind: 'noPodsWithReason', reasons: ['CrashLoopBackOff'] }, s);
  assert.equal(
    crash.evidence,
    '2 pods in CrashLoopBackOff in the cluster: data-platform/init and data-platform/oom.',
  );
  const oom = run({ kind: 'noPodsWithReason', reasons: ['OOMKilled'] }, s);
  assert.deepEqual(
    oom.refs,
    [{ kind: 'Pod', namespace: 'data-platform', name: 'oom' }],
    'a healed pod is not listed',
  );
  const none = run({ kind: 'noPodsWithReason', reasons: ['ImagePullBackOff'], namespace: 'kafka' }, s);
  assert.equal(none.status, 'pass');
  assert.equal(none.evidence, 'No pods in ImagePullBackOff in kafka (0 pods checked).');
});

test('evidence lists stop at five names', () => {
  const pods = Array.from({ length: 7 }, (_, i) => podIn(`crash-${i}`, 'crashloop'));
  const r = run({ kind: 'noPodsWithReason', reasons: ['CrashLoopBackOff'] }, state({ pods }));
  assert.equal(
    r.evidence,
    '7 pods in CrashLoopBackOff in the cluster: data-platform/crash-0, data-platform/crash-1, data-platform/crash-2, data-platform/crash-3, data-platform/crash-4 and 2 more.',
  );
  assert.equal(r.refs.length, 5);
});

test('noPendingWithoutReason: reasons given pass, silence fails, new pods get a grace period', () => {
  const fresh = podIn('fresh', 'pending', { createdAgo: 60_000 });
  const stale = podIn('stale', 'pending', { createdAgo: 20 * 60_000 });
  const waiting = podIn('spark', 'unschedulable');
  assert.equal(run({ kind: 'noPendingWithoutReason' }, state({ pods: [fresh] })).status, 'pass');
  const explained = run({ kind: 'noPendingWithoutReason' }, state({ pods: [fresh, waiting] }));
  assert.equal(explained.status, 'pass');
  assert.match(
    explained.evidence,
    /^2 pending pods in the cluster, each with a reason: .*data-platform\/spark \(Unschedulable · Insufficient memory\)/,
  );
  const r = run({ kind: 'noPendingWithoutReason' }, state({ pods: [fresh, stale, waiting] }));
  assert.equal(r.status, 'fail');
  assert.equal(r.evidence, '1 pod pending in the cluster with no reason given: data-platform/stale for 20m.');
});

test('workloadReady: missing, scaled to zero, min below desired, other kinds', () => {
  const api = deploymentWithPods('dolphinscheduler-api', {
    replicas: 8,
    pods: ['ready', 'ready', 'ready', 'ready', 'ready', 'ready', 'crashloop', 'crashloop'],
  });
  const idle = deploymentWithPods('trino-worker', { replicas: 0, pods: [] });
  const s = state({ deployments: [api.workload, idle.workload], pods: api.pods });
  const check = (extra: Partial<Extract<Check, { kind: 'workloadReady' }>>) =>
    run(
      {
        kind: 'workloadReady',
        workload: 'Deployment',
        namespace: 'data-platform',
        name: 'dolphinscheduler-api',
        ...extra,
      },
      s,
    );
  assert.equal(check({}).status, 'fail', 'without min every desired replica must be ready');
  assert.match(
    check({}).evidence,
    /^Deployment data-platform\/dolphinscheduler-api: 6\/8 ready \(CrashLoopBackOff\): /,
  );
  assert.equal(check({ min: 6 }).status, 'pass');
  assert.equal(check({ name: 'nope' }).evidence, 'Deployment data-platform/nope not found.');
  assert.equal(
    check({ name: 'trino-worker' }).evidence,
    'Deployment data-platform/trino-worker is scaled to 0 replicas.',
  );
  assert.equal(check({ name: 'trino-worker', allowScaledToZero: true }).status, 'pass');
  assert.equal(check({ workload: 'StatefulSet' }).status, 'fail', 'kinds are not mixed up');
  assert.equal(
    check({}).status,
    run(
      {
        kind: 'workloadReady',
        workload: 'Deployment',
        namespace: 'data-platform',
        name: 'dolphinscheduler-api',
      },
      s,
      ['pods'],
    ).status,
  );
  assert.equal(
    run({ kind: 'workloadReady', workload: 'StatefulSet', namespace: 'x', name: 'y' }, s, ['statefulSets'])
      .status,
    'unknown',
  );
});

test('podsReady: counts ready pods with the labels, terminal pods aside', () => {
  const labels = { 'ray.io/cluster': 'ml-cluster', 'ray.io/node-type': 'worker' };
  const s = state({
    pods: [
      podIn('w1', 'ready', { namespace: 'ml-platform', labels }),
      podIn('w2', 'crashloop', { namespace: 'ml-platform', labels }),
      podIn('w3', 'completed', { namespace: 'ml-platform', labels }),
      podIn('other', 'ready', { namespace: 'ml-platform', labels: { 'ray.io/cluster': 'other' } }),
    ],
  });
  const r = run({ kind: 'podsReady', namespace: 'ml-platform', selector: labels, min: 2 }, s);
  assert.equal(r.status, 'fail');
  assert.equal(
    r.evidence,
    '1 of 2 pods ready matching ray.io/cluster=ml-cluster,ray.io/node-type=worker in ml-platform (needs 2). Not ready: ml-platform/w2 (CrashLoopBackOff).',
  );
  assert.equal(
    run({ kind: 'podsReady', namespace: 'kafka', selector: labels, min: 1 }, s).evidence.startsWith(
      'No pods match',
    ),
    true,
  );
});

test('pdbCovers: double coverage, null and empty selectors, multi-replica workloads', () => {
  const api = deploymentWithPods('dolphinscheduler-api', { replicas: 6 });
  const single = deploymentWithPods('trino-coordinator');
  const both = [
    pdb('a', 'data-platform', { app: 'dolphinscheduler-api' }),
    pdb('b', 'data-platform', { app: 'dolphinscheduler-api' }),
  ];
  const target = {
    kind: 'pdbCovers',
    namespace: 'data-platform',
    target: { by: 'workload', workload: 'Deployment', name: 'dolphinscheduler-api' },
  } as const;
  const doubled = run(target, state({ deployments: [api.workload], pdbs: both }));
  assert.equal(doubled.status, 'fail');
  assert.match(
    doubled.evidence,
    /more than one PodDisruptionBudget \(a \(minAvailable 1\) and b \(minAvailable 1\)\): the eviction API refuses/,
  );
  const nullSelector = { ...pdb('none', 'data-platform', {}), spec: { minAvailable: 1 } };
  assert.equal(run(target, state({ deployments: [api.workload], pdbs: [nullSelector] })).status, 'fail');
  const everything = { ...pdb('all', 'data-platform', {}), spec: { maxUnavailable: 1, selector: {} } };
  const all = run(target, state({ deployments: [api.workload], pdbs: [everything] }));
  assert.equal(
    all.evidence,
    'PodDisruptionBudget all (maxUnavailable 1) covers Deployment data-platform/dolphinscheduler-api.',
  );
  const multi = { kind: 'pdbCovers', namespace: 'data-platform', target: { by: 'multiReplica' } } as const;
  assert.equal(
    run(multi, state({ deployments: [single.workload] })).status,
    'pass',
    'single replicas need none',
  );
  assert.equal(
    run(multi, state({ deployments: [single.workload, api.workload] })).evidence,
    '1 of 1 multi-replica workload in data-platform has no PodDisruptionBudget: Deployment data-platform/dolphinscheduler-api.',
  );
  assert.equal(run(target, state({})).evidence, 'Deployment data-platform/dolphinscheduler-api not found.');
});

test('quotas: presence per namespace, usage threshold, usage not reported yet', () => {
  const hard = { 'requests.cpu': '10', 'requests.memory': '20Gi', pods: '50' };
  const tight = quota('kafka-quota', 'kafka', hard, {
    'requests.cpu': '9500m',
    'requests.memory': '10Gi',
    pods: '12',
  });
  const fresh = { ...quota('ml-platform-quota', 'ml-platform', hard, {}), status: { hard } };
  const s = state({ resourceQuotas: [tight, fresh] });
  assert.equal(
    run({ kind: 'quotaInNamespaces', namespaces: ['kafka', 'data-platform'] }, s).evidence,
    'No ResourceQuota in data-platform (1 of 2 namespaces have one).',
  );
  assert.equal(
    run({ kind: 'quotaUsageBelow', percent: 90 }, s).evidence,
    '1 quota limit at or above 90%: kafka/kafka-quota requests.cpu 95% (9500m of 10).',
  );
  assert.equal(run({ kind: 'quotaUsageBelow', percent: 90, namespace: 'ml-platform' }, s).status, 'unknown');
  assert.equal(run({ kind: 'quotaUsageBelow', percent: 99, namespace: 'kafka' }, s).status, 'pass');
  assert.equal(run({ kind: 'quotaUsageBelow', percent: 90, namespace: 'monitoring' }, s).status, 'fail');
});

test('networkPolicySelects: policy types as the API defaults them, partial coverage, selectors', () => {
  const pods = [
    podIn('etl', 'ready', { labels: { app: 'etl' } }),
    podIn('web', 'ready', { labels: { app: 'web' } }),
  ];
  const ingressOnly = { ...netpol('ingress', 'data-platform', []), spec: { podSelector: {} } };
  const etlEgress = netpol('etl-egress', 'data-platform', ['Egress'], { app: 'etl' });
  const egress = { kind: 'networkPolicySelects', namespace: 'data-platform', policyType: 'Egress' } as const;
  assert.equal(
    run(egress, state({ pods, networkPolicies: [ingressOnly] })).evidence,
    'No Egress NetworkPolicy in data-platform.',
  );
  assert.equal(
    run(
      { kind: 'networkPolicySelects', namespace: 'data-platform' },
      state({ pods, networkPolicies: [ingressOnly] }),
    ).status,
    'pass',
  );
  const partial = run(egress, state({ pods, networkPolicies: [ingressOnly, etlEgress] }));
  assert.equal(
    partial.evidence,
    '1 of 2 pods (pods in data-platform) are selected by no Egress NetworkPolicy: data-platform/web.',
  );
  assert.equal(
    run({ ...egress, selector: { app: 'etl' } }, state({ pods, networkPolicies: [etlEgress] })).status,
    'pass',
  );
  assert.equal(
    run({ ...egress, selector: { app: 'new' } }, state({ pods, networkPolicies: [etlEgress] })).status,
    'fail',
  );
});

test('cronJobSucceeded: from Jobs, from status when Jobs are unreadable, never-run and in-progress', () => {
  const cron = 'commodity-price-pipeline';
  const ok = { lastScheduleTime: ago(3_600_000), lastSuccessfulTime: ago(3_000_000) };
  const check = { kind: 'cronJobSucceeded', namespace: 'data-platform', name: cron } as const;
  assert.equal(
    run(check, state({ cronJobs: [cronJob(cron, 'data-platform', { status: ok })] }), ['jobs']).status,
    'pass',
  );
  const late = { lastScheduleTime: ago(600_000), lastSuccessfulTime: ago(90_000_000) };
  assert.match(
    run(check, state({ cronJobs: [cronJob(cron, 'data-platform', { status: late })] }), ['jobs']).evidence,
    /last scheduled 10m ago, no successful run recorded since/,
  );
  const active = { lastScheduleTime: ago(600_000), active: [{ name: `${cron}-1` }] };
  assert.equal(
    run(check, state({ cronJobs: [cronJob(cron, 'data-platform', { status: active })] }), ['jobs']).status,
    'unknown',
  );
  assert.equal(
    run(
      check,
      state({
        cronJobs: [cronJob(cron, 'data-platform', { status: active })],
        jobs: [jobRun(`${cron}-1`, 'running', { cron })],
      }),
    ).status,
    'unknown',
  );
  assert.equal(
    run(check, state({ cronJobs: [cronJob(cron)] })).evidence,
    `CronJob data-platform/${cron} has not run yet.`,
  );
  // The newest finished Job decides; a running one does not hide it.
  const jobs = [
    jobRun(`${cron}-2`, 'running', { cron, startedAgo: 60_000 }),
    jobRun(`${cron}-1`, 'complete', { cron, startedAgo: 86_400_000 }),
  ];
  assert.equal(
    run(check, state({ cronJobs: [cronJob(cron, 'data-platform', { status: active })], jobs })).status,
    'pass',
  );
  const all = run(
    { kind: 'cronJobSucceeded', namespace: 'data-platform' },
    state({ cronJobs: [cronJob(cron, 'data-platform', { status: ok }), cronJob('nightly')] }),
    ['jobs'],
  );
  assert.equal(all.status, 'fail');
  assert.equal(all.evidence, 'CronJob data-platform/nightly has not run yet.');
  assert.equal(
    run({ kind: 'cronJobSucceeded', namespace: 'kafka' }, state({})).evidence,
    'No CronJobs in kafka.',
  );
});

test('argoApp: by name, all, health only; unknown without the CRD', () => {
  const s = state({
    applications: [
      application('ml-platform', 'Synced', 'Progressing'),
      application('data-platform', 'Synced', 'Healthy'),
    ],
  });
  assert.equal(run({ kind: 'argoApp', names: ['ml-platform'] }, s).status, 'fail');
  assert.equal(run({ kind: 'argoApp', names: ['ml-platform'], sync: 'Synced' }, s).status, 'pass');
  assert.equal(
    run({ kind: 'argoApp', names: [], sync: 'Synced' }, s).evidence,
    'Argo CD: all 2 Applications are Synced.',
  );
  assert.equal(run({ kind: 'argoApp', names: [], health: 'Healthy' }, s).status, 'fail');
  assert.equal(
    run({ kind: 'argoApp', names: ['kubeflow'] }, s).evidence,
    'Argo CD Application kubeflow not found.',
  );
  assert.equal(run({ kind: 'argoApp', names: [] }, state({})).status, 'fail');
  assert.equal(run({ kind: 'argoApp', names: [] }, state({}), ['applications']).status, 'unknown');
});

test('noFailedJobs and noStuckTerminating honour the namespace', () => {
  const s = state({
    jobs: [jobRun('init-db-job', 'failed'), jobRun('ok', 'complete', { namespace: 'kafka' })],
    pods: [podIn('doris-fe-0', 'stuck')],
  });
  assert.equal(
    run({ kind: 'noFailedJobs', namespace: 'kafka' }, s).evidence,
    'No failed Jobs in kafka (1 Job checked).',
  );
  assert.equal(run({ kind: 'noFailedJobs' }, s).status, 'fail');
  assert.equal(run({ kind: 'noStuckTerminating', namespace: 'kafka' }, s).status, 'pass');
  assert.equal(run({ kind: 'noStuckTerminating' }, s).refs[0]?.name, 'doris-fe-0');
});

test('serviceExternalName: type, case and the trailing dot', () => {
  const check = {
    kind: 'serviceExternalName',
    namespace: 'data-platform',
    name: 'postgres-shared-service',
    equals: 'kong-postgres.kong.svc.cluster.local',
  } as const;
  const svc = externalName(
    'postgres-shared-service',
    'data-platform',
    'Kong-Postgres.kong.svc.cluster.local.',
  );
  assert.equal(run(check, state({ services: [svc] })).status, 'pass');
  const clusterIp = { ...svc, spec: { type: 'ClusterIP' } };
  assert.equal(
    run(check, state({ services: [clusterIp] })).evidence,
    'Service data-platform/postgres-shared-service is type ClusterIP, not ExternalName → kong-postgres.kong.svc.cluster.local.',
  );
  assert.equal(run(check, state({})).status, 'fail');
  assert.equal(run(check, state({}), ['services']).status, 'unknown');
});

test('cronJobSucceeded: Jobs without an owner are matched by name literally, crafted names included', () => {
  for (const cron of ['a(b', '[', 'nightly.*']) {
    const check = { kind: 'cronJobSucceeded', namespace: 'data-platform', name: cron } as const;
    const s = state({ cronJobs: [cronJob(cron)], jobs: [jobRun(`${cron}-17`, 'complete')] });
    assert.equal(run(check, s).status, 'pass', cron);
  }
  // A dot is a dot: `a.b` does not claim `axb-1`.
  const check = { kind: 'cronJobSucceeded', namespace: 'data-platform', name: 'a.b' } as const;
  const s = state({ cronJobs: [cronJob('a.b')], jobs: [jobRun('axb-1', 'complete')] });
  assert.equal(run(check, s).status, 'fail');
});
