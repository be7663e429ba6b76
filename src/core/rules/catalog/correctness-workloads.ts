import { getMap, getMapPath, getSeq, mapItems, pairOf, scalar, str } from '../../manifest/nodes';
import { podSpecOf } from '../../manifest/objects';
import {
  containerData,
  eachContainer,
  findingContainer,
  objectName,
  podCarriers,
  templateLabels,
} from '../helpers';
import { sameNamespace, selects } from '../scope';
import type { FixContext, Rule } from '../types';
import { validCronSchedule } from './cron';

export const duplicateEnvVar: Rule = {
  id: 'duplicate-env-var',
  number: 53,
  category: 'correctness',
  title: 'Duplicate environment variable',
  severity: 'error',
  fixClass: 'auto',
  kinds: podCarriers,
  docs: {
    what: 'A container defines the same `env[].name` twice.',
    why: 'Only the last definition takes effect, silently: someone edits the first one and nothing changes (and strategic merge patches can drop both).',
    fix: 'Keep one. The fix deletes the earlier duplicate — the one that never took effect, so behaviour is unchanged.',
    anchors: 'kube-linter `duplicate-env-var`★; kube-score `environment-variable-key-duplication`.',
  },
  check(ctx) {
    eachContainer(ctx, (c) => {
      const seen = new Map<string, number>();
      const items = mapItems(getSeq(c.node, 'env', ctx.doc), ctx.doc);
      for (const { node, index } of items) {
        const name = str(node, 'name', ctx.doc);
        if (!name) continue;
        const first = seen.get(name);
        if (first !== undefined) {
          const earlier = items.find((i) => i.index === first);
          ctx.report({
            message: `Container "${c.name}" sets ${name} twice; only the last value is used.`,
            at: pairOf(earlier?.node, 'name'),
            container: c.name,
            data: { ...containerData(c), env: first },
          });
        }
        seen.set(name, index);
      }
    });
  },
  fix: {
    class: 'auto',
    title: 'Remove the earlier duplicate',
    apply(ctx) {
      const env = getSeq(findingContainer(ctx)?.container.node, 'env', ctx.doc);
      const edit = env ? ctx.editor.deleteSeqItem(env, Number(ctx.finding.data?.['env'] ?? -1)) : undefined;
      return edit ? [edit] : undefined;
    },
  },
};

function headlessService(ctx: FixContext, name: string) {
  const labels = templateLabels(ctx) ?? {};
  const namespace = ctx.object.identity.namespace;
  return ctx.editor.appendDocument(
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, ...(namespace ? { namespace } : {}) },
      spec: { clusterIP: 'None', selector: labels, ports: [{ name: 'tcp', port: 80 }] },
    },
    `Headless Service giving ${objectName(ctx)}'s pods stable DNS names (set the real port).`,
  );
}

export const statefulSetServiceName: Rule = {
  id: 'statefulset-service-name',
  number: 54,
  category: 'correctness',
  title: 'StatefulSet without a headless Service',
  severity: 'warning',
  fixClass: 'scaffold',
  kinds: new Set(['StatefulSet']),
  crossResource: true,
  docs: {
    what: 'A StatefulSet has no `serviceName`, or names a Service in scope that is not headless (`clusterIP: None`) or does not select its pods.',
    why: 'The governing headless Service gives each pod its stable DNS name (kafka-0.kafka…); without it peers cannot find each other (Zookeeper, Kafka, Elasticsearch quorums).',
    fix: 'Create a headless Service selecting the pods and name it in `serviceName`. The scaffold appends one when it is missing from the scope.',
    anchors: 'kube-score `statefulset-has-servicename`.',
  },
  check(ctx) {
    const spec = getMap(ctx.object.node, 'spec', ctx.doc);
    const pair = pairOf(spec, 'serviceName');
    const name = scalar(pair?.value ?? undefined);
    if (pair && ctx.isTemplated(pair.value)) return;
    if (typeof name !== 'string' || name === '') {
      ctx.report({
        message: `StatefulSet "${objectName(ctx)}" names no governing Service (serviceName).`,
        at: pair ?? pairOf(ctx.object.node, 'kind'),
        fixable: false,
      });
      return;
    }
    const services = ctx.index.objects.filter(
      (o) => o.identity.kind === 'Service' && sameNamespace(o.identity, ctx.object.identity),
    );
    const service = services.find((s) => s.identity.name === name);
    const labels = templateLabels(ctx);
    if (!service) {
      if (services.length > 0)
        ctx.report({
          message: `StatefulSet "${objectName(ctx)}" names Service "${name}", which is not in ${ctx.index.scope} scope.`,
          at: pair?.value ?? pair,
          data: { service: name },
        });
    } else if (!service.headless) {
      ctx.report({
        message: `Service "${name}" governing StatefulSet "${objectName(ctx)}" is not headless (clusterIP: None).`,
        at: pair?.value ?? pair,
        fixable: false,
      });
    } else if (labels && !selects(service.selector, labels)) {
      ctx.report({
        message: `Service "${name}" does not select StatefulSet "${objectName(ctx)}"'s pods.`,
        at: pair?.value ?? pair,
        fixable: false,
      });
    }
  },
  fix: {
    class: 'scaffold',
    title: 'Add the headless Service',
    apply(ctx) {
      const name = ctx.finding.data?.['service'];
      return typeof name === 'string' ? [headlessService(ctx, name)] : undefined;
    },
  },
};

