type Json = Record<string, unknown>;

export const SECRET_MASK = '***';
const BEFORE = '*** (before)';
const AFTER = '*** (after)';
const FIELDS = ['data', 'stringData'] as const;

const isSecret = (o: Readonly<Json> | undefined) => o?.['kind'] === 'Secret';
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Secret values masked the way `kubectl diff` masks them, so a diff still says which keys
 * changed but never prints a value: a key on both sides is `***` when its value is the same and
 * `*** (before)` / `*** (after)` when it differs; a key on one side only is `***` there. Both
 * `data` and `stringData` are masked (a manifest may carry either). Objects that are not Secrets
 * come back as they are; Secrets come back as masked copies.
 */
export function maskSecrets<A extends Readonly<Json> | undefined, B extends Readonly<Json> | undefined>(
  from: A,
  to: B,
): [A, B] {
  if (!isSecret(from) && !isSecret(to)) return [from, to];
  const a = from && (structuredClone(from) as Json);
  const b = to && (structuredClone(to) as Json);
  for (const field of FIELDS) {
    const x = fieldOf(a, field);
    const y = fieldOf(b, field);
    if (x)
      for (const key of Object.keys(x)) {
        if (y && Object.hasOwn(y, key)) {
          if (x[key] !== y[key]) {
            x[key] = BEFORE;
            y[key] = AFTER;
            continue;
          }
          y[key] = SECRET_MASK;
        }
        x[key] = SECRET_MASK;
      }
    if (y) for (const key of Object.keys(y)) if (!(x && Object.hasOwn(x, key))) y[key] = SECRET_MASK;
  }
  return [a as A, b as B];
}

/** The field's map to mask in place; anything else in its place (a string, a list) is masked whole. */
function fieldOf(object: Json | undefined, field: (typeof FIELDS)[number]): Json | undefined {
  if (!object || !(field in object)) return undefined;
  const value = object[field];
  if (isMap(value)) return value;
  if (value !== null && value !== undefined) object[field] = SECRET_MASK;
  return undefined;
}
