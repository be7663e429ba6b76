import { isMap, isScalar, parse, type Node } from 'yaml';
import { pairOf } from '../manifest/nodes';
import { analyseFile, type AnalyseOptions } from '../rules/engine';
import type { Finding } from '../rules/types';
import type { RenderLint } from './helm-map';
import { targetOf, type MappedFinding, type SourceFile, type SourceLocation } from './locate';
import { formatPath, nodeAtPath, parseRendered, renderedDocuments, type RenderedDocument } from './rendered';
import { indexTemplate, matchPath, type PathStep, type TemplateDocument } from './template-index';

export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';

/** `kustomize build` output (with origin annotations) and the files it names, as text. */
export interface KustomizeRender {
  readonly rendered: string;
  /** Files named by the origin annotations, keyed by the annotation's `path:`. */
  readonly origins: ReadonlyMap<string, SourceFile>;
  /** Strategic-merge patches of the build, in the order Kustomize applies them. */
  readonly patches: readonly SourceFile[];
  /** The build's kustomization files, the overlay's first (their `images:` set tags). */
  readonly kustomizations?: readonly SourceFile[];
}

/** The `path:` of an object's origin annotation. */
export function originOf(doc: RenderedDocument): string | undefined {
  const metadata = doc.document.root ? pairOf(doc.document.root, 'metadata')?.value : undefined;
  const annotations = isMap(metadata) ? pairOf(metadata, 'annotations')?.value : undefined;
  const origin = isMap(annotations) ? pairOf(annotations, ORIGIN_ANNOTATION)?.value : undefined;
  if (!isScalar(origin) || typeof origin.value !== 'string') return undefined;
  const parsed: unknown = parse(origin.value);
  const path = (parsed as { path?: unknown } | null)?.path;
  return typeof path === 'string' ? path : undefined;
}

/** Every origin path in a build's output, so the caller knows which files to read. */
export function originPaths(rendered: string): string[] {
  return [...new Set(renderedDocuments(parseRendered(rendered)).flatMap((d) => originOf(d) ?? []))];
}

export function lintKustomizeRender(input: KustomizeRender, options: AnalyseOptions): RenderLint {
  const file = parseRendered(input.rendered);
  const documents = renderedDocuments(file);
  const indexed = new Map<string, TemplateDocument[]>();
  const index = (source: SourceFile) => {
    let docs = indexed.get(source.file);
    if (!docs) indexed.set(source.file, (docs = indexTemplate(source.text)));
    return docs;
  };
  const analysis = analyseFile(file, options);
  const map = (finding: Finding): MappedFinding => {
    const doc = documents[finding.documentIndex];
    const root = doc?.document.root;
    const target = targetOf(finding, root);
    const origin = doc ? originOf(doc) : undefined;
    const rendered = { source: origin, document: finding.documentIndex, path: formatPath(target.path) };
    if (!doc) return { finding, location: undefined, rendered };
    const renderedName = (prefix: readonly PathStep[]) => {
      const item = nodeAtPath(root, [...prefix, 'name']);
      return isScalar(item) && typeof item.value === 'string' ? item.value : undefined;
    };
    const fieldExists = nodeAtPath(root, target.field) !== undefined;
    const image = imageEntry(input.kustomizations ?? [], root, target.field, index);
    if (image) return { finding, location: image, rendered };
    // A patch owns a node only when it writes that node (not just the list item's merge key).
    if (fieldExists && patchable(target.field)) {
      for (const patch of [...input.patches].reverse()) {
        const pdoc = sameObject(index(patch), doc);
        const match = pdoc ? matchPath(pdoc, target.field, renderedName) : undefined;
        if (match?.complete && match.node)
          return { finding, location: at(patch, match.node.line, match.node.column, 'patch'), rendered };
      }
    }
    const source = origin ? input.origins.get(origin) : undefined;
    const bdoc = source ? sameObject(index(source), doc) : undefined;
    if (!source || !bdoc) return { finding, location: undefined, rendered };
    const match = matchPath(bdoc, fieldExists ? target.field : target.path, renderedName);
    const node = match.node;
    return {
      finding,
      location: node ? at(source, node.line, node.column, 'base') : at(source, 0, 0, 'base'),
      rendered,
    };
  };
  /** Any node: the base (origin) file's line for it, or its deepest written ancestor. */
  const locate = (documentIndex: number, path: readonly PathStep[]): SourceLocation | undefined => {
    const doc = documents[documentIndex];
    const origin = doc ? originOf(doc) : undefined;
    const source = origin ? input.origins.get(origin) : undefined;
    const bdoc = source && doc ? sameObject(index(source), doc) : undefined;
    if (!source || !bdoc || !doc) return undefined;
    const renderedName = (prefix: readonly PathStep[]) => {
      const item = nodeAtPath(doc.document.root, [...prefix, 'name']);
      return isScalar(item) && typeof item.value === 'string' ? item.value : undefined;
    };
    const node = matchPath(bdoc, path, renderedName).node;
    return node ? at(source, node.line, node.column, 'base') : at(source, 0, 0, 'base');
  };
  return {
    file,
    findings: analysis.findings.map(map),
    problems: analysis.problems.map((p) => ({ ...p, location: undefined })),
    locate,
  };
}

