/**
 * What check definitions share: reading names, flags and parameter maps from a check's value
 * (reporting at the offending node), and the schema fragments for the same shapes.
 */
import type { Node } from 'yaml';
import type { JsonSchema } from '../definition';
import type { At, Reader } from '../read';
import { CHECK_WORKLOAD_KINDS, type CheckWorkloadKind } from '../types';

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** A reference to one of the schema's shared definitions (`namespace`, `name`, `labels`…). */
export const ref = (definition: string): JsonSchema => ({ $ref: `#/definitions/${definition}` });

/** An object-valued kind's schema: these parameters, no others. */
export const paramsSchema = (
  required: readonly string[],
  properties: Readonly<Record<string, JsonSchema>>,
): JsonSchema => ({ type: 'object', additionalProperties: false, required, properties });

export const workloadKindSchema: JsonSchema = {
  enum: CHECK_WORKLOAD_KINDS,
  default: 'Deployment',
  description: 'Default: Deployment.',
};

export function readNamespace(node: At, r: Reader): string | undefined {
  const s = r.string(node, 'namespace');
  if (s === undefined) return undefined;
  if (!DNS_LABEL.test(s) || s.length > 63) {
    r.report(node, `"${s}" is not a valid namespace name (lowercase letters, digits and "-").`);
    return undefined;
  }
  return s;
}

export function readName(node: At, r: Reader, what: string): string | undefined {
  const s = r.string(node, what);
  if (s === undefined) return undefined;
  if (!OBJECT_NAME.test(s) || s.length > 253) {
    r.report(node, `"${s}" is not a valid ${what} (lowercase letters, digits, "-" and ".").`);
    return undefined;
  }
  return s;
}

export function trueFlag(node: At, r: Reader, kind: string): boolean {
  const v = r.boolean(node, kind);
  if (v === false)
    r.report(node, `${kind}: false checks nothing — write ${kind}: true, or remove the check.`);
  return v === true;
}

/** Reads an object-valued kind's parameters; `required` must all be present. */
export function params(
  node: At,
  r: Reader,
  kind: string,
  allowed: readonly string[],
  required: readonly string[],
): Map<string, Node | null> | undefined {
  const map = r.map(node, kind);
  if (!map) return undefined;
  const fields = r.fields(map, allowed, kind, 'error');
  const missing = required.filter((k) => !fields.has(k));
  if (missing.length > 0) {
    r.report(map, `${kind} needs ${missing.map((k) => `"${k}"`).join(' and ')}.`);
    return undefined;
  }
  // Unknown keys are a warning in runbook structure, but in a check they change its meaning.
  const unknown = map.items.filter((p) => !fields.has(String((p.key as { value?: unknown } | null)?.value)));
  if (unknown.length > 0) return undefined;
  return new Map([...fields].map(([k, p]) => [k, p.value as Node | null]));
}

export function workloadKind(node: At, r: Reader): CheckWorkloadKind | undefined {
  if (node === undefined) return 'Deployment';
  const s = r.string(node, 'kind');
  const match = CHECK_WORKLOAD_KINDS.find((k) => k.toLowerCase() === s?.toLowerCase());
  if (s !== undefined && !match)
    r.report(node, `kind must be one of ${CHECK_WORKLOAD_KINDS.join(', ')} (got "${s}").`);
  return match;
}
