/**
 * The runbook against the real API server with the seeded platform: the built-in runbook fails
 * exactly where the seeds say the platform is broken, the fixes the runbook describes turn those
 * checks green, and every snippet it offers is accepted by the API server (server-side dry run),
 * Argo CD, Kyverno and Velero objects included. No controller-manager, Argo CD or kubelet runs:
 * what they would write (quota usage, Job and pod statuses, an Application's sync) is written
 * through the status subresource the way the scenario loader writes it.
 */
import * as assert from 'node:assert/strict';
import { KubeError } from '../../src/adapters/k8s/errors';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { runbook } from '../../src/cli/runbook';
import { expandDefaults, snippetById, snippets } from '../../src/core/runbook/snippets';
import {
  clientFor,
  createJob,
  createPod,
  loadScenario,
  owner,
  podStatus,
  Pool,
  quotaStatus,
  seedsScenario,
  Writer,
  type Json,
  type LoadContext,
} from '../../scenarios/loader';
import { startTestCluster, type TestCluster } from '../../scripts/harness/testcluster';
import { restFor } from './support/kube';

let cluster: TestCluster;
before(async () => {
  cluster = await startTestCluster();
  await loadScenario(cluster.kubeconfig, 'seeds');
});
after(async () => {
  await cluster?.stop();
});

interface Item {
  id: string;
  status: string;
  evidence?: string;
  refs: { kind: string; namespace: string; name: string }[];
}

interface Report {
  overall: { total: number; passed: number; failed: number; unknown: number; open: number };
  phases: { tasks: { items: Item[] }[] }[];
}

async function evaluateBuiltIn(): Promise<{
  code: number;
  report: Report;
  status: Map<string, string>;
  item: (id: string) => Item;
}> {
  let text = '';
  const code = await runbook(['--kubeconfig', cluster.kubeconfig, '--format', 'json'], (s) => (text += s));
  const report = JSON.parse(text) as Report;
  const items = new Map(report.phases.flatMap((p) => p.tasks.flatMap((t) => t.items.map((i) => [i.id, i]))));
  const status = new Map([...items].map(([id, i]) => [id, i.status]));
  const item = (id: string) => {
    const found = items.get(id);
    assert.ok(found, `no item ${id} in the report`);
    return found;
  };
  return { code, report, status, item };
}

/** Asserts an item's verdict; `evidence` is matched whole when a string. */
function expectItem(item: Item, status: 'pass' | 'fail', evidence: string | RegExp): void {
  assert.equal(item.status, status, `${item.id}: ${item.evidence ?? ''}`);
  if (typeof evidence === 'string') assert.equal(item.evidence, evidence, item.id);
  else assert.match(item.evidence ?? '', evidence, item.id);
}

const refText = (r: Item['refs'][number]) => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;

test('the built-in runbook fails where the seeded platform is broken, and says why', async () => {
  const { code, report, status } = await evaluateBuiltIn();
  assert.equal(code, 1, 'failing checks make the CLI exit 1 for CI');
  for (const id of ['datahub-gms-ready', 'postgres-shared-externalname', 'redis-ready-or-scaled-down'])
    assert.equal(status.get(id), 'fail', id);
  // What the seeds report as working passes: Kafka 3/3 brokers (KRaft), Ray head + 2 workers.
  for (const id of ['kafka-3-brokers', 'ray-head-2-workers']) assert.equal(status.get(id), 'pass', id);
  assert.ok(report.overall.passed > 0, 'healthy parts of the platform pass');
  assert.equal(report.overall.unknown, 0, 'the test cluster serves every resource the checks read');
  const gms = report.phases
    .flatMap((p) => p.tasks.flatMap((t) => t.items))
    .find((i) => i.id === 'datahub-gms-ready');
  assert.match(gms?.evidence ?? '', /datahub-gms.*CrashLoopBackOff/);
});

