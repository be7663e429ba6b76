import { getMap, getMapPath, pairOf, stringRecord } from '../../manifest/nodes';
import { podSpecOf } from '../../manifest/objects';
import { workloadKinds } from '../helpers';
import type { Rule } from '../types';
import { deprecatedApiVersion } from './correctness-api';
import { jobRules } from './correctness-jobs';
import { objectRules } from './correctness-objects';
import { referenceRules } from './correctness-references';
import { workloadRestartPolicy } from './correctness-restart';
import { schemaInvalid } from './correctness-schema';
import { workloadCorrectnessRules } from './correctness-workloads';

const selectorKinds: ReadonlySet<string> = new Set([...workloadKinds, 'Job']);

export const selectorMismatch: Rule = {
  id: 'selector-mismatch',
  number: 48,
  category: 'correctness',
  title: 'Selector does not match template labels',
  severity: 'error',
  fixClass: 'auto',
  kinds: selectorKinds,
  docs: {
    what: "The workload's `spec.selector.matchLabels` is not a subset of `spec.template.metadata.labels`.",
    why: 'The API server rejects such a workload (`selector does not match template labels`), so the apply fails — or, for older objects, the controller never counts its own pods.',
    fix: 'Make the template carry every selector label. The fix adds the missing labels to the template (the selector is immutable on Deployments, so the template is the side to change).',
    anchors:
      'kube-linter `mismatching-selector`★; kube-score `deployment-pod-selector-labels-match-template-metadata-labels`, `statefulset-…`.',
  },
  check(ctx) {
    const matchLabels = getMapPath(ctx.object.node, ['spec', 'selector', 'matchLabels'], ctx.doc);
    const wanted = stringRecord(matchLabels);
    if (!wanted || Object.keys(wanted).length === 0) return;
    const spec = podSpecOf(ctx.object);
    const labels = stringRecord(getMap(spec?.podMeta, 'labels', ctx.doc)) ?? {};
    const missing = Object.entries(wanted).filter(([k, v]) => labels[k] !== v);
    if (missing.length === 0 || missing.some(([k]) => ctx.isTemplated(pairOf(matchLabels, k)?.value))) return;
    ctx.report({
      message: `The selector requires ${missing.map(([k, v]) => `${k}=${v}`).join(', ')}, which the pod template does not carry: the API server rejects this ${ctx.object.identity.kind ?? 'workload'}.`,
      at: pairOf(getMap(ctx.object.node, 'spec', ctx.doc), 'selector'),
      fixTitle: 'Add the selector labels to the pod template',
    });
  },
  fix: {
    class: 'auto',
    title: 'Add the selector labels to the pod template',
    apply(ctx) {
      const wanted =
        stringRecord(getMapPath(ctx.object.node, ['spec', 'selector', 'matchLabels'], ctx.doc)) ?? {};
      const template = getMapPath(ctx.object.node, ['spec', 'template'], ctx.doc);
      if (!template) return undefined;
      return ctx.editor.setIn(template, ['metadata', 'labels'], wanted);
    },
  },
};

export const correctnessRules: readonly Rule[] = [
  selectorMismatch,
  ...referenceRules, // 49–52
  ...workloadCorrectnessRules, // 53–54
  ...jobRules, // 55–56
  deprecatedApiVersion, // 57
  schemaInvalid, // 58
  ...objectRules, // 59–63
  workloadRestartPolicy, // 67
];
