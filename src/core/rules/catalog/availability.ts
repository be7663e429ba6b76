import { getMap, num, pairOf } from '../../manifest/nodes';
import { objectName, templateLabels } from '../helpers';
import { objectsInScope, selects } from '../scope';
import type { Rule } from '../types';
import { pdbRules } from './availability-pdb';
import { scheduleRules } from './availability-scheduling';

const pdbTargets: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet']);

export const pdbMissing: Rule = {
  id: 'pdb-missing',
  number: 42,
  category: 'availability',
  title: 'No PodDisruptionBudget',
  severity: 'warning',
  fixClass: 'scaffold',
  kinds: pdbTargets,
  crossResource: true,
  docs: {
    what: 'A Deployment or StatefulSet with more than one replica is not selected by any PodDisruptionBudget in scope.',
    why: "Node drains and upgrades may evict every replica at once; the seeds' platform hardening added PDBs for Kafka, DolphinScheduler API, Trino, Postgres and others for exactly this reason.",
    fix: 'Add a `policy/v1` PodDisruptionBudget selecting the pod template labels. The scaffold appends one (`maxUnavailable: 1`) as a new document.',
    anchors:
      'Polaris `missingPodDisruptionBudget` (warning); kube-score `deployment-has-poddisruptionbudget`, `statefulset-has-poddisruptionbudget`; Popeye POP-206 (live).',
  },
  check(ctx) {
    const spec = getMap(ctx.object.node, 'spec', ctx.doc);
    const replicas = num(spec, 'replicas', ctx.doc) ?? 1;
    if (replicas <= 1) return;
    const labels = templateLabels(ctx);
    if (!labels || Object.keys(labels).length === 0) return;
    const covered = objectsInScope(ctx.index, 'PodDisruptionBudget', ctx.object.identity.namespace).some(
      (o) => selects(o.selector, labels),
    );
    if (covered) return;
    ctx.report({
      message: `No PodDisruptionBudget selects ${ctx.object.identity.kind} "${objectName(ctx)}" (${replicas} replicas; searched: ${ctx.index.scope}). A drain can evict all replicas at once.`,
      at: pairOf(ctx.object.node, 'kind'),
      fixTitle: `Add a PodDisruptionBudget for ${objectName(ctx)}`,
    });
  },
  fix: {
    class: 'scaffold',
    title: 'Add a PodDisruptionBudget',
    apply(ctx) {
      const labels = templateLabels(ctx);
      if (!labels) return undefined;
      const { name, namespace } = ctx.object.identity;
      const metadata = { name: `${name ?? 'workload'}-pdb`, ...(namespace ? { namespace } : {}) };
      return [
        ctx.editor.appendDocument(
          {
            apiVersion: 'policy/v1',
            kind: 'PodDisruptionBudget',
            metadata,
            spec: {
              maxUnavailable: 1,
              unhealthyPodEvictionPolicy: 'AlwaysAllow',
              selector: { matchLabels: labels },
            },
          },
          `Keeps at least all-but-one ${name ?? 'workload'} pod running during node drains.`,
        ),
      ];
    },
  },
};

export const availabilityRules: readonly Rule[] = [...scheduleRules, pdbMissing, ...pdbRules];
