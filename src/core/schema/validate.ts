import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import schema from './kubernetes.json';

/** Compact schema node (see scripts/gen-schema.mts): t type, r ref, i items, p properties, a additionalProperties, q required. */
interface Compact {
  readonly t?: string;
  readonly r?: number;
  readonly i?: Compact;
  readonly p?: Readonly<Record<string, Compact>>;
  readonly a?: Compact | 1;
  readonly q?: readonly string[];
}

const KINDS = (schema as { kinds: Record<string, number> }).kinds;
const DEFS = (schema as { defs: Compact[] }).defs;

export interface SchemaIssue {
  readonly node: Node;
  readonly message: string;
  readonly path: string;
}

export function hasSchema(apiVersion: string, kind: string): boolean {
  return KINDS[`${apiVersion}/${kind}`] !== undefined;
}

const TYPE_NAME: Record<string, string> = {
  s: 'a string',
  i: 'an integer',
  n: 'a number',
  b: 'true or false',
  o: 'a map',
  a: 'a list',
  is: 'a number or a string',
};

function resolve(c: Compact | undefined): Compact | undefined {
  let current = c;
  for (let depth = 0; current?.r !== undefined && depth < 10; depth++) current = DEFS[current.r];
  return current;
}

function scalarKind(node: Node): 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'other' {
  if (!isScalar(node)) return 'other';
  const v: unknown = node.value;
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'bigint') return 'integer';
  return 'string';
}

/**
 * Validates a manifest object against the Kubernetes OpenAPI schema of the API server we build,
 * the way the API server's strict decoding does: unknown fields, wrong types, missing required
 * fields — each at the offending node. Unknown kinds (CRDs) are skipped by the caller.
 */
export function validateObject(
  root: Node,
  apiVersion: string,
  kind: string,
  doc: Document.Parsed,
  skip: (node: Node) => boolean,
  limit = 25,
): SchemaIssue[] {
  const ref = KINDS[`${apiVersion}/${kind}`];
  if (ref === undefined) return [];
  const issues: SchemaIssue[] = [];
  const visit = (node: Node, c: Compact | undefined, path: string, keyNode: Node | undefined): void => {
    if (issues.length >= limit) return;
    const s = resolve(c);
    if (!s || s.t === 'any' || skip(node)) return;
    const target = isAlias(node) ? (node.resolve(doc) ?? node) : node;
    const kindOf = scalarKind(target);
    if (kindOf === 'null') return;
    const wrong = (expected: string) =>
      issues.push({ node: keyNode ?? target, path, message: `${path || kind} must be ${expected}` });
    switch (s.t) {
      case 'is':
        if (kindOf !== 'string' && kindOf !== 'integer' && kindOf !== 'number') wrong(TYPE_NAME['is'] ?? '');
        return;
      case 's':
        if (kindOf !== 'string')
          wrong(
            `${TYPE_NAME['s'] ?? ''}${kindOf === 'boolean' || kindOf === 'integer' || kindOf === 'number' ? ' (quote it)' : ''}`,
          );
        return;
      case 'i':
        if (kindOf !== 'integer') wrong(TYPE_NAME['i'] ?? '');
        return;
      case 'n':
        if (kindOf !== 'integer' && kindOf !== 'number') wrong(TYPE_NAME['n'] ?? '');
        return;
      case 'b':
        if (kindOf !== 'boolean') wrong(TYPE_NAME['b'] ?? '');
        return;
      case 'a':
        if (!isSeq(target)) {
          wrong(TYPE_NAME['a'] ?? '');
          return;
        }
        target.items.forEach((item, i) => visit(item as Node, s.i, `${path}[${i}]`, undefined));
        return;
      default:
        break;
    }
    if (!s.p && !s.a) return;
    if (!isMap(target)) {
      wrong(TYPE_NAME['o'] ?? '');
      return;
    }
    const seen = new Set<string>();
    for (const pair of target.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      seen.add(key);
      const childPath = path ? `${path}.${key}` : key;
      const child = s.p?.[key];
      if (child) visit(pair.value as Node, child, childPath, pair.key);
      else if (s.a) {
        if (s.a !== 1) visit(pair.value as Node, s.a, childPath, pair.key);
      } else if (!skip(pair.key)) {
        issues.push({
          node: pair.key,
          path: childPath,
          message: `unknown field "${childPath}"${suggest(key, s.p)}`,
        });
      }
    }
    for (const required of s.q ?? []) {
      if (!seen.has(required))
        issues.push({
          node: keyNode ?? target,
          path,
          message: `${path || kind} is missing required field "${required}"`,
        });
    }
  };
  visit(root, { r: ref }, '', undefined);
  return issues;
}

/** "did you mean" for typos and wrong indentation, the commonest unknown-field causes. */
function suggest(key: string, properties: Readonly<Record<string, Compact>> | undefined): string {
  if (!properties) return '';
  const lower = key.toLowerCase();
  const near = Object.keys(properties).find(
    (p) => p.toLowerCase() === lower || distance(p.toLowerCase(), lower) <= 2,
  );
  return near ? ` (did you mean "${near}"?)` : '';
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}
