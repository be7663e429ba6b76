import type { YAMLMap } from 'yaml';
import type { TextEdit } from '../../edit/text-edit';
import type { YamlEditor } from '../../edit/yaml-edit';
import { getMap, getMapPath, getSeq, pairOf, scalar } from '../../manifest/nodes';
import { podSpecOf } from '../../manifest/objects';
import { objectName, podSpecAnchor } from '../helpers';
import type { Rule, RuleContext } from '../types';
import { parseCronSchedule } from './correctness-cron';

const minor = (version: string) => Number(/^v?\d+\.(\d+)/.exec(version.trim())?.[1] ?? '0');

/** Jobs a controller created (a CronJob's, an operator's) are cleaned up by their owner. */
function ownedByController(ctx: RuleContext): boolean {
  return (
    (getSeq(getMap(ctx.object.node, 'metadata', ctx.doc), 'ownerReferences', ctx.doc)?.items.length ?? 0) > 0
  );
}

export const jobTtl: Rule = {
  id: 'job-ttl',
  number: 55,
  category: 'correctness',
  title: 'Job never cleaned up',
  severity: 'info',
  fixClass: 'harden',
  kinds: new Set(['Job', 'CronJob']),
  docs: {
    what: "A standalone Job has no `ttlSecondsAfterFinished`; or a CronJob's `jobTemplate` sets one.",
    why: "Finished Jobs and their pods stay forever: they fill `kubectl get pods`, hold their logs' disk, and hide the one failure that matters — the seeds removed 16 finished initialization Jobs (10 failed, 6 completed) for DolphinScheduler, DataHub, Superset and Iceberg by hand. A CronJob already prunes its Jobs with `successfulJobsHistoryLimit`/`failedJobsHistoryLimit`; a TTL in its template deletes them earlier, so the failed run you want to inspect is gone.",
    fix: 'Set `spec.ttlSecondsAfterFinished` on standalone Jobs (the fix adds 3600: one hour to read the logs); on CronJobs the fix deletes it from the `jobTemplate` and leaves clean-up to the history limits. Jobs with `ownerReferences` are skipped (their owner cleans up).',
    anchors: 'kube-linter `job-ttl-seconds-after-finished`★.',
  },
  check(ctx) {
    if (ctx.object.identity.kind === 'Job') {
      const spec = getMap(ctx.object.node, 'spec', ctx.doc);
      if (!spec || pairOf(spec, 'ttlSecondsAfterFinished') || ownedByController(ctx)) return;
      ctx.report({
        message: `Job "${objectName(ctx)}" and its pods are never deleted after it finishes (no ttlSecondsAfterFinished).`,
        at: pairOf(ctx.object.node, 'kind'),
        fixTitle: 'Set ttlSecondsAfterFinished: 3600',
      });
      return;
    }
    const pair = pairOf(
      getMapPath(ctx.object.node, ['spec', 'jobTemplate', 'spec'], ctx.doc),
      'ttlSecondsAfterFinished',
    );
    if (!pair || ctx.isTemplated(pair.value)) return;
    const ttl = scalar(pair.value ?? undefined);
    ctx.report({
      message: `CronJob "${objectName(ctx)}" deletes each finished Job${ttl === null || ttl === undefined ? '' : ` after ${String(ttl)}s`}, overriding its history limits: a failed run leaves nothing to inspect.`,
      at: pair,
      fixTitle: 'Remove ttlSecondsAfterFinished (the history limits clean up)',
    });
  },
  fix: {
    class: 'harden',
    title: 'Fix the Job clean-up',
    apply(ctx) {
      if (ctx.object.identity.kind === 'Job') {
        const spec = getMap(ctx.object.node, 'spec', ctx.doc);
        return spec ? ctx.editor.setIn(spec, ['ttlSecondsAfterFinished'], 3600) : undefined;
      }
      const spec = getMapPath(ctx.object.node, ['spec', 'jobTemplate', 'spec'], ctx.doc);
      const edit = spec ? ctx.editor.deleteKey(spec, 'ttlSecondsAfterFinished') : undefined;
      return edit ? [edit] : undefined;
    },
  },
};

/** Keys the fix adds to a CronJob's spec, with the consequence of their absence. */
const CRON_DEFAULTS: Record<string, { value: string | number; why: string }> = {
  startingDeadlineSeconds: {
    value: 200,
    why: 'after a controller outage it counts every missed run and stops scheduling once more than 100 were missed',
  },
  concurrencyPolicy: {
    value: 'Forbid',
    why: 'a slow run overlaps the next one (the default is Allow)',
  },
};

