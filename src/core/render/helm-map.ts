import { isScalar, type Node } from 'yaml';
import { analyseFile, type AnalyseOptions } from '../rules/engine';
import { memoByText } from '../text/memo';
import type { Finding } from '../rules/types';
import type { ManifestFile, ParseProblem } from '../yaml/parse';
import { noteShared, targetOf, type MappedFinding, type SourceFile, type SourceLocation } from './locate';
import {
  formatPath,
  leaves,
  nodeAtPath,
  parseRendered,
  renderedDocuments,
  type RenderedDocument,
} from './rendered';
import {
  indexTemplate,
  matchPath,
  producerUnder,
  templateDocumentFor,
  type PathStep,
  type TemplateDocument,
} from './template-index';
import { sentinelsIn, ValuesIndex, type SentinelTable, type ValuesOrigin } from './values-probe';

/** Everything a Helm render produced and read, as text: the mapping itself does no I/O. */
export interface HelmRender {
  readonly rendered: string;
  /** The probe render (values replaced by markers), when it succeeded. */
  readonly probed?: string;
  readonly sentinels?: SentinelTable;
  /** Template files by the path Helm writes in `# Source:`. */
  readonly templates: ReadonlyMap<string, SourceFile>;
  /** Values files by the name used in the sentinel table, with their precedence (higher wins). */
  readonly values: ReadonlyMap<string, SourceFile & { readonly precedence: number }>;
}

export interface RenderLint {
  readonly file: ManifestFile;
  readonly findings: MappedFinding[];
  readonly problems: readonly (ParseProblem & { readonly location: SourceLocation | undefined })[];
  /**
   * Where a person edits any node of a rendered document (a finding or not): live → source and
   * edits that start from the cluster (a memory limit) ask it. Absent on lints built elsewhere.
   */
  readonly locate?: (documentIndex: number, path: readonly PathStep[]) => SourceLocation | undefined;
}

/** Analyses a chart's rendered output and puts every finding on the line a person would edit. */
export function lintHelmRender(input: HelmRender, options: AnalyseOptions): RenderLint {
  const file = parseRendered(input.rendered);
  const analysis = analyseFile(file, options);
  const mapper = new HelmMapper(input, file);
  return {
    file,
    findings: noteShared(analysis.findings.map((f) => mapper.map(f))),
    problems: analysis.problems.map((p) => ({ ...p, location: mapper.documentLocation(p.start) })),
    locate: (index, path) => mapper.locatePath(index, path),
  };
}

// A values-only save renders the same probe (reused by the adapter) and the same templates.
const probedDocuments = memoByText(2, (text) => renderedDocuments(parseRendered(text)));
const templateIndex = memoByText(512, indexTemplate);
const valuesIndex = memoByText(32, (text) => new ValuesIndex(text));

class HelmMapper {
  private readonly documents: RenderedDocument[];
  private readonly probed: RenderedDocument[];
  private readonly templates = new Map<string, TemplateDocument[]>();
  private readonly valuesIndexes = new Map<string, ValuesIndex>();

  constructor(
    private readonly input: HelmRender,
    file: ManifestFile,
  ) {
    this.documents = renderedDocuments(file);
    this.probed = input.probed ? probedDocuments(input.probed) : [];
  }

  map(finding: Finding): MappedFinding {
    const doc = this.documents[finding.documentIndex];
    const root = doc?.document.root;
    const target = targetOf(finding, root);
    const rendered = {
      source: doc?.source,
      document: finding.documentIndex,
      path: formatPath(target.path),
    };
    if (!doc) return { finding, location: undefined, rendered };
    const location =
      this.fromValues(finding, doc, target.field) ?? this.fromTemplate(doc, target.path, target.field);
    return { finding, location, rendered };
  }

  /** Any node of a rendered document: its values key or block when it came from values, else its template line. */
  locatePath(index: number, path: readonly PathStep[]): SourceLocation | undefined {
    const doc = this.documents[index];
    if (!doc) return undefined;
    return this.fromValues(undefined, doc, [...path]) ?? this.fromTemplate(doc, [...path], [...path]);
  }

  /** A parse problem in the output belongs to the template that wrote that document. */
  documentLocation(offset: number): SourceLocation | undefined {
    const doc = this.documents.find((d) => d.document.start <= offset && offset <= d.document.end);
    const template = doc?.source ? this.input.templates.get(doc.source) : undefined;
    return template
      ? { file: template.file, line: 0, column: 0, endLine: 0, endColumn: 0, via: 'template' }
      : undefined;
  }

  private fromValues(
    finding: Finding | undefined,
    doc: RenderedDocument,
    field: PathStep[],
  ): SourceLocation | undefined {
    const table = this.input.sentinels;
    const twin = this.probed.find(
      (p) => p.source === doc.source && p.kind === doc.kind && p.ordinal === doc.ordinal,
    );
    if (!table || !twin) return undefined;
    const node = nodeAtPath(twin.document.root, field);
    if (node === undefined) return undefined;
    const origin = isScalar(node) ? this.scalarOrigin(finding, node, table) : this.blockOrigin(node, table);
    if (origin) return this.valuesAt(origin);
    if (!isScalar(node)) return undefined;
    // A boolean is not probed, but the block around it may be: `readOnlyRootFilesystem: false`
    // inside `toYaml .Values.containerSecurityContext` is that block's key in the values file.
    for (let k = field.length - 1; k >= Math.max(1, field.length - 4); k--) {
      const ancestor = nodeAtPath(twin.document.root, field.slice(0, k));
      const block = ancestor && !isScalar(ancestor) ? this.blockOrigin(ancestor, table) : undefined;
      if (!block) continue;
      const at = this.valuesAt({ ...block, path: [...block.path, ...field.slice(k)] });
      if (at) return at;
    }
    return undefined;
  }

