/**
 * The explorer's write actions against the real API server, through the plans the commands build
 * (src/adapters/k8s/plans.ts) and `executePlan`: a declined confirmation sends nothing; a
 * confirmed one dry-runs every request (the server still unchanged) before the real requests,
 * whose effect is read back through the API; a failure carries the API server's own message.
 * Scaling is covered in explorer.test.ts.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { getObject, pathOf, type ObjectRef } from '../../src/adapters/k8s/actions';
import { ClusterConnection } from '../../src/adapters/k8s/connection';
import { KubeError } from '../../src/adapters/k8s/errors';
import { contextsOf, loadKubeconfig } from '../../src/adapters/k8s/kubeconfig';
import {
  executePlan,
  type ContextGuard,
  type PlanOutcome,
  type WritePlan,
} from '../../src/adapters/k8s/plan';
import { isFailedJob, plans, refLabel } from '../../src/adapters/k8s/plans';
import { KubeRest, type RequestOptions } from '../../src/adapters/k8s/rest';
import { silentLogger } from '../../src/core/log';
import { contextIsProtected } from '../../src/core/sync/protected';
import { applyScenario } from '../../scenarios/loader';
import type { Scenario } from '../../scenarios/model';
import { startTestCluster, type TestCluster } from '../../scripts/harness/testcluster';
import { eventually, restFor, unprotected } from './support/kube';

type Json = Record<string, unknown>;

/** A small platform the actions work on, loaded the way the demo and the other tiers load theirs. */
const SCENARIO: Scenario = {
  name: 'actions',
  nodes: [{ name: 'node-1', cpu: '8', memory: '32Gi' }],
  namespaces: [
    {
      name: 'shop',
      workloads: [
        {
          kind: 'Deployment',
          name: 'web',
          image: 'nginx:1.27',
          pods: ['running', 'running', 'crashloop'],
          // A pod of the previous rollout, held in Terminating by a finalizer.
          previous: { pods: ['terminating'] },
        },
        {
          kind: 'CronJob',
          name: 'nightly-report',
          image: 'ghcr.io/acme/report:2.4',
          schedule: '0 2 * * *',
          jobs: [{ state: 'completed' }, { state: 'failed' }, { state: 'failed' }],
        },
        { kind: 'CronJob', name: 'cache-warmup', image: 'ghcr.io/acme/warmup:1.0', schedule: '*/15 * * * *' },
        { kind: 'Job', name: 'migrate-schema', image: 'ghcr.io/acme/migrate:7', pods: ['failed'] },
      ],
    },
    // A failed Job elsewhere: "delete failed Jobs in shop" must leave it alone.
    {
      name: 'billing',
      workloads: [{ kind: 'Job', name: 'invoice-run', image: 'busybox:1.36', pods: ['failed'] }],
    },
  ],
};

const GITOPS = {
  applications: [{ name: 'shop', sync: 'OutOfSync', health: 'Degraded', path: 'apps/shop' }],
  policyExceptions: [],
  veleroSchedules: [],
};

interface Call {
  readonly method: string;
  readonly path: string;
  readonly dryRun: boolean;
}

/** The REST client the extension uses, recording each request and pausing before the first real one. */
class RecordingRest extends KubeRest {
  readonly calls: Call[] = [];
  /** Runs once, right before the first request that is not a dry run. */
  beforeFirstRealRequest: (() => Promise<void>) | undefined;

  override async request<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const dryRun = options.query?.['dryRun'] === 'All';
    const hook = this.beforeFirstRealRequest;
    if (!dryRun && hook) {
      this.beforeFirstRealRequest = undefined;
      await hook();
    }
    this.calls.push({ method, path, dryRun });
    return super.request<T>(method, path, options);
  }
}

let cluster: TestCluster;
let admin: KubeRest;
let viewer: KubeRest;
let connection: ClusterConnection;
const clients: KubeRest[] = [];

function recording(): RecordingRest {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  const rest = new RecordingRest(kc, silentLogger);
  clients.push(rest);
  return rest;
}

