import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { repoRoot } from '../../../scripts/harness/paths';
import { CHECK_KINDS } from '../../../src/core/runbook/checks';
import { parseRunbook } from '../../../src/core/runbook/parse';
import { snippets } from '../../../src/core/runbook/snippets';
import type { Check } from '../../../src/core/runbook/types';

const read = (...path: string[]) => readFileSync(join(repoRoot, ...path), 'utf8');
const builtInText = read('runbooks', 'stabilisation.runbook.yaml');
const schema = JSON.parse(read('schemas', 'runbook.schema.json')) as {
  definitions: Record<string, { enum?: string[]; oneOf?: { $ref: string }[] }>;
};

function validator() {
  // enumDescriptions is VS Code's extension to JSON schema.
  const ajv = new Ajv({ strict: false, allErrors: true });
  return ajv.compile(schema);
}

test('the built-in runbook parses with no diagnostics at all', () => {
  const { runbook, diagnostics } = parseRunbook(builtInText);
  assert.deepEqual(diagnostics, []);
  assert.equal(runbook?.title, 'Platform stabilisation & hardening');
});

test('the built-in runbook follows the seeds: phases, a task per failing service, the validation checklist', () => {
  const { runbook } = parseRunbook(builtInText);
  assert.ok(runbook);
  assert.deepEqual(
    runbook.phases.map((p) => p.id),
    ['critical', 'hardening', 'connectivity', 'performance', 'validation'],
  );
  const tasks = (phase: string) => runbook.phases.find((p) => p.id === phase)?.tasks.map((t) => t.id) ?? [];
  for (const id of [
    'datahub-gms',
    'spark-history',
    'ml-platform',
    'redis',
    'superset-celery',
    'trino-worker',
    'cleanup',
    'postgres-externalname',
  ])
    assert.ok(tasks('critical').includes(id), id);
  for (const id of ['resource-quotas', 'pdbs', 'health-checks', 'anti-affinity', 'storage'])
    assert.ok(tasks('hardening').includes(id), id);
  for (const id of ['network-policies', 'credentials', 'connectors', 'etl-framework'])
    assert.ok(tasks('connectivity').includes(id), id);
  const items = new Map(runbook.phases.flatMap((p) => p.tasks.flatMap((t) => t.items)).map((i) => [i.id, i]));
  const kinds = (check: Check | undefined): string[] =>
    check === undefined ? [] : check.kind === 'allPass' ? check.checks.flatMap(kinds) : [check.kind];
  const validation: Record<string, string[]> = {
    'platform-health-95': ['healthAtLeast'],
    'no-crashloop': ['noPodsWithReason'],
    'no-unexplained-pending': ['noPendingWithoutReason'],
    'dolphinscheduler-api-6': ['workloadReady'],
    'kafka-3-brokers': ['podsReady'],
    'trino-coordinator-and-worker': ['workloadReady', 'workloadReady'],
    'superset-web': ['workloadReady'],
    grafana: ['workloadReady'],
    'datahub-gms-frontend': ['workloadReady', 'workloadReady'],
    'ray-head-2-workers': ['podsReady', 'podsReady'],
    'mlflow-deployed-synced': ['workloadReady', 'argoApp'],
    'argocd-all-synced': ['argoApp'],
  };
  for (const [id, expected] of Object.entries(validation))
    assert.deepEqual(kinds(items.get(id)?.check), expected, id);
  // Every check kind is exercised by the built-in runbook — but `exec`: the built-in runbook does
  // not run commands in users' pods (exec checks need the runbook's own `allowExec: true`).
  const used = new Set([...items.values()].flatMap((i) => kinds(i.check)));
  assert.deepEqual(
    Object.keys(CHECK_KINDS).filter((k) => k !== 'allPass' && k !== 'exec' && !used.has(k)),
    [],
  );
  assert.equal(runbook.allowExec, undefined);
});