  private valuesAt(origin: ValuesOrigin): SourceLocation | undefined {
    if (origin.file === undefined) return undefined;
    const values = this.input.values.get(origin.file);
    let index = this.valuesIndexes.get(origin.file);
    if (values && !index) this.valuesIndexes.set(origin.file, (index = valuesIndex(values.text)));
    const at = index?.locate(origin.path);
    if (!values || !at) return undefined;
    return { file: values.file, ...at, via: 'values' };
  }

  private scalarOrigin(
    finding: Finding | undefined,
    node: Node,
    table: SentinelTable,
  ): ValuesOrigin | undefined {
    const origins = sentinelsIn((node as { value?: unknown }).value).flatMap((id) => table.get(id) ?? []);
    if (origins.length <= 1) return origins[0];
    // `image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"`: image rules are about the tag.
    if (finding?.rule.startsWith('image-')) {
      const tag = origins.find((o) => o.path.at(-1) === 'tag');
      if (tag) return tag;
    }
    return origins.at(-1);
  }

  /**
   * A block written by `toYaml .Values.x`: every marker under it names a key whose path ends with
   * the marker's path inside the block, and what is left is the block's own key. Several values
   * files can fill one block (chart defaults under a parent's override): the one that wins in Helm
   * (the higher precedence) is where a person edits.
   */
  private blockOrigin(node: Node, table: SentinelTable): ValuesOrigin | undefined {
    let best: { origin: ValuesOrigin; precedence: number } | undefined;
    const all = leaves(node);
    // Text the template wrote itself (a label, a port) means the block is not one values block.
    if (
      all.some((l) => sentinelsIn(l.value).length === 0 && typeof l.value !== 'boolean' && l.value !== null)
    )
      return undefined;
    for (const leaf of all) {
      const ids = sentinelsIn(leaf.value);
      if (ids.length !== 1) continue;
      const origin = table.get(ids[0] as number);
      if (!origin) continue;
      const rel = leaf.path;
      if (origin.path.length < rel.length) continue;
      const tail = origin.path.slice(origin.path.length - rel.length);
      if (!tail.every((s, i) => String(s) === String(rel[i]))) continue;
      const block = { ...origin, path: origin.path.slice(0, origin.path.length - rel.length) };
      const precedence =
        origin.file === undefined ? Infinity : (this.input.values.get(origin.file)?.precedence ?? 0);
      if (!best || precedence > best.precedence) best = { origin: block, precedence };
    }
    return best?.origin;
  }

  private fromTemplate(
    doc: RenderedDocument,
    path: PathStep[],
    field: PathStep[],
  ): SourceLocation | undefined {
    const template = doc.source ? this.input.templates.get(doc.source) : undefined;
    if (!template) return undefined;
    let documents = this.templates.get(template.file);
    if (!documents) this.templates.set(template.file, (documents = templateIndex(template.text)));
    const tdoc = templateDocumentFor(documents, doc.kind, doc.name, doc.ordinal);
    if (!tdoc) return undefined;
    const root = doc.document.root;
    const renderedName = (prefix: readonly PathStep[]) => {
      const item = nodeAtPath(root, [...prefix, 'name']);
      return isScalar(item) && typeof item.value === 'string' ? item.value : undefined;
    };
    const lines = template.text.split('\n');
    const at = (line: number, column: number, via: SourceLocation['via'], note?: string): SourceLocation => ({
      file: template.file,
      line,
      column,
      endLine: line,
      endColumn: (lines[line] ?? '').trimEnd().length,
      via,
      ...(note ? { note } : {}),
    });
    const fieldExists = nodeAtPath(root, field) !== undefined;
    const wanted = fieldExists ? field : path;
    const match = matchPath(tdoc, wanted, renderedName);
    // An absent field is added next to the node the finding names, whatever wrote that node.
    if (!fieldExists && match.node) return at(match.node.line, match.node.column, 'template');
    if (match.complete && match.node) {
      if (!match.node.templatedValue) return at(match.node.line, match.node.column, 'template');
      return at(
        match.node.line,
        match.node.column,
        'action',
        `written by ${actionText(match.node.value)} on this line`,
      );
    }
    // Part of the path is not in the template: an action under the deepest matched node wrote it.
    const parent = match.node?.path ?? [];
    const producer = producerUnder(tdoc, parent);
    if (producer)
      return at(producer.line, producer.column, 'action', `written by ${producer.text} on this line`);
    if (match.node?.templatedValue)
      return at(
        match.node.line,
        match.node.column,
        'action',
        `written by ${actionText(match.node.value)} on this line`,
      );
    if (match.node) return at(match.node.line, match.node.column, 'template');
    return at(0, 0, 'template');
  }
}

function actionText(value: string): string {
  return /\{\{[\s\S]*?\}\}/.exec(value)?.[0] ?? value;
}