export const cronjobPolicy: Rule = {
  id: 'cronjob-policy',
  number: 56,
  category: 'correctness',
  title: 'CronJob policy incomplete',
  severity: 'info',
  fixClass: 'harden',
  kinds: new Set(['CronJob', 'Job']),
  docs: {
    what: "A CronJob lacks `startingDeadlineSeconds` or `concurrencyPolicy`, has a `schedule` the controller cannot parse or that embeds a `TZ=`/`CRON_TZ=` time zone, or its pods' `restartPolicy` is not OnFailure/Never (also checked on Jobs).",
    why: "Without `startingDeadlineSeconds` a CronJob whose controller was down counts every missed run and stops scheduling altogether after 100; the default `concurrencyPolicy: Allow` lets a slow ETL run overlap the next one and both append the same rows (the seeds' `commodity-price-pipeline` CronJob sets neither, nor a `restartPolicy`). The API server rejects a Job whose pods use `restartPolicy: Always` (the pod default) and, since 1.29, a schedule with `TZ=`/`CRON_TZ=` (use `spec.timeZone`). An invalid schedule (`0 25 * * *`, `0 0 * * 7`, six fields) is rejected too. Schedules are checked like the controller's parser: five fields with ranges, steps, lists, month and weekday names, `?`, and the macros `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly` and `@every <duration>`.",
    fix: 'The fix adds whichever is missing — `startingDeadlineSeconds: 200`, `concurrencyPolicy: Forbid`, `restartPolicy: OnFailure` — one finding (and one quick fix) per problem; it moves a `TZ=` prefix into `spec.timeZone` (Kubernetes ≥ 1.27). An invalid schedule must be corrected by hand.',
    anchors:
      'kube-score `cronjob-has-deadline`, `cronjob-restartpolicy`; kube-linter `restart-policy`; Datree #8, #10, #17, #24.',
  },
  check(ctx) {
    const kind = ctx.object.identity.kind;
    const spec = getMap(ctx.object.node, 'spec', ctx.doc);
    if (!spec) return;
    const name = objectName(ctx);
    if (kind === 'CronJob') {
      const schedulePair = pairOf(spec, 'schedule');
      const schedule = scalar(schedulePair?.value ?? undefined);
      if (schedulePair?.value && !ctx.isTemplated(schedulePair.value)) {
        const parsed = typeof schedule === 'string' ? parseCronSchedule(schedule) : { error: 'not a string' };
        const target = minor(ctx.options.kubernetesVersion);
        if (parsed.error) {
          ctx.report({
            message: `CronJob "${name}" has a schedule the API server rejects (${parsed.error}).`,
            at: schedulePair.value,
            severity: 'error',
            fixable: false,
            data: { key: 'schedule' },
          });
        } else if (parsed.timeZone) {
          ctx.report({
            message: `CronJob "${name}" sets its time zone in the schedule (${parsed.timeZone.prefix.trim()}), which the API server rejects since Kubernetes 1.29: use spec.timeZone.`,
            at: schedulePair.value,
            ...(target >= 29 ? { severity: 'error' as const } : {}),
            fixable: target >= 27 && !pairOf(spec, 'timeZone'),
            fixTitle: `Move ${parsed.timeZone.zone} to spec.timeZone`,
            data: { key: 'timeZone' },
          });
        }
      }
      for (const [key, { why }] of Object.entries(CRON_DEFAULTS)) {
        if (pairOf(spec, key)) continue;
        ctx.report({
          message: `CronJob "${name}" sets no ${key}: ${why}.`,
          at: pairOf(ctx.object.node, 'kind'),
          fixTitle: `Set ${key}: ${String(CRON_DEFAULTS[key]?.value)}`,
          data: { key },
        });
      }
    }
    const pod = podSpecOf(ctx.object);
    if (!pod) return;
    const restart = pairOf(pod.spec, 'restartPolicy');
    const value = scalar(restart?.value ?? undefined);
    if (value === 'OnFailure' || value === 'Never' || (restart && ctx.isTemplated(restart.value))) return;
    ctx.report({
      message: `${kind ?? 'Job'} "${name}" pods use restartPolicy ${value === undefined || value === null ? 'Always (the pod default)' : String(value)}, which the API server rejects for Jobs (OnFailure or Never).`,
      at: restart ?? podSpecAnchor(ctx, pod),
      severity: 'error',
      fixTitle: 'Set restartPolicy: OnFailure',
      data: { key: 'restartPolicy' },
    });
  },
  fix: {
    class: 'harden',
    title: 'Add the missing CronJob policy',
    apply(ctx) {
      const key = ctx.finding.data?.['key'];
      if (key === 'restartPolicy') {
        const pod = podSpecOf(ctx.object)?.spec;
        return pod ? ctx.editor.setIn(pod, ['restartPolicy'], 'OnFailure') : undefined;
      }
      const spec = getMap(ctx.object.node, 'spec', ctx.doc);
      if (!spec) return undefined;
      if (key === 'timeZone') return moveTimeZone(spec, ctx.editor);
      const fix = typeof key === 'string' ? CRON_DEFAULTS[key] : undefined;
      return fix ? ctx.editor.setIn(spec, [key as string], fix.value) : undefined;
    },
  },
};

/** Deletes the `TZ=…` prefix inside the schedule's own text (quotes kept) and sets spec.timeZone. */
function moveTimeZone(spec: YAMLMap, editor: YamlEditor): TextEdit[] | undefined {
  const node = pairOf(spec, 'schedule')?.value;
  const schedule = scalar(node ?? undefined);
  if (!node?.range || typeof schedule !== 'string') return undefined;
  const zone = parseCronSchedule(schedule).timeZone;
  if (!zone) return undefined;
  const source = editor.file.text.slice(node.range[0], node.range[1]);
  const at = source.indexOf(zone.prefix);
  if (at < 0) return undefined;
  return [
    { start: node.range[0] + at, end: node.range[0] + at + zone.prefix.length, text: '' },
    ...editor.setIn(spec, ['timeZone'], zone.zone),
  ];
}

export const jobRules: readonly Rule[] = [jobTtl, cronjobPolicy];
