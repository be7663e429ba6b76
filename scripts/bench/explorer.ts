import { forContext, loadKubeconfig } from '../../src/adapters/k8s/kubeconfig';
import { ClusterConnection } from '../../src/adapters/k8s/connection';
import { summariseMemoised } from '../../src/core/health/memo';
import { summarise, type PlatformHealth } from '../../src/core/health/summary';
import { silentLogger } from '../../src/core/log';
import { clientFor, loadScenario } from '../../scenarios/loader';
import { startTestCluster } from '../harness/testcluster';
import { fmt, median, percentile, type Report } from './report';

const SETTLE_MS = 15_000;
const gc = (globalThis as { gc?: () => void }).gc;
const heapMb = () => {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

/**
 * The explorer's data path on 20,000 pods in 500 namespaces, on the real API server: the same
 * ClusterConnection (paginated LIST + WATCH, slim projections) and health model the extension
 * runs, measured in this Node process (the extension host is the same Node 20).
 */
export async function benchExplorer(report: Report): Promise<void> {
  const section = 'explorer';
  const cluster = await startTestCluster();
  try {
    const load = await loadScenario(cluster.kubeconfig, 'large');
    report.add({
      section,
      metric: 'generated scenario loaded through the API',
      value: `20,000 pods / 500 namespaces · ${load.writes} writes in ${fmt(load.ms / 1000)} s`,
    });
    // 61,000 writes leave etcd compacting and the API server collecting garbage for a while;
    // a user connects to a cluster at rest, so the clock starts after it has settled.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const source = loadKubeconfig([cluster.kubeconfig]);
    const before = heapMb();
    const first = await connectUntilComplete(source);
    const { connection } = first;
    const health = first.health;
    report.add({
      section,
      metric: 'connect → complete model (LIST all kinds + health of 20,000 pods), first connection',
      value: `${fmt(first.ms / 1000, 2)} s · ${health.pods.total} pods, ${health.problems.length} problems`,
    });
    const heap = heapMb() - before;
    // The API server shares the two cores and its timing varies run to run (±30%): the target is
    // judged on the median of the first and two more connections (closed again at once).
    const runs = [first.ms];
    for (let i = 0; i < 2; i++) {
      const more = await connectUntilComplete(source);
      more.connection.dispose();
      runs.push(more.ms);
    }
    const complete = median(runs);
    report.add({
      section,
      metric: `connect → complete model, median of 3 connections (after ${SETTLE_MS / 1000} s at rest)`,
      value: `${fmt(complete / 1000, 2)} s (${runs.map((ms) => fmt(ms / 1000, 2)).join(' · ')} s)`,
      target: '≤ 3 s',
      verdict: complete <= 3000 ? 'met' : 'missed',
    });
    report.add({
      section,
      metric: 'heap growth after load (slim objects + model)',
      value: `${fmt(heap, 0)} MB${gc ? '' : ' (no --expose-gc: upper bound)'}`,
      target: '≤ 150 MB',
      verdict: heap <= 150 ? 'met' : 'missed',
    });
    const listed = connection.stats();

    // Pod status change → model update: flip one crash-looping pod to Running and back.
    const rest = clientFor(cluster.kubeconfig);
    const latencies: number[] = [];
    const crashing = connection
      .state()
      .pods.filter((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff')
      .slice(0, 20);
    for (const pod of crashing) {
      const ns = pod.metadata?.namespace ?? '';
      const name = pod.metadata?.name ?? '';
      // Listen before writing: the watch event can arrive before the PATCH's own answer.
      const updated = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          sub.dispose();
          reject(new Error(`no model update for ${ns}/${name} within 30 s`));
        }, 30_000);
        const sub = connection.onDidChange(() => {
          // The pod's own problem is gone (its workload may now be listed instead: no controller
          // here updates the Deployment's status, so counting problems would wait forever).
          // The explorer's own path (HealthModel): memoised per pod object.
          const problems = summariseMemoised(connection.state(), Date.now()).problems;
          if (!problems.some((p) => p.namespace === ns && p.pod === name)) {
            clearTimeout(timer);
            sub.dispose();
            resolve();
          }
        });
      });
      const t0 = performance.now();
      await rest.request('PATCH', `/api/v1/namespaces/${ns}/pods/${name}/status`, {
        body: {
          status: {
            containerStatuses: [
              {
                name: 'app',
                ready: true,
                restartCount: 0,
                image: 'x',
                imageID: '',
                state: { running: { startedAt: new Date().toISOString() } },
              },
            ],
            conditions: [{ type: 'Ready', status: 'True' }],
          },
        },
        contentType: 'application/merge-patch+json',
        what: 'status',
      });
      await updated;
      latencies.push(performance.now() - t0);
    }
    const p95 = percentile(latencies, 95);
    report.add({
      section,
      metric: 'pod status change → updated model (incl. full health recompute)',
      value: `p50 ${fmt(percentile(latencies, 50), 0)} ms · p95 ${fmt(p95, 0)} ms (n=${latencies.length})`,
      target: '≤ 500 ms',
      verdict: p95 <= 500 ? 'met' : 'missed',
    });
    const t = performance.now();
    summarise(connection.state(), Date.now());
    const cold = performance.now() - t;
    const t1 = performance.now();
    summariseMemoised(connection.state(), Date.now());
    report.add({
      section,
      metric: 'health recompute alone (20,000 pods)',
      value: `${fmt(cold, 0)} ms classifying every pod · ${fmt(performance.now() - t1, 0)} ms with unchanged pods memoised`,
    });

    await new Promise((r) => setTimeout(r, 5000));
    const after = connection.stats();
    report.add({
      section,
      metric: 'API requests',
      value: `${listed.lists} LISTs (${listed.listPages} pages) and ${listed.watches} WATCHes to load; steady state: ${after.lists - listed.lists} re-LISTs, ${after.relists} 410-relists, ${after.events - listed.events} watch events`,
      target: 'no re-LIST on steady state',
      verdict: after.lists === listed.lists ? 'met' : 'missed',
    });
    connection.dispose();
    rest.dispose();
  } finally {
    await cluster.stop();
  }
}

/** Connects and waits until every kind is listed and all 20,000 pods are in the model. */
async function connectUntilComplete(
  source: ReturnType<typeof loadKubeconfig>,
): Promise<{ connection: ClusterConnection; ms: number; health: PlatformHealth }> {
  const started = performance.now();
  const connection = new ClusterConnection(forContext(source, 'testcluster'), 'testcluster', silentLogger, {
    debounceMs: 50,
  });
  connection.start();
  while (!(
    connection.status().state === 'ready' &&
    !connection.loading() &&
    connection.state().pods.length >= 20_000
  ))
    await new Promise((r) => setTimeout(r, 10));
  const health = summarise(connection.state(), Date.now());
  return { connection, ms: performance.now() - started, health };
}