test('the fixes the runbook describes turn their checks green', async () => {
  const rest = restFor(cluster.kubeconfig);
  const merge = 'application/merge-patch+json';
  await rest.request('PATCH', '/api/v1/namespaces/data-platform/services/postgres-shared-service', {
    body: { spec: { externalName: 'kong-postgres.kong.svc.cluster.local' } },
    contentType: merge,
    what: 'point postgres-shared-service at kong-postgres',
  });
  await rest.request('PATCH', '/apis/apps/v1/namespaces/data-platform/deployments/redis', {
    body: { spec: { replicas: 0 } },
    contentType: merge,
    what: 'scale redis to 0',
  });
  const { status } = await evaluateBuiltIn();
  assert.equal(status.get('postgres-shared-externalname'), 'pass');
  assert.equal(status.get('redis-ready-or-scaled-down'), 'pass');
  assert.equal(status.get('datahub-gms-ready'), 'fail', 'untouched problems still fail');
});

const PLURALS: Readonly<Record<string, string>> = {
  ResourceQuota: 'resourcequotas',
  LimitRange: 'limitranges',
  PodDisruptionBudget: 'poddisruptionbudgets',
  NetworkPolicy: 'networkpolicies',
  Secret: 'secrets',
  ConfigMap: 'configmaps',
  CronJob: 'cronjobs',
  Deployment: 'deployments',
  Application: 'applications',
  PolicyException: 'policyexceptions',
  Schedule: 'schedules',
};

type Manifest = Json & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
};

/**
 * Server-side apply, as `kubectl apply --server-side` does. With dryRun the API server validates
 * the object and stores nothing.
 */
async function apply(object: Manifest, options: { dryRun?: boolean } = {}): Promise<void> {
  const plural = PLURALS[object.kind];
  assert.ok(plural, `no plural known for ${object.kind}`);
  const [group, version] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')
    : ['', object.apiVersion];
  const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const ns = object.metadata.namespace ?? 'default';
  await restFor(cluster.kubeconfig).request(
    'PATCH',
    `${base}/namespaces/${ns}/${plural}/${object.metadata.name}`,
    {
      body: object,
      contentType: 'application/apply-patch+yaml',
      // A dry run forces: a snippet's default name may be a seeded object's (the ETL CronJob is)
      // and validity is the point. A real apply reports conflicts, as kubectl does.
      query: options.dryRun
        ? { dryRun: 'All', fieldManager: 'shipshape-test', fieldValidation: 'Strict', force: true }
        : { fieldManager: 'kubectl', fieldValidation: 'Strict' },
      what: `${options.dryRun ? 'dry-run ' : ''}apply ${object.kind} ${ns}/${object.metadata.name}`,
    },
  );
}

const dryRunApply = (object: Manifest) => apply(object, { dryRun: true });

/**
 * A snippet as the operator inserts it: `values` typed at those tab stops (mirrors follow), the
 * other stops left at their defaults.
 */
function fromSnippet(id: string, values: Readonly<Record<number, string>> = {}): Manifest {
  const snippet = snippetById(id);
  assert.ok(snippet?.fullDocument, `${id} is not a full-document snippet`);
  let body = snippet.body;
  for (const [n, value] of Object.entries(values)) {
    const stop = new RegExp(`\\$\\{${n}:[^}]*\\}`);
    assert.match(body, stop, `${id} has no placeholder $${n}`);
    body = body.replace(stop, () => `\${${n}:${value}}`);
  }
  return parse(expandDefaults(body)) as Manifest;
}

/** Stand-ins for the controllers and kubelets that do not run here, writing as the loader does. */
function controllers(): LoadContext {
  return {
    writer: new Writer(clientFor(cluster.kubeconfig), new Pool(4)),
    nodes: seedsScenario().scenario.nodes.map((n) => n.name),
    now: Date.now(),
    events: false,
  };
}

test('every full-document snippet, with its defaults, passes a server-side dry run', async () => {
  const full = snippets.filter((s) => s.fullDocument);
  assert.ok(full.length >= 10);
  for (const snippet of full) {
    const object = parse(expandDefaults(snippet.body)) as Manifest;
    assert.equal(object.kind, snippet.kind, snippet.id);
    await dryRunApply(object).catch((error: unknown) => {
      throw new Error(`${snippet.id}: ${String(error)}`);
    });
  }
});

