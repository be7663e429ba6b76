import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { pairOf, scalar } from '../manifest/nodes';
import { parseManifestFile, type ManifestDocument, type ManifestFile } from '../yaml/parse';
import type { PathStep } from './template-index';

/** A document of `helm template` / `kustomize build` output, with where it came from. */
export interface RenderedDocument {
  readonly document: ManifestDocument;
  /** Helm's `# Source: <chart>/templates/<file>` (undefined for Kustomize). */
  readonly source: string | undefined;
  readonly kind: string | undefined;
  readonly name: string | undefined;
  /** Position among the documents with the same source and kind (a `range` writes several). */
  readonly ordinal: number;
}

/**
 * Parses rendered output as plain YAML. Rendered text may still hold `{{ }}` (Prometheus rules,
 * escaped for Helm): it is not a template any more, so the braces are neutralised (same length,
 * same offsets) rather than masked as template actions.
 */
export function parseRendered(text: string): ManifestFile {
  return parseManifestFile(text.includes('{{') ? text.replace(/\{\{/g, '{\u2060') : text);
}

export function renderedDocuments(file: ManifestFile): RenderedDocument[] {
  const seen = new Map<string, number>();
  return file.documents.map((document) => {
    const source = /^# Source: (.+?)\s*$/m.exec(document.source)?.[1];
    const root = document.root;
    const kind = str(root ? scalar(pairOf(root, 'kind')?.value ?? undefined) : undefined);
    const metadata = root ? pairOf(root, 'metadata')?.value : undefined;
    const name = isMap(metadata) ? str(scalar(pairOf(metadata, 'name')?.value ?? undefined)) : undefined;
    const key = `${source ?? ''}|${kind ?? ''}`;
    const ordinal = seen.get(key) ?? 0;
    seen.set(key, ordinal + 1);
    return { document, source, kind, name, ordinal };
  });
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The path to the deepest node at an offset (a finding's start): keys and sequence indexes. */
export function pathAt(root: Node | null | undefined, offset: number): PathStep[] {
  const path: PathStep[] = [];
  let node = root;
  for (;;) {
    if (isMap(node)) {
      const pair = node.items.find((p) => {
        const key = p.key as Node | null;
        const value = p.value as Node | null;
        const start = key?.range?.[0] ?? value?.range?.[0];
        const end = value?.range?.[1] ?? key?.range?.[1];
        return (
          start !== undefined && end !== undefined && start <= offset && offset < Math.max(end, start + 1)
        );
      });
      if (!pair || !isScalar(pair.key)) return path;
      path.push(String(pair.key.value));
      const key = pair.key as Node;
      if (key.range && offset < key.range[1]) return path;
      node = pair.value as Node | null;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => {
        const range = (item as Node | null)?.range;
        return (
          range !== undefined &&
          range !== null &&
          range[0] <= offset &&
          offset < Math.max(range[1], range[0] + 1)
        );
      });
      if (index < 0) return path;
      path.push(index);
      node = node.items[index] as Node | null;
    } else return path;
  }
}

export function nodeAtPath(root: Node | null | undefined, path: readonly PathStep[]): Node | undefined {
  let node: Node | null | undefined = root;
  for (const step of path) {
    if (typeof step === 'number' && isSeq(node)) node = node.items[step] as Node | null;
    else if (typeof step === 'string' && isMap(node)) node = pairOf(node, step)?.value ?? undefined;
    else return undefined;
  }
  return node ?? undefined;
}

/** A scalar under a node, with its path relative to the node. */
export interface Leaf {
  readonly path: PathStep[];
  readonly value: unknown;
  /** A probe marker written as a key: it stands for the (empty) map that holds it. */
  readonly markerKey?: boolean;
}

/** Every scalar under a node, and every probe-marker key (an empty values map, probed). */
export function leaves(node: Node | null | undefined, prefix: PathStep[] = []): Leaf[] {
  if (isMap(node)) {
    const out: Leaf[] = [];
    for (const p of node.items) {
      if (!isPair(p) || !isScalar(p.key)) continue;
      const key = String(p.key.value);
      if (/zz\d+zz/i.test(key)) out.push({ path: prefix, value: key, markerKey: true });
      else out.push(...leaves(p.value as Node | null, [...prefix, key]));
    }
    return out;
  }
  if (isSeq(node)) return node.items.flatMap((item, i) => leaves(item as Node | null, [...prefix, i]));
  if (isScalar(node)) return [{ path: prefix, value: node.value }];
  return [];
}

/** A path as people write it: `spec.template.spec.containers[0].securityContext`. */
export function formatPath(path: readonly PathStep[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}