/** The live object, or undefined once the API server no longer has it. */
async function read(ref: ObjectRef): Promise<Json | undefined> {
  try {
    return await getObject(admin, ref);
  } catch (error) {
    if (error instanceof KubeError && error.kind === 'notFound') return undefined;
    throw error;
  }
}

const meta = (o: Json | undefined) =>
  (o?.['metadata'] ?? {}) as {
    name?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    deletionTimestamp?: string;
    deletionGracePeriodSeconds?: number;
    finalizers?: string[];
    annotations?: Record<string, string>;
    ownerReferences?: { kind: string; name: string; uid: string }[];
  };

/** Declining sends no request at all, and every object involved is exactly as it was. */
async function assertDeclinedChangesNothing(plan: WritePlan, refs: readonly ObjectRef[]): Promise<void> {
  const before = await Promise.all(refs.map(read));
  const rest = recording();
  let asked: WritePlan | undefined;
  const outcome = await executePlan(
    rest,
    plan,
    (p) => {
      asked = p;
      return Promise.resolve(false);
    },
    unprotected,
  );
  assert.deepEqual(outcome, { status: 'declined' });
  assert.equal(asked, plan, 'the user was asked about this plan');
  assert.deepEqual(rest.calls, [], 'nothing was sent');
  assert.deepEqual(await Promise.all(refs.map(read)), before, 'the server is unchanged');
}

/**
 * Confirms and runs the plan: every write is dry-run, in order, before any runs for real, and
 * when the first real request leaves, the objects are still as they were (a dry run changes
 * nothing). Returns the outcome for the caller to read the real change back.
 */
async function runConfirmed(plan: WritePlan, refs: readonly ObjectRef[]): Promise<PlanOutcome> {
  const before = await Promise.all(refs.map(read));
  const rest = recording();
  let problem: Error | undefined = new Error('no request went out for real');
  rest.beforeFirstRealRequest = async () => {
    problem = undefined;
    try {
      assert.deepEqual(await Promise.all(refs.map(read)), before, 'the dry run changed nothing');
    } catch (error) {
      problem = error instanceof Error ? error : new Error(String(error));
      throw problem;
    }
  };
  const outcome = await executePlan(rest, plan, () => Promise.resolve(true), unprotected);
  // executePlan turns any throw into an outcome: report the check's own failure instead.
  if (problem) throw problem;
  const sent = plan.writes.map((w) => ({ method: w.method, path: w.path }));
  assert.deepEqual(rest.calls, [
    ...sent.map((c) => ({ ...c, dryRun: true })),
    ...sent.map((c) => ({ ...c, dryRun: false })),
  ]);
  return outcome;
}

/** `runConfirmed` under a context guard (a protected context's typed name). */
async function runConfirmedAs(plan: WritePlan, guard: ContextGuard): Promise<PlanOutcome> {
  const rest = recording();
  const outcome = await executePlan(rest, plan, () => Promise.resolve(true), guard);
  const sent = plan.writes.map((w) => ({ method: w.method, path: w.path }));
  assert.deepEqual(rest.calls, [
    ...sent.map((c) => ({ ...c, dryRun: true })),
    ...sent.map((c) => ({ ...c, dryRun: false })),
  ]);
  return outcome;
}

async function failing(plan: WritePlan, rest: KubeRest = admin): Promise<PlanOutcome> {
  return executePlan(rest, plan, () => Promise.resolve(true), unprotected);
}

const podsOf = async (labelSelector: string) =>
  (
    await admin.request<{ items: Json[] }>('GET', '/api/v1/namespaces/shop/pods', {
      query: { labelSelector },
      what: 'list pods',
    })
  ).items;