test('the operator CRDs are typed: a misspelt or mistyped field in an Argo CD, Kyverno or Velero object is refused', async () => {
  const refused = async (object: Manifest, pattern: RegExp) => {
    const error = await dryRunApply(object).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof KubeError, `${object.kind} with a wrong field was accepted`);
    assert.match(error.apiMessage ?? '', pattern);
  };
  const app = fromSnippet('argocd-application') as Manifest & { spec: { source: Json } };
  const { repoURL, ...source } = app.spec.source;
  await refused(
    { ...app, spec: { ...app.spec, source: { ...source, repoUrl: repoURL } } },
    /repoUrl|repoURL/,
  );
  const exception = fromSnippet('kyverno-policyexception') as Manifest & { spec: Json };
  await refused(
    {
      ...exception,
      spec: { ...exception.spec, exceptions: [{ policyName: 'p', rules: ['r'] }] },
    },
    /rules|ruleNames/,
  );
  const schedule = fromSnippet('velero-schedule') as Manifest & { spec: { template: Json } };
  await refused(
    {
      ...schedule,
      spec: { ...schedule.spec, template: { ...schedule.spec.template, ttl: 720 } },
    },
    /ttl/,
  );
});

test('every fragment snippet is valid where it belongs (container or pod spec)', async () => {
  const fragments = snippets.filter((s) => !s.fullDocument);
  assert.ok(fragments.length >= 3);
  for (const snippet of fragments) {
    const fragment = parse(expandDefaults(snippet.body)) as Record<string, unknown>;
    const container = {
      name: 'app',
      image: 'nginx:1.27',
      ...(snippet.insertInto === 'container' ? fragment : {}),
    };
    const podSpec = { containers: [container], ...(snippet.insertInto === 'podSpec' ? fragment : {}) };
    await dryRunApply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `snippet-${snippet.id}`, namespace: 'data-platform' },
      spec: {
        selector: { matchLabels: { app: 'snippet' } },
        template: { metadata: { labels: { app: 'snippet' } }, spec: podSpec },
      },
    }).catch((error: unknown) => {
      throw new Error(`${snippet.id}: ${String(error)}`);
    });
  }
});

// The remedies beyond the critical fixes, each on the cluster the previous one left: the item
// fails first (made to, where the seeds already pass it), the remedy goes through the API server,
// and a fresh read turns it green.

test('a ResourceQuota per namespace, sized as the runbook says, turns the quota items green', async () => {
  const before = await evaluateBuiltIn();
  const lacking = before.item('quotas-per-namespace');
  expectItem(
    lacking,
    'fail',
    'No ResourceQuota in data-platform, ml-platform, monitoring and victoria-metrics (1 of 5 namespaces have one).',
  );
  assert.deepEqual(lacking.refs.map(refText), [
    'Namespace data-platform',
    'Namespace ml-platform',
    'Namespace monitoring',
    'Namespace victoria-metrics',
    'ResourceQuota kafka/kafka-quota',
  ]);

  const ctx = controllers();
  // Requests from the runbook's fix; limits from the seeds' hardening report.
  const sizes = [
    ['data-platform', '100', '200Gi', '150', '300Gi'],
    ['ml-platform', '30', '60Gi', '50', '100Gi'],
    ['monitoring', '10', '20Gi', '15', '30Gi'],
    ['victoria-metrics', '10', '20Gi', '15', '30Gi'],
  ] as const;
  for (const [ns, requestsCpu, requestsMemory, limitsCpu, limitsMemory] of sizes) {
    const quota = fromSnippet('k8s-quota', {
      1: ns,
      2: requestsCpu,
      3: requestsMemory,
      4: limitsCpu,
      5: limitsMemory,
    });
    await apply(quota);
    // The quota controller's report: without it the headroom item has nothing to measure and
    // admission does not enforce the quota.
    await quotaStatus(ctx, quota);
  }
  await apply(fromSnippet('k8s-limitrange'));

  const after = await evaluateBuiltIn();
  expectItem(
    after.item('quotas-per-namespace'),
    'pass',
    'Every namespace has a ResourceQuota: data-platform (data-platform-quota), kafka (kafka-quota), ml-platform (ml-platform-quota), monitoring (monitoring-quota) and victoria-metrics (victoria-metrics-quota).',
  );
  // The new quotas are measured too: without their usage this would be unknown, not a pass.
  expectItem(
    after.item('quota-headroom'),
    'pass',
    /^Every quota limit in the cluster is below 90%; highest: [a-z-]+\/[a-z-]+-quota \S+ \d+% \(\S+ of \S+\)\.$/,
  );
});