export const jobTtl: Rule = {
  id: 'job-ttl',
  number: 55,
  category: 'correctness',
  title: 'Job never cleaned up',
  severity: 'info',
  fixClass: 'auto',
  kinds: new Set(['Job', 'CronJob']),
  docs: {
    what: "A standalone Job has no `ttlSecondsAfterFinished`; or a CronJob's jobTemplate sets one (the CronJob's history limits already clean up, and a TTL makes history vanish early).",
    why: 'Finished Jobs and their pods pile up: the seeds cleaned up 16 failed and completed jobs by hand in phase 2.',
    fix: 'Set `ttlSecondsAfterFinished: 3600` on Jobs (the fix does); on CronJobs the fix removes it from the jobTemplate and relies on `successfulJobsHistoryLimit`/`failedJobsHistoryLimit`.',
    anchors: 'kube-linter `job-ttl-seconds-after-finished`★.',
  },
  check(ctx) {
    if (ctx.object.identity.kind === 'Job') {
      const spec = getMap(ctx.object.node, 'spec', ctx.doc);
      if (spec && !pairOf(spec, 'ttlSecondsAfterFinished'))
        ctx.report({
          message: `Job "${objectName(ctx)}" is never cleaned up after it finishes (no ttlSecondsAfterFinished).`,
          at: pairOf(ctx.object.node, 'kind'),
        });
    } else {
      const pair = pairOf(
        getMapPath(ctx.object.node, ['spec', 'jobTemplate', 'spec'], ctx.doc),
        'ttlSecondsAfterFinished',
      );
      if (pair)
        ctx.report({
          message: `CronJob "${objectName(ctx)}" deletes its Jobs after ${String(scalar(pair.value ?? undefined))}s, defeating its history limits.`,
          at: pair,
        });
    }
  },
  fix: {
    class: 'auto',
    title: 'Fix the Job TTL',
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

const CRON_FIX: Record<string, [string, string | number]> = {
  startingDeadlineSeconds: ['startingDeadlineSeconds', 200],
  concurrencyPolicy: ['concurrencyPolicy', 'Forbid'],
};

export const cronjobPolicy: Rule = {
  id: 'cronjob-policy',
  number: 56,
  category: 'correctness',
  title: 'CronJob policy incomplete',
  severity: 'info',
  fixClass: 'auto',
  kinds: new Set(['CronJob', 'Job']),
  docs: {
    what: "A CronJob lacks `startingDeadlineSeconds` or `concurrencyPolicy`, has an invalid `schedule`, or its pod template's `restartPolicy` is not OnFailure/Never (also checked on Jobs).",
    why: "Without a deadline a controller outage releases a burst of missed runs; the default concurrency (Allow) lets a slow ETL run overlap the next one (the seeds' commodity pipeline and iceberg compaction); `restartPolicy: Always` is rejected for Jobs.",
    fix: 'Add `startingDeadlineSeconds: 200`, `concurrencyPolicy: Forbid` and `restartPolicy: OnFailure` (the fix adds whichever is missing). An invalid schedule must be corrected by hand.',
    anchors:
      'kube-score `cronjob-has-deadline`, `cronjob-restartpolicy`; kube-linter `restart-policy`; Datree #8, #10, #17, #24.',
  },
  check(ctx) {
    const kind = ctx.object.identity.kind;
    const spec = getMap(ctx.object.node, 'spec', ctx.doc);
    if (!spec) return;
    if (kind === 'CronJob') {
      const schedulePair = pairOf(spec, 'schedule');
      const schedule = scalar(schedulePair?.value ?? undefined);
      if (
        schedulePair &&
        !ctx.isTemplated(schedulePair.value) &&
        (typeof schedule !== 'string' || !validCronSchedule(schedule))
      ) {
        ctx.report({
          message: `CronJob "${objectName(ctx)}" has an invalid schedule "${String(schedule)}".`,
          at: schedulePair.value ?? schedulePair,
          fixable: false,
          data: { key: 'schedule' },
        });
      }
      for (const key of Object.keys(CRON_FIX)) {
        if (!pairOf(spec, key))
          ctx.report({
            message: `CronJob "${objectName(ctx)}" sets no ${key}${key === 'concurrencyPolicy' ? ' (runs may overlap)' : ' (missed runs start in a burst)'}.`,
            at: pairOf(ctx.object.node, 'kind'),
            data: { key },
          });
      }
    }
    const pod = podSpecOf(ctx.object)?.spec;
    const restart = pairOf(pod, 'restartPolicy');
    const value = scalar(restart?.value ?? undefined);
    if (pod && value !== 'OnFailure' && value !== 'Never' && !(restart && ctx.isTemplated(restart.value))) {
      ctx.report({
        message: `${kind ?? ''} "${objectName(ctx)}" pods use restartPolicy ${value === undefined ? 'Always (the default)' : String(value)}, which Jobs reject.`,
        at: restart ?? pairOf(ctx.object.node, 'kind'),
        severity: 'error',
        data: { key: 'restartPolicy' },
      });
    }
  },
  fix: {
    class: 'auto',
    title: 'Add the missing CronJob policy',
    apply(ctx) {
      const key = String(ctx.finding.data?.['key'] ?? '');
      if (key === 'restartPolicy') {
        const pod = podSpecOf(ctx.object)?.spec;
        return pod ? ctx.editor.setIn(pod, ['restartPolicy'], 'OnFailure') : undefined;
      }
      const fix = CRON_FIX[key];
      const spec = getMap(ctx.object.node, 'spec', ctx.doc);
      return fix && spec ? ctx.editor.setIn(spec, [fix[0]], fix[1]) : undefined;
    },
  },
};

export const workloadCorrectnessRules: readonly Rule[] = [
  duplicateEnvVar,
  statefulSetServiceName,
  jobTtl,
  cronjobPolicy,
];
