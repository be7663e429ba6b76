/**
 * Checks answered from Jobs and CronJobs: a CronJob's last run, failed Jobs.
 */
import { controllerOf } from '../../health/ownership';
import { formatAge, parseTime } from '../../health/time';
import { jobFailure } from '../../health/workloads';
import type { CronJob, Job } from '../../k8s/types';
import type { CheckDefinition, Outcome } from '../definition';
import { inNamespace, listed, nameOf, named, plural, qualified, refOf, where, type Facts } from '../facts';
import { paramsSchema, params, readName, readNamespace, ref, trueFlag } from './params';

export interface CronJobSucceededCheck {
  readonly kind: 'cronJobSucceeded';
  readonly namespace: string;
  readonly name?: string;
}
export interface NoFailedJobsCheck {
  readonly kind: 'noFailedJobs';
  readonly namespace?: string;
}

const isTrue = (job: Job, type: string) =>
  job.status?.conditions?.some((c) => c.type === type && c.status === 'True');
const jobComplete = (job: Job) =>
  isTrue(job, 'Complete') ||
  isTrue(job, 'SuccessCriteriaMet') ||
  (!isTrue(job, 'Failed') && (job.status?.succeeded ?? 0) >= (job.spec?.completions ?? 1));
/** `<cron>-<digits>`, compared as text: a name is data, never a pattern (`a(b` would throw). */
const isRunOf = (job: string, cron: string) =>
  job.startsWith(`${cron}-`) && /^\d+$/.test(job.slice(cron.length + 1));
const jobTime = (job: Job) =>
  parseTime(job.status?.completionTime) ??
  parseTime(job.status?.startTime) ??
  parseTime(job.metadata?.creationTimestamp) ??
  0;

/** One CronJob's last finished run: from its Jobs when readable, else from its status. */
function lastRun(cron: CronJob, facts: Facts): Outcome {
  const ns = cron.metadata?.namespace ?? '';
  const name = nameOf(cron);
  const label = `CronJob ${ns}/${name}`;
  const self = refOf('CronJob', cron);
  const suspended = cron.spec?.suspend ? ' (suspended)' : '';
  const ago = (t: number | undefined) => (t === undefined ? '' : ` ${formatAge(facts.now - t)} ago`);
  const success = parseTime(cron.status?.lastSuccessfulTime);
  const scheduled = parseTime(cron.status?.lastScheduleTime);
  const active = (cron.status?.active ?? []).length > 0;
  if (!facts.missing.has('jobs')) {
    const owned = facts.state.jobs.filter((j) => {
      if (!inNamespace(j, ns)) return false;
      const owner = controllerOf(j);
      return owner ? owner.kind === 'CronJob' && owner.name === name : isRunOf(nameOf(j), name);
    });
    const finished = owned
      .filter((j) => jobComplete(j) || jobFailure(j, []) !== undefined)
      .sort((a, b) => jobTime(b) - jobTime(a));
    const last = finished[0];
    if (last) {
      const ok = jobComplete(last) && !jobFailure(last, []);
      const why = ok ? 'completed' : `failed (${jobFailure(last, [])?.reason ?? 'Failed'})`;
      return {
        status: ok ? 'pass' : 'fail',
        evidence: `${label}${suspended}: last run ${nameOf(last)} ${why}${ago(jobTime(last) || undefined)}.`,
        refs: [self, refOf('Job', last)],
      };
    }
  } else if (active) {
    return {
      status: 'unknown',
      evidence: `${label}: a run is in progress and Jobs could not be read.`,
      refs: [self],
    };
  }
  if (success !== undefined && (scheduled === undefined || success >= scheduled || active))
    return {
      status: 'pass',
      evidence: `${label}${suspended}: last successful run${ago(success)}.`,
      refs: [self],
    };
  if (active)
    return { status: 'unknown', evidence: `${label}: its first run is still in progress.`, refs: [self] };
  if (scheduled !== undefined)
    return {
      status: 'fail',
      evidence: `${label}${suspended}: last scheduled${ago(scheduled)}, no successful run recorded since.`,
      refs: [self],
    };
  return { status: 'fail', evidence: `${label}${suspended} has not run yet.`, refs: [self] };
}