test('the budgets the runbook lists, then one per remaining multi-replica workload, turn the PDB items green', async () => {
  const rest = restFor(cluster.kubeconfig);
  // The seeds are mid-hardening: two of the runbook's budgets exist. Start from before the task.
  for (const [ns, name] of [
    ['data-platform', 'dolphinscheduler-api-pdb'],
    ['kafka', 'kafka-broker-pdb'],
  ] as const)
    await rest.request('DELETE', `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/${name}`, {
      what: `delete PodDisruptionBudget ${ns}/${name}`,
    });
  const before = await evaluateBuiltIn();
  expectItem(
    before.item('pdb-dolphinscheduler-api'),
    'fail',
    'No PodDisruptionBudget in data-platform selects Deployment data-platform/dolphinscheduler-api.',
  );
  expectItem(
    before.item('pdb-kafka-brokers'),
    'fail',
    'No PodDisruptionBudget in kafka selects pods matching strimzi.io/cluster=datahub-kafka,strimzi.io/broker-role=true in kafka.',
  );
  expectItem(
    before.item('pdb-data-platform-multi-replica'),
    'fail',
    '4 of 4 multi-replica workloads in data-platform have no PodDisruptionBudget: Deployment data-platform/data-lake-api, Deployment data-platform/dolphinscheduler-api, Deployment data-platform/graphql-gateway and StatefulSet data-platform/dolphinscheduler-worker.',
  );

  // The runbook's list: minAvailable for the replicated services, maxUnavailable for the rest.
  const listed = [
    { snippet: 'k8s-pdb-min', ns: 'data-platform', app: 'dolphinscheduler-api', budget: '2' },
    { snippet: 'k8s-pdb-min', ns: 'kafka', app: 'datahub-kafka', budget: '2', key: 'strimzi.io/cluster' },
    { snippet: 'k8s-pdb-max', ns: 'data-platform', app: 'trino-coordinator', budget: '1' },
    { snippet: 'k8s-pdb-max', ns: 'kong', app: 'kong-postgres', budget: '1' },
    { snippet: 'k8s-pdb-max', ns: 'data-platform', app: 'elasticsearch', budget: '1' },
    { snippet: 'k8s-pdb-max', ns: 'monitoring', app: 'grafana', budget: '1' },
    { snippet: 'k8s-pdb-max', ns: 'victoria-metrics', app: 'victoria-metrics', budget: '1' },
    { snippet: 'k8s-pdb-max', ns: 'ml-platform', app: 'ml-cluster-head', budget: '1' },
  ];
  const create = async (pdb: { snippet: string; ns: string; app: string; budget: string; key?: string }) => {
    const key = pdb.key ?? 'app';
    await apply(fromSnippet(pdb.snippet, { 1: pdb.app, 2: pdb.ns, 3: pdb.budget, 4: key }));
    // Most of these budgets have no checklist item: a typo would go unnoticed but for this.
    const pods = await rest.request<{ items: unknown[] }>('GET', `/api/v1/namespaces/${pdb.ns}/pods`, {
      query: { labelSelector: `${key}=${pdb.app}` },
      what: 'list the pods a budget selects',
    });
    assert.ok(pods.items.length > 0, `${pdb.ns}/${pdb.app}-pdb selects no pods`);
  };
  for (const pdb of listed) await create(pdb);

  const listedOnly = await evaluateBuiltIn();
  expectItem(
    listedOnly.item('pdb-dolphinscheduler-api'),
    'pass',
    'PodDisruptionBudget dolphinscheduler-api-pdb (minAvailable 2) covers Deployment data-platform/dolphinscheduler-api.',
  );
  expectItem(
    listedOnly.item('pdb-kafka-brokers'),
    'pass',
    'PodDisruptionBudget datahub-kafka-pdb (minAvailable 2) covers pods matching strimzi.io/cluster=datahub-kafka,strimzi.io/broker-role=true in kafka.',
  );
  // The list leaves out three replicated workloads the last item asks about.
  const bare = listedOnly.item('pdb-data-platform-multi-replica');
  expectItem(
    bare,
    'fail',
    '3 of 4 multi-replica workloads in data-platform have no PodDisruptionBudget: Deployment data-platform/data-lake-api, Deployment data-platform/graphql-gateway and StatefulSet data-platform/dolphinscheduler-worker.',
  );
  assert.deepEqual(bare.refs.map(refText), [
    'Deployment data-platform/data-lake-api',
    'Deployment data-platform/graphql-gateway',
    'StatefulSet data-platform/dolphinscheduler-worker',
  ]);

  for (const app of ['data-lake-api', 'graphql-gateway', 'dolphinscheduler-worker'])
    await create({ snippet: 'k8s-pdb-max', ns: 'data-platform', app, budget: '1' });
  const after = await evaluateBuiltIn();
  expectItem(
    after.item('pdb-data-platform-multi-replica'),
    'pass',
    'All 4 multi-replica workloads in data-platform have a PodDisruptionBudget.',
  );
  for (const id of ['pdb-dolphinscheduler-api', 'pdb-kafka-brokers'])
    assert.equal(after.status.get(id), 'pass', id);
});

