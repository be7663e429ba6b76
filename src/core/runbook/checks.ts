/**
 * Reading a check: a map whose one "kind" key says what is checked. Scalar-valued kinds take
 * `namespace` as a sibling (`{ healthAtLeast: 90, namespace: data-platform }`), object-valued
 * kinds nest their parameters; each kind's definition (registry.ts) reads its own value.
 */
import { isScalar, type Node, type Pair } from 'yaml';
import { readNamespace } from './catalog/params';
import { nearest, type At, type Reader } from './read';
import { CHECK_DEFINITIONS, checkDefinition, checkKinds } from './registry';
import type { Check, CheckKind } from './types';

/** Every check kind with what it verifies (the JSON schema says the same). */
export const CHECK_KINDS: Readonly<Record<CheckKind, string>> = Object.fromEntries(
  CHECK_DEFINITIONS.map((d) => [d.kind, d.describe]),
) as Record<CheckKind, string>;

const KINDS = checkKinds();

/** Parses one check; undefined (with diagnostics) when it cannot be read. */
export function parseCheck(node: At, r: Reader): Check | undefined {
  const map = r.map(node, 'A check');
  if (!map) return undefined;
  const kinds: Pair[] = [];
  const others: Pair[] = [];
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof key === 'string' && (KINDS as string[]).includes(key)) kinds.push(pair);
    else others.push(pair);
  }
  const first = kinds[0];
  if (!first) {
    const key = others[0] && isScalar(others[0].key) ? String(others[0].key.value) : undefined;
    const near = key === undefined ? undefined : nearest(key, KINDS);
    r.report(
      (others[0]?.key as Node | undefined) ?? map,
      key === undefined
        ? `A check needs a kind: one of ${KINDS.join(', ')}.`
        : `Unknown check kind "${key}".${near ? ` Did you mean "${near}"?` : ''} Known kinds: ${KINDS.join(', ')}.`,
    );
    return undefined;
  }
  if (kinds.length > 1) {
    r.report(
      kinds[1]?.key as Node,
      `A check has one kind; this one has ${kinds.map((p) => String((p.key as { value: unknown }).value)).join(' and ')}. Combine checks with allPass: [ … ].`,
    );
    return undefined;
  }
  const kind = (first.key as { value: CheckKind }).value;
  const definition = checkDefinition(kind);
  let namespace: string | undefined;
  let ok = true;
  for (const pair of others) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '?';
    if (key === 'namespace' && definition.namespaceBeside) {
      namespace = readNamespace(pair.value as Node, r);
      ok &&= namespace !== undefined;
    } else {
      r.report(
        pair.key as Node,
        definition.namespaceBeside
          ? `Unknown key "${key}" beside ${kind}: only "namespace" is allowed.`
          : `Unknown key "${key}" beside ${kind}: its parameters go inside it (${kind}: { … }).`,
      );
      ok = false;
    }
  }
  if (!ok) return undefined;
  const check = definition.parse(first.value as Node | null, r, parseCheck);
  if (!check) return undefined;
  return namespace !== undefined ? ({ ...check, namespace } as Check) : check;
}
