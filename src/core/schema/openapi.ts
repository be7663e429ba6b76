import type { Raw } from './validate';

/**
 * OpenAPI v3 (structural) schemas, as CRDs carry them, converted to the compact form of the
 * built-in schema (./validate.ts). convertSchema converts a whole tree; convertShallow one level,
 * leaving each child as a deferred node (`d`: its OpenAPI, `dd`: its depth) that the validator
 * converts when it first walks into it. Both are plain JSON, as index entries must be.
 */

export type Json = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep enough for any real CRD (Argo CD's Application nests about 20 levels), bounded for cycles. */
const MAX_DEPTH = 64;

type Child = (input: unknown, depth: number) => Raw;

/** One OpenAPI schema node → the compact form, its whole tree. */
export function convertSchema(input: unknown, depth = 0): Raw {
  return convert(input, depth, convertSchema);
}

/** The same for one level: its children are converted when first compiled. */
export function convertShallow(input: unknown, depth = 0): Raw {
  return convert(input, depth, (d, dd) => ({ d, dd }));
}

function convert(input: unknown, depth: number, child: Child): Raw {
  if (!isRecord(input) || depth > MAX_DEPTH) return { t: 'any' };
  if (input['x-kubernetes-int-or-string'] === true) return { t: 'is' };
  const preserve = input['x-kubernetes-preserve-unknown-fields'] === true;
  switch (input['type']) {
    case 'string': {
      const values = Array.isArray(input['enum']) ? input['enum'] : undefined;
      return values && values.length > 0 && values.every((v) => typeof v === 'string')
        ? { t: 's', e: values }
        : { t: 's' };
    }
    case 'integer':
      return { t: 'i' };
    case 'number':
      return { t: 'n' };
    case 'boolean':
      return { t: 'b' };
    case 'array':
      return input['items'] === undefined ? { t: 'a' } : { t: 'a', i: child(input['items'], depth + 1) };
    case 'object':
      return objectSchema(input, preserve, depth, child);
    default:
      // Untyped nodes hold anything, unless they list properties (then they are objects).
      return isRecord(input['properties']) ? objectSchema(input, preserve, depth, child) : { t: 'any' };
  }
}

function objectSchema(input: Json, preserve: boolean, depth: number, child: Child): Raw {
  const properties = isRecord(input['properties']) ? input['properties'] : undefined;
  const additional = input['additionalProperties'];
  const required = Array.isArray(input['required'])
    ? input['required'].filter((r): r is string => typeof r === 'string')
    : [];
  const p: Record<string, Raw> = {};
  for (const [key, value] of Object.entries(properties ?? {})) p[key] = child(value, depth + 1);
  // An embedded object (a template of another kind) always has these, checked by the API server.
  if (input['x-kubernetes-embedded-resource'] === true) {
    p['apiVersion'] ??= { t: 's' };
    p['kind'] ??= { t: 's' };
    p['metadata'] ??= { t: 'any' };
  }
  const a: Raw | 1 | undefined =
    preserve || additional === true ? 1 : isRecord(additional) ? child(additional, depth + 1) : undefined;
  // Neither properties nor additionalProperties nor preserve-unknown-fields: the API server prunes
  // every field, and strict field validation (kubectl's default) rejects them. An empty `p` says so.
  if (Object.keys(p).length === 0 && a === 1) return { t: 'o' };
  return {
    t: 'o',
    p,
    ...(a !== undefined ? { a } : {}),
    ...(required.length > 0 ? { q: required } : {}),
  };
}
