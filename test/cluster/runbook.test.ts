/**
 * The runbook against the real API server with the seeded platform: the built-in runbook fails
 * exactly where the seeds say the platform is broken, the fixes the runbook describes turn those
 * checks green, and every snippet it offers is accepted by the API server (server-side dry run),
 * Argo CD, Kyverno and Velero objects included.
 */
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { runbook } from '../../src/cli/runbook';
import { expandDefaults, snippets } from '../../src/core/runbook/snippets';
import { loadScenario } from '../../scenarios/loader';
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

interface Report {
  overall: { total: number; passed: number; failed: number; unknown: number; open: number };
  phases: { tasks: { items: { id: string; status: string; evidence?: string }[] }[] }[];
}

async function evaluateBuiltIn(): Promise<{ code: number; report: Report; status: Map<string, string> }> {
  let text = '';
  const code = await runbook(['--kubeconfig', cluster.kubeconfig, '--format', 'json'], (s) => (text += s));
  const report = JSON.parse(text) as Report;
  const status = new Map(
    report.phases.flatMap((p) => p.tasks.flatMap((t) => t.items.map((i) => [i.id, i.status]))),
  );
  return { code, report, status };
}

test('the built-in runbook fails where the seeded platform is broken, and says why', async () => {
  const { code, report, status } = await evaluateBuiltIn();
  assert.equal(code, 1, 'failing checks make the CLI exit 1 for CI');
  for (const id of ['datahub-gms-ready', 'postgres-shared-externalname', 'redis-ready-or-scaled-down'])
    assert.equal(status.get(id), 'fail', id);
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

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

/** Server-side apply with dryRun=All: the API server validates the object, stores nothing. */
async function dryRunApply(object: Manifest): Promise<void> {
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
      // force: a snippet's default name may be a seeded object's (the ETL CronJob is); validity is the point.
      query: { dryRun: 'All', fieldManager: 'shipshape-test', fieldValidation: 'Strict', force: true },
      what: `dry-run apply ${object.kind} ${object.metadata.name}`,
    },
  );
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
    } as Manifest).catch((error: unknown) => {
      throw new Error(`${snippet.id}: ${String(error)}`);
    });
  }
});