export const cronJobSucceeded: CheckDefinition<CronJobSucceededCheck> = {
  kind: 'cronJobSucceeded',
  describe:
    'The last run of a CronJob (or of every CronJob in the namespace) succeeded. Example: `{ cronJobSucceeded: { namespace: data-platform, name: commodity-price-pipeline } }`.',
  schema: paramsSchema(['namespace'], { namespace: ref('namespace'), name: ref('name') }),
  parse(value, r) {
    const kind = 'cronJobSucceeded';
    const p = params(value, r, kind, ['namespace', 'name'], ['namespace']);
    if (!p) return undefined;
    const namespace = readNamespace(p.get('namespace'), r);
    const name = p.has('name') ? readName(p.get('name'), r, 'CronJob name') : undefined;
    if (!namespace || (p.has('name') && !name)) return undefined;
    return { kind, namespace, ...(name ? { name } : {}) };
  },
  needs: () => ['cronJobs'],
  evaluate(check, facts) {
    const crons = facts.state.cronJobs.filter(
      (c) => inNamespace(c, check.namespace) && (check.name === undefined || nameOf(c) === check.name),
    );
    if (crons.length === 0)
      return {
        status: 'fail',
        evidence: check.name
          ? `CronJob ${check.namespace}/${check.name} not found.`
          : `No CronJobs in ${check.namespace}.`,
        refs: [],
      };
    const results = crons.map((c) => lastRun(c, facts));
    if (results.length === 1 && results[0]) return results[0];
    const failed = results.filter((r) => r.status === 'fail');
    const unknown = results.filter((r) => r.status === 'unknown');
    const status = failed.length > 0 ? 'fail' : unknown.length > 0 ? 'unknown' : 'pass';
    const shown = status === 'pass' ? results : status === 'fail' ? failed : unknown;
    return {
      status,
      evidence:
        status === 'pass'
          ? `The last run of all ${plural(crons.length, 'CronJob')} in ${check.namespace} succeeded.`
          : listed(shown, (r) => r.evidence.replace(/\.$/, '')) + '.',
      refs: named(shown.flatMap((r) => r.refs)),
    };
  },
};

/**
 * Failed Jobs. A CronJob's failed run that a newer run superseded is history its
 * failedJobsHistoryLimit keeps on purpose, not something to clean up: only its newest finished
 * run counts.
 */
export const noFailedJobs: CheckDefinition<NoFailedJobsCheck> = {
  kind: 'noFailedJobs',
  describe:
    'No Job has failed (a CronJob run superseded by a newer one is history, not a failure). Example: `{ noFailedJobs: true, namespace: data-platform }`.',
  schema: { const: true },
  namespaceBeside: true,
  parse: (value, r) => (trueFlag(value, r, 'noFailedJobs') ? { kind: 'noFailedJobs' } : undefined),
  needs: () => ['jobs'],
  evaluate(check, facts) {
    const jobs = facts.state.jobs.filter((j) => inNamespace(j, check.namespace));
    const newestFinished = new Map<string, Job>();
    for (const j of jobs) {
      const owner = controllerOf(j);
      if (owner?.kind !== 'CronJob' || !(jobComplete(j) || jobFailure(j, []))) continue;
      const key = `${j.metadata?.namespace ?? ''}/${owner.name}`;
      const seen = newestFinished.get(key);
      if (!seen || jobTime(j) > jobTime(seen)) newestFinished.set(key, j);
    }
    const superseded = (j: Job) => {
      const owner = controllerOf(j);
      return (
        owner?.kind === 'CronJob' && newestFinished.get(`${j.metadata?.namespace ?? ''}/${owner.name}`) !== j
      );
    };
    const failures = jobs
      .map((job) => ({ job, failure: jobFailure(job, []) }))
      .filter((f) => f.failure !== undefined);
    const failed = failures
      .filter((f) => !superseded(f.job))
      .sort((a, b) => qualified(refOf('Job', a.job)).localeCompare(qualified(refOf('Job', b.job))));
    const old = failures.length - failed.length;
    const note = old > 0 ? `; ${plural(old, 'older failed CronJob run')} superseded by newer runs` : '';
    if (failed.length === 0)
      return {
        status: 'pass',
        evidence: `No failed Jobs ${where(check.namespace)} (${plural(jobs.length, 'Job')} checked${note}).`,
        refs: [],
      };
    return {
      status: 'fail',
      evidence: `${plural(failed.length, 'failed Job')} ${where(check.namespace)}: ${listed(failed, (f) => `${qualified(refOf('Job', f.job))} (${f.failure?.reason ?? 'Failed'})`)}.`,
      refs: named(failed.map((f) => refOf('Job', f.job))),
    };
  },
};