/**
 * `images: [{name, newName, newTag, digest}]` in a kustomization rewrites a container's image: a
 * finding on that image belongs to the entry's tag line.
 */
function imageEntry(
  kustomizations: readonly SourceFile[],
  root: Node | null | undefined,
  field: readonly PathStep[],
  index: (source: SourceFile) => TemplateDocument[],
): SourceLocation | undefined {
  if (field.at(-1) !== 'image') return undefined;
  const image = nodeAtPath(root, field);
  if (!isScalar(image) || typeof image.value !== 'string') return undefined;
  const repository = image.value.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
  for (const k of kustomizations) {
    const doc = index(k)[0];
    const entries = doc?.nodes.filter((n) => n.path.length === 2 && n.path[0] === 'images') ?? [];
    for (const entry of entries) {
      const child = (key: string) =>
        doc?.nodes.find((n) => n.path.length === 3 && n.path[1] === entry.path[1] && n.path[2] === key);
      const name = child('newName') ?? child('name');
      if (!name || name.value.replace(/^["']|["']$/g, '') !== repository) continue;
      const line = child('digest') ?? child('newTag') ?? child('name') ?? entry;
      return at(k, line.line, line.column, 'kustomization');
    }
  }
  return undefined;
}

const STRUCTURE = new Set([
  'spec',
  'template',
  'metadata',
  'jobTemplate',
  'containers',
  'initContainers',
  'name',
  'kind',
  'apiVersion',
  'namespace',
]);

/**
 * Patches repeat an object's identity and the keys leading to what they change: those keys
 * belong to the base. A patch owns the values and blocks it writes (`replicas`, `resources`…).
 */
function patchable(path: readonly PathStep[]): boolean {
  const last = path.at(-1);
  return typeof last === 'string' && !STRUCTURE.has(last);
}

/** The document of a file that wrote this object: same kind, and a name the output contains. */
function sameObject(
  documents: readonly TemplateDocument[],
  doc: RenderedDocument,
): TemplateDocument | undefined {
  return (
    documents.find((d) => d.kind === doc.kind && d.name !== undefined && d.name === doc.name) ??
    documents.find((d) => d.kind === doc.kind && d.name !== undefined && (doc.name ?? '').includes(d.name))
  );
}

function at(source: SourceFile, line: number, column: number, via: SourceLocation['via']): SourceLocation {
  const text = source.text.split('\n')[line] ?? '';
  return { file: source.file, line, column, endLine: line, endColumn: text.trimEnd().length, via };
}
