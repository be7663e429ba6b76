import { labelKeyProblem, labelValueProblem } from './catalog/correctness-objects';
import { conformsPlain, isAmbiguousText } from '../schema/validate';
import type { ObjectIdentity } from '../manifest/objects';
import type { Rule, RuleOptions, Severity } from './types';

/**
 * The rules that look at a CustomResourceDefinition, each with a check on the plain value the
 * CLI's light scanner read (../yaml/light.ts) that is true only when the rule is sure to report
 * nothing. Any other rule turned on for CRDs, or any doubt, and the document is parsed by yaml
 * and analysed as before (issue 18: a 1 MB CRD body is no workload).
 */
const QUIET: Record<string, (value: Plain, options: RuleOptions) => boolean> = {
  // apiextensions.k8s.io/v1 is the served version: nothing to say (light documents are all v1).
  'deprecated-api-version': () => true,
  'schema-invalid': (value) => {
    // The scanner hands out one value for a big CRD that comes again (Argo CD ships each in three files).
    let conforms = CONFORMS.get(value);
    if (conforms === undefined)
      CONFORMS.set(value, (conforms = conformsPlain(value, CRD_API_VERSION, CRD_KIND)));
    return conforms;
  },
  'label-values-invalid': (value) => {
    const spec = record(value['spec']);
    if (spec && ('selector' in spec || 'podSelector' in spec || 'jobTemplate' in spec)) return false;
    const labels = record(value['metadata'])?.['labels'];
    if (labels === undefined || labels === null) return true;
    const map = record(labels);
    if (!map) return false;
    return Object.entries(map).every(
      ([key, v]) =>
        labelKeyProblem(key) === undefined &&
        (v === null || (typeof v === 'string' && !isAmbiguousText(v) && labelValueProblem(v) === undefined)),
    );
  },
  'default-namespace': (value) => record(value['metadata'])?.['namespace'] !== 'default',
};

type Plain = Readonly<Record<string, unknown>>;
const CONFORMS = new WeakMap<Plain, boolean>();
const CRD_API_VERSION = 'apiextensions.k8s.io/v1';
const CRD_KIND = 'CustomResourceDefinition';

function record(value: unknown): Plain | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Plain) : undefined;
}

/** The identity of a light document, as identityOf reads it from nodes. */
export function lightIdentity(value: Plain): ObjectIdentity {
  const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
  const meta = record(value['metadata']);
  const identity: { -readonly [K in keyof ObjectIdentity]: ObjectIdentity[K] } = {};
  const apiVersion = text(value['apiVersion']);
  const kind = text(value['kind']);
  const name = text(meta?.['name']);
  const namespace = text(meta?.['namespace']);
  if (apiVersion !== undefined) identity.apiVersion = apiVersion;
  if (kind !== undefined) identity.kind = kind;
  if (name !== undefined) identity.name = name;
  if (namespace !== undefined) identity.namespace = namespace;
  return identity;
}

/** True when a light CRD document is sure to give no finding under these rules and options. */
export function lightQuiet(
  value: Plain,
  rules: readonly { rule: Rule; severity: Severity | undefined }[],
  options: RuleOptions,
): boolean {
  if (value['apiVersion'] !== CRD_API_VERSION || value['kind'] !== CRD_KIND) return false;
  for (const { rule } of rules) {
    if (rule.kinds && !rule.kinds.has(CRD_KIND)) continue;
    const quiet = QUIET[rule.id];
    if (!quiet || !quiet(value, options)) return false;
  }
  return true;
}
