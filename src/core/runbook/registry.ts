/**
 * Every runbook check kind, in the order the schema, the grammar and error messages list them.
 * A new kind: a definition in catalog/ (see definition.ts), a line here, `npm run generate`.
 */
import { allPass } from './catalog/all-pass';
import { argoApp, serviceExternalName } from './catalog/apps-services';
import { exec } from './catalog/exec';
import { cronJobSucceeded, noFailedJobs } from './catalog/jobs';
import { ref } from './catalog/params';
import { pdbCovers } from './catalog/pdb';
import { healthAtLeast, noPendingWithoutReason, noPodsWithReason, noStuckTerminating } from './catalog/pods';
import { networkPolicySelects, quotaInNamespaces, quotaUsageBelow } from './catalog/quotas-policies';
import { podsReady, workloadReady } from './catalog/workloads';
import type { CheckDefinition, JsonSchema } from './definition';
import type { Check, CheckKind } from './types';

export const CHECK_DEFINITIONS = [
  healthAtLeast,
  noPodsWithReason,
  noPendingWithoutReason,
  workloadReady,
  podsReady,
  pdbCovers,
  quotaInNamespaces,
  quotaUsageBelow,
  networkPolicySelects,
  cronJobSucceeded,
  argoApp,
  noFailedJobs,
  noStuckTerminating,
  serviceExternalName,
  exec,
  allPass,
] as const;

const byKind: ReadonlyMap<string, CheckDefinition<Check>> = new Map(
  CHECK_DEFINITIONS.map((d): [string, CheckDefinition<Check>] => [d.kind, d]),
);

export const checkKinds = (): CheckKind[] => CHECK_DEFINITIONS.map((d) => d.kind);

export function checkDefinition(kind: CheckKind): CheckDefinition<Check> {
  const definition = byKind.get(kind);
  if (!definition) throw new Error(`No definition for the check kind "${kind}".`);
  return definition;
}

/** The `check` and `check-<kind>` definitions of schemas/runbook.schema.json. */
export function checkSchemaDefinitions(): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {
    check: {
      description: 'What Shipshape verifies. Omit it for a manual item.',
      oneOf: CHECK_DEFINITIONS.map((d) => ref(`check-${d.kind}`)),
    },
  };
  for (const d of CHECK_DEFINITIONS)
    out[`check-${d.kind}`] = {
      type: 'object',
      description: d.describe,
      required: [d.kind],
      additionalProperties: false,
      properties: {
        [d.kind]: d.schema,
        ...(d.namespaceBeside ? { namespace: ref('namespace') } : {}),
      },
    };
  return out;
}