test('investigation steps keep the seeds’ kubectl commands, in backticks', () => {
  const { runbook } = parseRunbook(builtInText);
  const steps = runbook?.phases.flatMap((p) => p.tasks.flatMap((t) => [...t.steps, ...t.fix])) ?? [];
  for (const command of [
    'kubectl logs -f -n data-platform deployment/datahub-gms --tail=100',
    'kubectl get jobs -A --field-selector status.successful=0',
    'kubectl delete pod -n data-platform <pod-name> --grace-period=0 --force',
    'kubectl get limitrange -A',
    'argocd app get ml-platform -n argocd',
    'kubectl annotate application data-platform -n argocd argocd.argoproj.io/refresh=hard --overwrite',
  ])
    assert.ok(
      steps.some((s) => s.includes(`\`${command}`)),
      command,
    );
  for (const s of steps) assert.equal((s.match(/`/g) ?? []).length % 2, 0, `unbalanced backticks: ${s}`);
});

test('hardening and connectivity tasks name the snippets they need', () => {
  const { runbook } = parseRunbook(builtInText);
  const task = (id: string) => runbook?.phases.flatMap((p) => p.tasks).find((t) => t.id === id);
  assert.deepEqual(task('resource-quotas')?.snippets, ['k8s-quota', 'k8s-limitrange']);
  assert.deepEqual(task('pdbs')?.snippets, ['k8s-pdb-min', 'k8s-pdb-max']);
  assert.deepEqual(task('network-policies')?.snippets, ['k8s-netpol-db-egress', 'k8s-netpol-deny']);
  assert.deepEqual(task('etl-framework')?.snippets, ['k8s-cronjob-etl', 'k8s-configmap-connector']);
  const referenced = new Set(runbook?.phases.flatMap((p) => p.tasks.flatMap((t) => t.snippets)));
  assert.deepEqual(
    snippets.map((s) => s.id).filter((id) => !referenced.has(id)),
    [],
    'every snippet is offered by some task',
  );
});

test('the JSON schema accepts the built-in and minimal runbooks and rejects the broken one', () => {
  const validate = validator();
  for (const text of [builtInText, read('test', 'fixtures', 'runbook', 'minimal.runbook.yaml')])
    assert.ok(validate(parse(text)), JSON.stringify(validate.errors?.slice(0, 3)));
  assert.equal(validate(parse(read('test', 'fixtures', 'runbook', 'broken.runbook.yaml'))), false);
});

test('the JSON schema knows every check kind and snippet id, and nothing else', () => {
  const kinds = (schema.definitions['check']?.oneOf ?? []).map((r) =>
    r.$ref.replace('#/definitions/check-', ''),
  );
  assert.deepEqual(kinds, Object.keys(CHECK_KINDS));
  assert.deepEqual(
    schema.definitions['snippetId']?.enum,
    snippets.map((s) => s.id),
  );
  const validate = validator();
  const item = (check: unknown) => ({
    title: 'T',
    phases: [
      { id: 'p', title: 'P', tasks: [{ id: 't', title: 'T', items: [{ id: 'i', title: 'I', check }] }] },
    ],
  });
  for (const good of [
    { healthAtLeast: '95%', namespace: 'kafka' },
    { pdbCovers: { namespace: 'kafka', multiReplica: true } },
    { argoApp: '*' },
    { allPass: [{ noFailedJobs: true }, { networkPolicySelects: 'kafka' }] },
    { exec: { namespace: 'kafka', selector: { app: 'kafka' }, command: ['sh', '-c', 'exit 0'] } },
    {
      exec: {
        namespace: 'kong',
        pod: 'kong-postgres-0',
        container: 'postgres',
        command: ['pg_isready'],
        expectExit: 0,
      },
    },
  ])
    assert.ok(validate(item(good)), JSON.stringify(good));
  for (const bad of [
    { healthAtLeast: 120 },
    { helthAtLeast: 95 },
    { noFailedJobs: true, noStuckTerminating: true },
    { pdbCovers: { namespace: 'kafka', name: 'a', multiReplica: true } },
    { workloadReady: { namespace: 'data-platform' } },
    { exec: { namespace: 'kafka', pod: 'a', command: 'curl -sf http://localhost/health' } },
    { exec: { namespace: 'kafka', pod: 'a', selector: { app: 'a' }, command: ['true'] } },
  ])
    assert.equal(validate(item(bad)), false, JSON.stringify(bad));
  assert.ok(validate({ ...item({ argoApp: '*' }), allowExec: true }));
  assert.equal(validate({ ...item({ argoApp: '*' }), allowExec: 'yes' }), false);
});