describe('explorer write actions on a real API server', () => {
  before(async () => {
    cluster = await startTestCluster({ users: ['viewer'] });
    admin = restFor(cluster.kubeconfig);
    viewer = restFor(cluster.kubeconfig, 'viewer@testcluster');
    await applyScenario(cluster.kubeconfig, SCENARIO, { gitops: GITOPS });
    const kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    // The commands read finalizers and failed Jobs from the watched model, so the tests do too.
    connection = new ClusterConnection(kc, kc.getCurrentContext(), silentLogger, { debounceMs: 10 });
    connection.start();
    await eventually(() => {
      assert.equal(connection.status().state, 'ready');
      assert.equal(connection.loading(), false);
      assert.equal(connection.state().applications.length, 1);
    }, 30_000);
  });
  after(async () => {
    connection?.dispose();
    for (const rest of [admin, viewer, ...clients]) rest?.dispose();
    await cluster?.stop();
  });

  test('delete pod: declined keeps it; confirmed starts its graceful deletion', async () => {
    const running = (await podsOf('app=web')).find(
      (p) => (p['status'] as { phase?: string }).phase === 'Running' && !meta(p).deletionTimestamp,
    );
    const ref: ObjectRef = { kind: 'Pod', namespace: 'shop', name: meta(running).name ?? '' };
    const plan = plans.deletePod(ref);
    await assertDeclinedChangesNothing(plan, [ref]);
    assert.deepEqual(await runConfirmed(plan, [ref]), { status: 'done' });
    // A kubelet would now stop the containers; the API server marks the pod Terminating.
    const after = meta(await read(ref));
    assert.ok(after.deletionTimestamp, 'the pod is being deleted');
    assert.ok((after.deletionGracePeriodSeconds ?? 0) > 0, 'with its grace period, not forced');

    const ghost = await failing(plans.deletePod({ ...ref, name: 'web-gone-away' }));
    assert.deepEqual(ghost, { status: 'dry-run-failed', message: 'pods "web-gone-away" not found' });
  });

  test('force delete: a stuck Terminating pod loses its finalizers first, then goes', async () => {
    const stuck = connection
      .state()
      .pods.find((p) => p.metadata?.namespace === 'shop' && (p.metadata.finalizers ?? []).length > 0);
    assert.ok(stuck?.metadata?.deletionTimestamp, 'the scenario has a pod stuck in Terminating');
    const ref: ObjectRef = { kind: 'Pod', namespace: 'shop', name: stuck.metadata.name ?? '' };
    const plan = plans.forceDeletePod(ref, stuck.metadata.finalizers ?? []);
    assert.deepEqual(
      plan.writes.map((w) => w.method),
      ['PATCH', 'DELETE'],
      'finalizers removed before the delete',
    );
    assert.ok(plan.objects.includes('finalizers: shipshape.dev/stuck-volume-detach'));

    const refused = await failing(plan, viewer);
    assert.equal(refused.status, 'dry-run-failed');
    assert.match(
      refused.status === 'dry-run-failed' ? refused.message : '',
      new RegExp(`^pods "${ref.name}" is forbidden: User "viewer" cannot patch resource "pods"`),
    );
    assert.deepEqual(meta(await read(ref)).finalizers, ['shipshape.dev/stuck-volume-detach']);

    await assertDeclinedChangesNothing(plan, [ref]);
    assert.deepEqual(await runConfirmed(plan, [ref]), { status: 'done' });
    assert.equal(await read(ref), undefined, 'the pod is gone from the API server');
  });

  test('restart rollout: the pod template gets a restartedAt stamp, a new generation', async () => {
    const ref: ObjectRef = { kind: 'Deployment', namespace: 'shop', name: 'web' };
    const now = new Date();
    const plan = plans.restartRollout(ref, now);
    await assertDeclinedChangesNothing(plan, [ref]);
    const generation = meta(await read(ref)).generation ?? 0;
    assert.deepEqual(await runConfirmed(plan, [ref]), { status: 'done' });
    const after = await read(ref);
    const template = (
      after?.['spec'] as { template: { metadata?: { annotations?: Record<string, string> } } }
    ).template;
    assert.equal(template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'], now.toISOString());
    assert.equal(meta(after).generation, generation + 1, 'a new rollout for the controller to run');

    const refused = await failing(plans.restartRollout(ref, new Date()), viewer);
    assert.equal(refused.status, 'dry-run-failed');
    assert.match(
      refused.status === 'dry-run-failed' ? refused.message : '',
      /^deployments\.apps "web" is forbidden: User "viewer" cannot patch resource "deployments" in API group "apps" in the namespace "shop"/,
    );
  });

  test('delete failed Jobs: only the failed ones of the namespace go', async () => {
    const jobs = connection.state().jobs;
    const plan = plans.deleteFailedJobs('shop', jobs);
    assert.ok(plan);
    const failedInShop = jobs
      .filter((j) => j.metadata?.namespace === 'shop' && isFailedJob(j))
      .map((j) => j.metadata?.name ?? '')
      .sort();
    assert.equal(failedInShop.length, 3, 'two failed runs of nightly-report and migrate-schema');
    assert.deepEqual(
      [...plan.objects].sort(),
      failedInShop.map((name) => refLabel({ kind: 'Job', namespace: 'shop', name })),
    );
    const refs = failedInShop.map((name): ObjectRef => ({ kind: 'Job', namespace: 'shop', name }));
    const kept: ObjectRef[] = jobs
      .filter((j) => !failedInShop.includes(j.metadata?.name ?? ''))
      .map((j) => ({ kind: 'Job', namespace: j.metadata?.namespace ?? '', name: j.metadata?.name ?? '' }));
    assert.ok(kept.some((r) => r.namespace === 'billing'));
    assert.ok(
      kept.some((r) => r.namespace === 'shop'),
      'the completed run stays',
    );

    const refused = await failing(plan, viewer);
    assert.equal(refused.status, 'dry-run-failed');
    assert.match(
      refused.status === 'dry-run-failed' ? refused.message : '',
      /^jobs\.batch ".+" is forbidden: User "viewer" cannot delete resource "jobs" in API group "batch" in the namespace "shop"/,
    );

    await assertDeclinedChangesNothing(plan, [...refs, ...kept]);
    const keptBefore = await Promise.all(kept.map(read));
    assert.deepEqual(await runConfirmed(plan, [...refs, ...kept]), { status: 'done' });
    for (const ref of refs) assert.equal(await read(ref), undefined, `${ref.name} is gone`);
    assert.deepEqual(await Promise.all(kept.map(read)), keptBefore, 'the other Jobs are untouched');
    await eventually(() => assert.equal(plans.deleteFailedJobs('shop', connection.state().jobs), undefined));
  });

  test('suspend and resume a CronJob', async () => {
    const ref: ObjectRef = { kind: 'CronJob', namespace: 'shop', name: 'cache-warmup' };
    const suspended = async () => ((await read(ref))?.['spec'] as { suspend?: boolean }).suspend ?? false;
    assert.equal(await suspended(), false);
    const suspend = plans.suspendCronJob(ref, true);
    await assertDeclinedChangesNothing(suspend, [ref]);
    assert.deepEqual(await runConfirmed(suspend, [ref]), { status: 'done' });
    assert.equal(await suspended(), true);

    const resume = plans.suspendCronJob(ref, false);
    await assertDeclinedChangesNothing(resume, [ref]);
    assert.deepEqual(await runConfirmed(resume, [ref]), { status: 'done' });
    assert.equal(await suspended(), false);

    const ghost = await failing(plans.suspendCronJob({ ...ref, name: 'weekly-gone' }, true));
    assert.deepEqual(ghost, { status: 'dry-run-failed', message: 'cronjobs.batch "weekly-gone" not found' });
  });

  test('trigger a CronJob now: a Job from its template, owned by it', async () => {
    const ref: ObjectRef = { kind: 'CronJob', namespace: 'shop', name: 'nightly-report' };
    const cronJob = await getObject(admin, ref);
    const plan = plans.triggerCronJob(ref, cronJob, 'a1b2c3');
    const job: ObjectRef = { kind: 'Job', namespace: 'shop', name: 'nightly-report-manual-a1b2c3' };
    assert.ok(plan.objects.includes(`creates ${job.name}`));
    await assertDeclinedChangesNothing(plan, [ref, job]);
    assert.equal(await read(job), undefined);
    assert.deepEqual(await runConfirmed(plan, [ref, job]), { status: 'done' });
    const created = await read(job);
    assert.equal(meta(created).annotations?.['cronjob.kubernetes.io/instantiate'], 'manual');
    assert.deepEqual(
      meta(created).ownerReferences?.map((o) => [o.kind, o.name, o.uid]),
      [['CronJob', 'nightly-report', meta(cronJob).uid]],
    );
    const image = (o: Json | undefined) =>
      (o?.['spec'] as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]
        ?.image;
    assert.equal(image(created), 'ghcr.io/acme/report:2.4');

    // The same name again: the API server refuses it in the dry run.
    const again = await failing(plan);
    assert.deepEqual(again, {
      status: 'dry-run-failed',
      message: `jobs.batch "${job.name}" already exists`,
    });
    // Someone creates the Job between the dry run and the real request: the real one fails.
    const raced = plans.triggerCronJob(ref, cronJob, 'd4e5f6');
    const rest = recording();
    rest.beforeFirstRealRequest = async () => {
      await admin.request('POST', '/apis/batch/v1/namespaces/shop/jobs', {
        body: raced.writes[0]?.body,
        what: 'create the Job first',
      });
    };
    assert.deepEqual(await executePlan(rest, raced, () => Promise.resolve(true), unprotected), {
      status: 'failed',
      message: 'jobs.batch "nightly-report-manual-d4e5f6" already exists',
      what: 'create job nightly-report-manual-d4e5f6 from cronjob shop/nightly-report',
    });
  });

  test('Argo CD hard refresh: the refresh annotation, nothing else', async () => {
    const ref: ObjectRef = { kind: 'Application', namespace: 'argocd', name: 'shop' };
    const plan = plans.argoHardRefresh(ref);
    await assertDeclinedChangesNothing(plan, [ref]);
    const before = await read(ref);
    assert.equal(meta(before).annotations?.['argocd.argoproj.io/refresh'], undefined);
    assert.deepEqual(await runConfirmed(plan, [ref]), { status: 'done' });
    const after = await read(ref);
    assert.equal(meta(after).annotations?.['argocd.argoproj.io/refresh'], 'hard');
    assert.deepEqual(after?.['spec'], before?.['spec']);
    assert.deepEqual(after?.['status'], before?.['status']);

    const ghost = await failing(plans.argoHardRefresh({ ...ref, name: 'payments' }));
    assert.deepEqual(ghost, {
      status: 'dry-run-failed',
      message: 'applications.argoproj.io "payments" not found',
    });
  });

  test('a protected context: nothing is sent until its name is typed, even under another name', async () => {
    // The test kubeconfig's contexts as the extension reads them, plus the same API server under
    // the name "prod": the current context's own name says nothing about production.
    const contexts = contextsOf(loadKubeconfig([cluster.kubeconfig]));
    const current = contexts.find((c) => c.current);
    assert.ok(current?.server);
    const renamed = { name: 'my-laptop', server: current.server };
    const known = [...contexts, renamed, { name: 'prod', server: `${current.server.toUpperCase()}/` }];
    assert.equal(contextIsProtected(renamed, ['prod'], known), true, 'the server of "prod"');
    assert.equal(contextIsProtected(renamed, [current.server], known), true, 'listed by URL');
    assert.equal(contextIsProtected(renamed, ['staging'], known), false);

    const ref: ObjectRef = { kind: 'Deployment', namespace: 'shop', name: 'web' };
    const replicas = async () => ((await read(ref))?.['spec'] as { replicas?: number }).replicas;
    const before = await replicas();
    assert.ok((before ?? 0) > 0);
    const plan = plans.scale(ref, before, 0);
    const asked: string[] = [];
    const guard = (typed: string | undefined): ContextGuard => ({
      context: renamed.name,
      protected: contextIsProtected(renamed, ['prod'], known),
      typeName: (name) => {
        asked.push(name);
        return Promise.resolve(typed);
      },
    });
    for (const typed of [undefined, 'prod', 'my-laptop ', 'My-Laptop']) {
      const rest = recording();
      assert.deepEqual(
        await executePlan(rest, plan, () => Promise.resolve(true), guard(typed)),
        { status: 'declined' },
        `typed ${String(typed)}`,
      );
      assert.deepEqual(rest.calls, [], 'nothing was sent, not even a dry run');
    }
    assert.deepEqual(asked, ['my-laptop', 'my-laptop', 'my-laptop', 'my-laptop']);
    assert.equal(await replicas(), before);
    // Declining the modal first never gets as far as asking for the name.
    await executePlan(recording(), plan, () => Promise.resolve(false), guard('my-laptop'));
    assert.equal(asked.length, 4);

    assert.deepEqual(await runConfirmedAs(plan, guard('my-laptop')), { status: 'done' });
    assert.equal(await replicas(), 0);
  });

  test('delete and force delete: a pod replaced after the confirmation is left alone', async () => {
    const ref: ObjectRef = { kind: 'Pod', namespace: 'shop', name: 'db-0' };
    const podBody = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'db-0', labels: { app: 'db' }, finalizers: ['shipshape.dev/test-hold'] },
      spec: { containers: [{ name: 'db', image: 'postgres:16' }] },
    };
    const create = async () =>
      meta(
        await admin.request<Json>('POST', '/api/v1/namespaces/shop/pods', {
          body: podBody,
          what: 'create db-0',
        }),
      );
    // What a StatefulSet does after its pod goes: the same name again, a new uid.
    const replace = async () => {
      await admin.request('PATCH', pathOf(ref), {
        body: { metadata: { finalizers: null } },
        contentType: 'application/merge-patch+json',
        what: 'release db-0',
      });
      try {
        await admin.request('DELETE', pathOf(ref), { body: { gracePeriodSeconds: 0 }, what: 'delete db-0' });
      } catch (error) {
        if (!(error instanceof KubeError && error.kind === 'notFound')) throw error;
      }
      await eventually(async () => assert.equal(await read(ref), undefined));
      return create();
    };
    let seen = await create();
    const unharmed = async (uid: string | undefined) => {
      const now = meta(await read(ref));
      assert.equal(now.uid, uid, 'the new pod is still there');
      assert.equal(now.deletionTimestamp, undefined, 'and not being deleted');
      assert.deepEqual(now.finalizers, ['shipshape.dev/test-hold'], 'with its finalizers');
    };

    // Replaced between the confirmation and the dry run.
    const force = plans.forceDeletePod(ref, seen.finalizers ?? [], seen);
    let replacement = seen;
    const outcome = await executePlan(
      recording(),
      force,
      async () => {
        replacement = await replace();
        return true;
      },
      unprotected,
    );
    assert.notEqual(replacement.uid, seen.uid);
    assert.deepEqual(outcome, { status: 'stale', message: 'the pod was replaced; nothing was deleted' });
    await unharmed(replacement.uid);

    // Replaced between the dry run and the real request.
    seen = replacement;
    const raced = recording();
    raced.beforeFirstRealRequest = async () => {
      replacement = await replace();
    };
    assert.deepEqual(
      await executePlan(
        raced,
        plans.forceDeletePod(ref, seen.finalizers ?? [], seen),
        () => Promise.resolve(true),
        unprotected,
      ),
      { status: 'stale', message: 'the pod was replaced; nothing was deleted' },
    );
    await unharmed(replacement.uid);

    // A plain delete, the same.
    seen = replacement;
    const plain = recording();
    plain.beforeFirstRealRequest = async () => {
      replacement = await replace();
    };
    assert.deepEqual(
      await executePlan(plain, plans.deletePod(ref, seen), () => Promise.resolve(true), unprotected),
      { status: 'stale', message: 'the pod was replaced; nothing was deleted' },
    );
    await unharmed(replacement.uid);

    // Unreplaced, the same plans do their work.
    seen = replacement;
    assert.deepEqual(await runConfirmed(plans.forceDeletePod(ref, seen.finalizers ?? [], seen), [ref]), {
      status: 'done',
    });
    assert.equal(await read(ref), undefined);
  });
});