test('egress NetworkPolicies must select every pod in data-platform, not only the ETL workers', async () => {
  const rest = restFor(cluster.kubeconfig);
  const before = await evaluateBuiltIn();
  expectItem(before.item('netpol-data-platform-egress'), 'fail', 'No Egress NetworkPolicy in data-platform.');

  const pods = await rest.request<{ items: { status?: { phase?: string } }[] }>(
    'GET',
    '/api/v1/namespaces/data-platform/pods',
    { what: 'list data-platform pods' },
  );
  const live = pods.items.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  assert.ok(live.length > 5);

  // The snippet's own suggestion, narrowing it to the ETL workers, leaves the namespace open.
  const narrowed = fromSnippet('k8s-netpol-db-egress', { 1: 'allow-etl-egress' });
  (narrowed['spec'] as { podSelector: unknown }).podSelector = {
    matchLabels: { 'app.kubernetes.io/component': 'etl' },
  };
  await apply(narrowed);
  const etlOnly = (await evaluateBuiltIn()).item('netpol-data-platform-egress');
  expectItem(
    etlOnly,
    'fail',
    new RegExp(
      `^${live.length} of ${live.length} pods \\(pods in data-platform\\) are selected by no Egress NetworkPolicy: data-platform/[a-z0-9-]+, .* and ${live.length - 5} more\\.$`,
    ),
  );
  assert.equal(etlOnly.refs.length, 5);
  for (const ref of etlOnly.refs) {
    assert.equal(ref.kind, 'Pod');
    assert.ok(etlOnly.evidence?.includes(`data-platform/${ref.name}`), ref.name);
  }

  await apply(fromSnippet('k8s-netpol-db-egress'));
  const after = (await evaluateBuiltIn()).item('netpol-data-platform-egress');
  expectItem(
    after,
    'pass',
    `Egress NetworkPolicy allow-etl-egress and allow-external-db-egress select all ${live.length} pods in data-platform.`,
  );
  assert.deepEqual(after.refs.map(refText), [
    'NetworkPolicy data-platform/allow-etl-egress',
    'NetworkPolicy data-platform/allow-external-db-egress',
  ]);
});

