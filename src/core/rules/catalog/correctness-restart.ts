import { pairOf, scalar } from '../../manifest/nodes';
import { podSpecOf } from '../../manifest/objects';
import { objectName } from '../helpers';
import type { Rule } from '../types';

/** Controllers that keep pods running: the API server accepts only `Always` for their pods. */
const ALWAYS_ONLY: ReadonlySet<string> = new Set([
  'Deployment',
  'DaemonSet',
  'ReplicaSet',
  'StatefulSet',
  'ReplicationController',
]);

export const workloadRestartPolicy: Rule = {
  id: 'workload-restart-policy',
  number: 67,
  category: 'correctness',
  title: 'restartPolicy other than Always on a long-running workload',
  severity: 'error',
  fixClass: 'auto',
  kinds: ALWAYS_ONLY,
  docs: {
    what: "A Deployment, DaemonSet, ReplicaSet, StatefulSet or ReplicationController sets its pod template's `restartPolicy` to something other than `Always` (`Never`, `OnFailure`).",
    why: 'The API server rejects the object (`spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"`): the apply fails, and in a GitOps sync the whole application stays OutOfSync. It is usually a Job template pasted into a Deployment.',
    fix: 'Use a Job or CronJob for work that runs to completion; for a long-running workload remove `restartPolicy` (the default is Always). The auto fix sets it to `Always` in place, which is the only value the API server accepts here.',
    anchors: "kubeconform / the API server's own validation (kube-linter and kube-score do not check it).",
  },
  check(ctx) {
    const ref = podSpecOf(ctx.object);
    const pair = pairOf(ref?.spec, 'restartPolicy');
    if (!pair || ctx.isTemplated(pair.value)) return;
    const value = scalar(pair.value ?? undefined);
    if (value === 'Always' || value === null || value === undefined) return;
    ctx.report({
      message: `${ctx.object.identity.kind ?? 'Workload'} "${objectName(ctx)}" sets restartPolicy: ${String(value)}, which the API server rejects: its pods must use Always (use a Job for work that runs to completion).`,
      at: pair,
    });
  },
  fix: {
    class: 'auto',
    title: 'Set restartPolicy: Always',
    apply(ctx) {
      const spec = podSpecOf(ctx.object)?.spec;
      return spec && pairOf(spec, 'restartPolicy')
        ? ctx.editor.setIn(spec, ['restartPolicy'], 'Always')
        : undefined;
    },
  },
};
