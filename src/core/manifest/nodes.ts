import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Document,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { resolveAlias } from '../yaml/aliases';

/**
 * Small, allocation-light accessors over the `yaml` node tree. Rules read values through these
 * so that aliases resolve once, non-string keys are ignored and a missing path is `undefined`.
 */
export type YNode = Node;

export function resolve(node: unknown, doc?: Document.Parsed): Node | undefined {
  if (isAlias(node)) {
    return resolveAlias(node, doc);
  }
  return (node as Node | null | undefined) ?? undefined;
}

export function pairOf(map: YAMLMap | undefined, key: string): Pair<Scalar, Node | null> | undefined {
  if (!map) return undefined;
  for (const item of map.items) {
    if (isPair(item) && isScalar(item.key) && item.key.value === key)
      return item as Pair<Scalar, Node | null>;
  }
  return undefined;
}

export function get(map: YAMLMap | undefined, key: string, doc?: Document.Parsed): Node | undefined {
  const pair = pairOf(map, key);
  return pair ? resolve(pair.value, doc) : undefined;
}

export function getMap(map: YAMLMap | undefined, key: string, doc?: Document.Parsed): YAMLMap | undefined {
  const node = get(map, key, doc);
  return isMap(node) ? node : undefined;
}

export function getSeq(map: YAMLMap | undefined, key: string, doc?: Document.Parsed): YAMLSeq | undefined {
  const node = get(map, key, doc);
  return isSeq(node) ? node : undefined;
}

export function getPath(
  map: YAMLMap | undefined,
  path: readonly string[],
  doc?: Document.Parsed,
): Node | undefined {
  let node: Node | undefined = map;
  for (const key of path) {
    if (!isMap(node)) return undefined;
    node = get(node, key, doc);
  }
  return node;
}

export function getMapPath(
  map: YAMLMap | undefined,
  path: readonly string[],
  doc?: Document.Parsed,
): YAMLMap | undefined {
  const node = getPath(map, path, doc);
  return isMap(node) ? node : undefined;
}

/** A scalar's value as the Kubernetes API would read it; undefined for collections. */
export function scalar(node: Node | undefined): string | number | boolean | null | undefined {
  if (!isScalar(node)) return undefined;
  const value: unknown = node.value;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null)
    return value;
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}

export function str(map: YAMLMap | undefined, key: string, doc?: Document.Parsed): string | undefined {
  const value = scalar(get(map, key, doc));
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

export function num(map: YAMLMap | undefined, key: string, doc?: Document.Parsed): number | undefined {
  const value = scalar(get(map, key, doc));
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  return undefined;
}

export function bool(map: YAMLMap | undefined, key: string, doc?: Document.Parsed): boolean | undefined {
  const value = scalar(get(map, key, doc));
  return typeof value === 'boolean' ? value : undefined;
}

/** Items of a sequence that are maps (containers, ports, env…), with their indexes. */
export function mapItems(
  seq: YAMLSeq | undefined,
  doc?: Document.Parsed,
): { node: YAMLMap; index: number }[] {
  if (!seq) return [];
  const out: { node: YAMLMap; index: number }[] = [];
  seq.items.forEach((item, index) => {
    const node = resolve(item, doc);
    if (isMap(node)) out.push({ node, index });
  });
  return out;
}

/** String items of a sequence (capabilities, verbs…). */
export function strings(seq: YAMLSeq | undefined): { value: string; node: Scalar }[] {
  if (!seq) return [];
  const out: { value: string; node: Scalar }[] = [];
  for (const item of seq.items) {
    if (isScalar(item) && typeof item.value === 'string') out.push({ value: item.value, node: item });
  }
  return out;
}

/** A string→string map as a plain record (labels, selectors); non-scalar values are skipped. */
export function stringRecord(map: YAMLMap | undefined): Record<string, string> | undefined {
  if (!map) return undefined;
  const out: Record<string, string> = {};
  for (const item of map.items) {
    if (isPair(item) && isScalar(item.key)) {
      const value = scalar(item.value as Node | undefined);
      if (value !== undefined && value !== null) out[String(item.key.value)] = String(value);
    }
  }
  return out;
}

/** [start, end) of a node's value text; falls back to the given default. */
export function rangeOf(
  node: Node | Pair | null | undefined,
  fallback: readonly [number, number] = [0, 0],
): [number, number] {
  if (isPair(node)) {
    const key = node.key as Node | null;
    const value = node.value as Node | null;
    const start = key?.range?.[0] ?? value?.range?.[0] ?? fallback[0];
    const end = value?.range?.[1] ?? key?.range?.[1] ?? fallback[1];
    return [start, end];
  }
  const range = node?.range;
  return range ? [range[0], range[1]] : [fallback[0], fallback[1]];
}

/** The key's range for a pair (where "this key is wrong" should point). */
export function keyRange(map: YAMLMap | undefined, key: string): [number, number] | undefined {
  const pair = pairOf(map, key);
  const node = pair?.key;
  return node?.range ? [node.range[0], node.range[1]] : undefined;
}