test("the ETL pipeline's failed run fails its item; a successful re-run turns it green", async () => {
  const rest = restFor(cluster.kubeconfig);
  const ctx = controllers();
  const ns = 'data-platform';
  const name = 'commodity-price-pipeline';
  const seeded = await evaluateBuiltIn();
  expectItem(
    seeded.item('etl-commodity-pipeline-succeeded'),
    'pass',
    /^CronJob data-platform\/commodity-price-pipeline: last run commodity-price-pipeline-\d+ completed \d+h ago\.$/,
  );

  const cron = await rest.request<
    Json & { spec: { jobTemplate: { spec: { template: { spec: { containers: { image: string }[] } } } } } }
  >('GET', `/apis/batch/v1/namespaces/${ns}/cronjobs/${name}`, { what: 'read the pipeline CronJob' });
  const image = cron.spec.jobTemplate.spec.template.spec.containers[0]?.image;
  assert.ok(image);
  const workload = { kind: 'CronJob', name, image } as const;
  const byCron = owner('CronJob', 'batch/v1', cron);
  // Tonight's scheduled run: the CronJob controller's Job, named after its schedule time, fails.
  const scheduledAt = ctx.now - 10 * 60_000;
  const failedRun = `${name}-${Math.floor(scheduledAt / 60_000)}`;
  await createJob(ctx, ns, failedRun, workload, [{ state: 'failed' }], byCron, scheduledAt);
  await ctx.writer.status('CronJob', ns, name, { lastScheduleTime: new Date(scheduledAt).toISOString() });

  const failing = await evaluateBuiltIn();
  const failed = failing.item('etl-commodity-pipeline-succeeded');
  expectItem(
    failed,
    'fail',
    new RegExp(
      `^CronJob data-platform/${name}: last run ${failedRun} failed \\(BackoffLimitExceeded\\) 1\\dm ago\\.$`,
    ),
  );
  assert.deepEqual(failed.refs.map(refText), [`CronJob ${ns}/${name}`, `Job ${ns}/${failedRun}`]);
  assert.match(failing.item('cleanup-no-failed-jobs').evidence ?? '', new RegExp(`${ns}/${failedRun} \\(`));

  // `kubectl create job --from=cronjob/commodity-price-pipeline`: owned by the CronJob, it succeeds.
  const rerun = `${name}-manual-1`;
  await createJob(ctx, ns, rerun, workload, [{ state: 'completed' }], byCron, Date.now() - 2 * 60_000);

  const after = await evaluateBuiltIn();
  const passed = after.item('etl-commodity-pipeline-succeeded');
  expectItem(
    passed,
    'pass',
    new RegExp(`^CronJob data-platform/${name}: last run ${rerun} completed \\d+[sm] ago\\.$`),
  );
  assert.deepEqual(passed.refs.map(refText), [`CronJob ${ns}/${name}`, `Job ${ns}/${rerun}`]);
  // The failed run is history now; the init jobs still fail the clean-up item.
  const cleanup = after.item('cleanup-no-failed-jobs');
  expectItem(cleanup, 'fail', /data-platform\/datahub-init-db \(BackoffLimitExceeded\)/);
  assert.doesNotMatch(cleanup.evidence ?? '', new RegExp(failedRun));
});

test('Kafka: a broker that stops being ready fails the brokers item until it is restarted', async () => {
  const rest = restFor(cluster.kubeconfig);
  const ctx = controllers();
  const selector = 'strimzi.io/cluster=datahub-kafka,strimzi.io/broker-role=true';
  const seeded = await evaluateBuiltIn();
  expectItem(
    seeded.item('kafka-3-brokers'),
    'pass',
    `3 of 3 pods ready matching ${selector} in kafka (needs 3): kafka/datahub-kafka-kafka-pool-0, kafka/datahub-kafka-kafka-pool-1 and kafka/datahub-kafka-kafka-pool-2.`,
  );

  const broker = 'datahub-kafka-kafka-pool-1';
  const pod = await rest.request<{
    metadata: { labels: Record<string, string>; ownerReferences: Json[] };
    spec: { containers: { image: string }[] };
  }>('GET', `/api/v1/namespaces/kafka/pods/${broker}`, { what: 'read the broker pod' });
  const image = pod.spec.containers[0]?.image ?? '';
  // Its kubelet reports the broker crash looping.
  await ctx.writer.status('Pod', 'kafka', broker, podStatus('crashloop', image, ctx.now, 6));
  const down = (await evaluateBuiltIn()).item('kafka-3-brokers');
  expectItem(
    down,
    'fail',
    `2 of 3 pods ready matching ${selector} in kafka (needs 3). Not ready: kafka/${broker} (CrashLoopBackOff).`,
  );
  assert.deepEqual(down.refs.map(refText), [`Pod kafka/${broker}`]);

  // `kubectl delete pod`, confirmed at once as its kubelet would; the StatefulSet controller
  // recreates the broker under the same name and its kubelet reports it ready.
  await rest.request('DELETE', `/api/v1/namespaces/kafka/pods/${broker}`, {
    body: { gracePeriodSeconds: 0 },
    what: 'restart the broker',
  });
  const sts = await rest.request<{ spec: { template: Json } }>(
    'GET',
    '/apis/apps/v1/namespaces/kafka/statefulsets/datahub-kafka-kafka-pool',
    { what: 'read the broker StatefulSet' },
  );
  const [ownerRef] = pod.metadata.ownerReferences;
  await createPod(
    ctx,
    'kafka',
    broker,
    pod.metadata.labels,
    sts.spec.template,
    ownerRef,
    { state: 'running' },
    1,
  );
  expectItem(
    (await evaluateBuiltIn()).item('kafka-3-brokers'),
    'pass',
    `3 of 3 pods ready matching ${selector} in kafka (needs 3): kafka/datahub-kafka-kafka-pool-0, kafka/datahub-kafka-kafka-pool-1 and kafka/datahub-kafka-kafka-pool-2.`,
  );
});

test('Argo CD: ml-platform passes once a refresh leaves it Synced and Healthy, not before', async () => {
  const rest = restFor(cluster.kubeconfig);
  const ctx = controllers();
  const before = await evaluateBuiltIn();
  const stuck = before.item('ml-platform-app-synced');
  expectItem(stuck, 'fail', 'Argo CD: ml-platform is Unknown, Progressing, not Synced and Healthy.');
  assert.deepEqual(stuck.refs.map(refText), ['Application argocd/ml-platform']);

  const app = '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/ml-platform';
  const annotate = (value: string | null) =>
    rest.request('PATCH', app, {
      body: { metadata: { annotations: { 'argocd.argoproj.io/refresh': value } } },
      contentType: 'application/merge-patch+json',
      what: 'annotate ml-platform',
    });
  // The runbook's GitOps step: `kubectl annotate application … argocd.argoproj.io/refresh=hard`.
  await annotate('hard');
  // Argo CD's application controller answers: it clears the annotation, syncs, and reports health
  // while the new pods roll out, then once they are up.
  await annotate(null);
  await ctx.writer.status('Application', 'argocd', 'ml-platform', {
    sync: { status: 'Synced', revision: '9f3c2e1' },
    health: { status: 'Progressing' },
  });
  const rolling = await evaluateBuiltIn();
  expectItem(
    rolling.item('ml-platform-app-synced'),
    'fail',
    'Argo CD: ml-platform is Synced, Progressing, not Synced and Healthy.',
  );
  // The validation item only asks for Synced: its Argo CD part passes, MLflow still fails it.
  expectItem(
    rolling.item('mlflow-deployed-synced'),
    'fail',
    /^Deployment data-platform\/mlflow: 0\/1 ready \(CrashLoopBackOff\).* Argo CD: ml-platform is Synced\.$/,
  );

  await ctx.writer.status('Application', 'argocd', 'ml-platform', { health: { status: 'Healthy' } });
  const after = await evaluateBuiltIn();
  expectItem(after.item('ml-platform-app-synced'), 'pass', 'Argo CD: ml-platform is Synced and Healthy.');
  const all = after.item('argocd-all-synced');
  const apps = seedsScenario().gitops.applications;
  const unsynced = apps.filter((a) => a.sync !== 'Synced' && a.name !== 'ml-platform').length;
  expectItem(all, 'fail', new RegExp(`^Argo CD: ${unsynced} of ${apps.length} Applications not Synced: `));
  assert.doesNotMatch(all.evidence ?? '', /ml-platform/);
});
