import {
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
  parseDocument,
  stringify,
  type Document,
  type Node,
} from 'yaml';
import { LineIndex } from '../yaml/lines';
import { pathAt } from './rendered';
import type { PathStep } from './template-index';

/**
 * Argo CD `Application`s read as render settings: which chart or overlay (a folder of the repo)
 * and how Argo CD renders it (release name, value files, parameters, inline values, destination
 * namespace, Kustomize options). Pure: paths stay repo-relative; the caller finds the repo root.
 */
export interface ArgoApp {
  readonly name: string;
  /** Index of the document in its file. */
  readonly document: number;
  /** 0-based line of `kind: Application`: a problem of the whole app is shown there. */
  readonly line: number;
  readonly destinationNamespace: string | undefined;
  readonly sources: readonly ArgoSource[];
}

export interface ArgoSource {
  /** `['spec', 'source']` or `['spec', 'sources', i]`. */
  readonly at: readonly PathStep[];
  readonly repoURL: string | undefined;
  /** The chart or overlay folder in the repo (`helm/charts/data-platform`). */
  readonly path: string | undefined;
  /** A chart from a Helm repository: not a folder of the workspace. */
  readonly chart: string | undefined;
  /** `ref: values`: other sources name this one's files `$values/…`. */
  readonly ref: string | undefined;
  readonly helm: Readonly<Record<string, unknown>> | undefined;
  readonly kustomize: Readonly<Record<string, unknown>> | undefined;
  /** 0-based lines of `helm.valueFiles` entries, in order. */
  readonly valueFileLines: readonly number[];
}

/** Cheap test before parsing: most YAML files of a repo are not Argo CD Applications. */
export function mayHoldArgoApp(text: string): boolean {
  return /^\s*kind:\s*["']?Application["']?\s*$/m.test(text) && text.includes('argoproj.io');
}

export function readArgoApps(text: string): ArgoApp[] {
  const out: ArgoApp[] = [];
  const lines = new LineIndex(text);
  parseAllDocuments(text).forEach((doc, document) => {
    if (!('contents' in doc) || doc.errors.length > 0) return;
    const app = argoAppFrom(doc.toJS({ maxAliasCount: 100 }) as unknown, document, (path) => {
      const node = nodeAt(doc, path);
      return node?.range ? lines.positionAt(node.range[0]).line : -1;
    });
    if (app) out.push(app);
  });
  return out;
}

/**
 * An Application object (a parsed document, or one the API server serves) as render settings.
 * `lineOf` gives the 0-based line of a path in its file, -1 when there is none (a live object).
 */
export function argoAppFrom(
  app: unknown,
  document: number,
  lineOf: (path: readonly PathStep[]) => number = () => -1,
): ArgoApp | undefined {
  if (!isRecord(app) || app['kind'] !== 'Application') return undefined;
  if (typeof app['apiVersion'] !== 'string' || !app['apiVersion'].startsWith('argoproj.io/'))
    return undefined;
  const metadata = record(app['metadata']);
  const spec = record(app['spec']);
  const sourceAt = (at: PathStep[], value: unknown): ArgoSource => {
    const s = record(value) ?? {};
    const helm = record(s['helm']);
    return {
      at,
      repoURL: str(s['repoURL']),
      path: str(s['path']),
      chart: str(s['chart']),
      ref: str(s['ref']),
      helm,
      kustomize: record(s['kustomize']),
      valueFileLines: list(helm?.['valueFiles']).map((_, i) => lineOf([...at, 'helm', 'valueFiles', i])),
    };
  };
  const sources: ArgoSource[] = [];
  if (spec?.['source'] !== undefined) sources.push(sourceAt(['spec', 'source'], spec['source']));
  list(spec?.['sources']).forEach((s, i) => sources.push(sourceAt(['spec', 'sources', i], s)));
  return {
    name: str(metadata?.['name']) ?? `document ${document + 1}`,
    document,
    line: Math.max(0, lineOf(['kind'])),
    destinationNamespace: str(record(spec?.['destination'])?.['namespace']),
    sources,
  };
}

/** A value file as Argo CD reads it (repo-relative), or why the workspace does not have it. */
export type ValueFile =
  | { readonly path: string; readonly line: number }
  | { readonly unresolved: string; readonly line: number; readonly why: string };

export interface HelmSettings {
  readonly release: string;
  readonly namespace: string;
  /** In Argo CD's order: later files win. */
  readonly valueFiles: readonly ValueFile[];
  /** Argo CD renders anyway when a listed value file does not exist. */
  readonly ignoreMissingValueFiles: boolean;
  readonly set: readonly string[];
  readonly setString: readonly string[];
  /** `name=path`, the path repo-relative. */
  readonly setFile: readonly string[];
  /** `values` (a string) or `valuesObject`: one more values file, after the value files. */
  readonly inline: InlineValues | undefined;
  readonly extraArgs: readonly string[];
  readonly notes: readonly string[];
}

export interface InlineValues {
  readonly text: string;
  readonly key: 'values' | 'valuesObject';
  /** The path of the `values` / `valuesObject` node in the Application document. */
  readonly at: readonly PathStep[];
}

/** Argo CD's `helm` block as `helm template` settings (Argo CD runs `helm template` itself). */
export function helmSettings(
  app: ArgoApp,
  source: ArgoSource,
  sources: readonly ArgoSource[] = app.sources,
): HelmSettings {
  const helm = source.helm ?? {};
  const chartDir = source.path ?? '.';
  const valueFiles: ValueFile[] = [];
  list(helm['valueFiles']).forEach((v, i) => {
    if (typeof v === 'string')
      valueFiles.push(valueFile(v, source.valueFileLines[i] ?? app.line, source, sources));
  });
  const set: string[] = [];
  const setString: string[] = [];
  for (const p of list(helm['parameters'])) {
    const param = record(p);
    if (typeof param?.['name'] !== 'string') continue;
    const raw = param['value'];
    const value =
      typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : '';
    (param['forceString'] === true ? setString : set).push(`${param['name']}=${value}`);
  }
  const setFile: string[] = [];
  for (const p of list(helm['fileParameters'])) {
    const param = record(p);
    if (typeof param?.['name'] === 'string' && typeof param['path'] === 'string')
      setFile.push(`${param['name']}=${joinPath(chartDir, param['path'])}`);
  }
  // Argo CD: valuesObject wins over values when both are set.
  const object = record(helm['valuesObject']);
  const inline: InlineValues | undefined =
    object && Object.keys(object).length > 0
      ? { text: stringify(object), key: 'valuesObject', at: [...source.at, 'helm', 'valuesObject'] }
      : typeof helm['values'] === 'string' && helm['values'].trim() !== ''
        ? { text: helm['values'], key: 'values', at: [...source.at, 'helm', 'values'] }
        : undefined;
  const extraArgs: string[] = [];
  if (helm['skipCrds'] === true) extraArgs.push('--skip-crds');
  if (typeof helm['kubeVersion'] === 'string') extraArgs.push('--kube-version', helm['kubeVersion']);
  for (const v of list(helm['apiVersions'])) if (typeof v === 'string') extraArgs.push('--api-versions', v);
  const notes: string[] = [];
  if (helm['version'] !== undefined || helm['passCredentials'] !== undefined)
    notes.push('helm.version and helm.passCredentials are not honoured: your own helm renders the chart');
  return {
    release: str(helm['releaseName']) ?? app.name,
    namespace: str(helm['namespace']) ?? app.destinationNamespace ?? 'default',
    valueFiles,
    ignoreMissingValueFiles: helm['ignoreMissingValueFiles'] === true,
    set,
    setString,
    setFile,
    inline,
    extraArgs,
    notes,
  };
}

function valueFile(
  value: string,
  line: number,
  source: ArgoSource,
  sources: readonly ArgoSource[],
): ValueFile {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value))
    return { unresolved: value, line, why: 'a URL Argo CD downloads; rendered without it' };
  if (!value.startsWith('$')) return { path: joinPath(source.path ?? '.', value), line };
  const slash = value.indexOf('/');
  const ref = value.slice(1, slash < 0 ? undefined : slash);
  const from = sources.find((s) => s.ref === ref);
  if (!from) return { unresolved: value, line, why: `no source of this Application has ref: ${ref}` };
  // `$values/…` from the same repository is a file of this workspace; another repository's is not.
  if (!sameRepo(from.repoURL, source.repoURL))
    return {
      unresolved: value,
      line,
      why: `it comes from ${from.repoURL ?? 'another source'}, not this workspace; rendered without it`,
    };
  return { path: joinPath(from.path ?? '.', slash < 0 ? '.' : value.slice(slash + 1)), line };
}

export interface KustomizeSettings {
  /** Where objects without a namespace go (the app's `kustomize.namespace`, else its destination). */
  readonly namespace: string | undefined;
  /** A kustomization laid over the overlay, or undefined when the app sets no options. */
  readonly overlay: Readonly<Record<string, unknown>> | undefined;
  readonly notes: readonly string[];
}

/** Argo CD's `kustomize` block as a kustomization that takes the overlay as its resource. */
export function kustomizeSettings(app: ArgoApp, source: ArgoSource): KustomizeSettings {
  const k = source.kustomize ?? {};
  const overlay: Record<string, unknown> = {};
  for (const key of ['namePrefix', 'nameSuffix', 'namespace'])
    if (typeof k[key] === 'string' && k[key] !== '') overlay[key] = k[key];
  // Argo CD's images are `kustomize edit set image` strings: name[=newName][:tag][@digest].
  const images = list(k['images']).flatMap((i) => (typeof i === 'string' ? [imageOf(i)] : []));
  if (images.length > 0) overlay['images'] = images;
  const labels = record(k['commonLabels']);
  if (labels && Object.keys(labels).length > 0)
    overlay['labels'] = [
      { pairs: labels, includeSelectors: k['labelWithoutSelector'] !== true, includeTemplates: true },
    ];
  const annotations = record(k['commonAnnotations']);
  if (annotations && Object.keys(annotations).length > 0) overlay['commonAnnotations'] = annotations;
  if (list(k['replicas']).length > 0) overlay['replicas'] = k['replicas'];
  if (list(k['patches']).length > 0) overlay['patches'] = k['patches'];
  const notes = [
    'components',
    'commonAnnotationsEnvsubst',
    'forceCommonLabels',
    'forceCommonAnnotations',
    'version',
  ]
    .filter((key) => k[key] !== undefined)
    .map((key) => `kustomize.${key} of Argo CD app ${app.name} is not honoured`);
  return {
    namespace: str(overlay['namespace']) ?? app.destinationNamespace,
    overlay: Object.keys(overlay).length > 0 ? overlay : undefined,
    notes,
  };
}

function imageOf(spec: string): Record<string, string> {
  const out: Record<string, string> = {};
  let rest = spec;
  const at = rest.indexOf('@');
  if (at >= 0) {
    out['digest'] = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const eq = rest.indexOf('=');
  const name = eq >= 0 ? rest.slice(0, eq) : rest;
  const [image, tag] = splitTag(eq >= 0 ? rest.slice(eq + 1) : rest);
  out['name'] = eq >= 0 ? name : image;
  if (eq >= 0) out['newName'] = image;
  if (tag) out['newTag'] = tag;
  return out;
}

function splitTag(image: string): [string, string | undefined] {
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/')
    ? [image.slice(0, colon), image.slice(colon + 1)]
    : [image, undefined];
}

function sameRepo(a: string | undefined, b: string | undefined): boolean {
  const norm = (u: string) =>
    u
      .trim()
      .toLowerCase()
      .replace(/\/+$/, '')
      .replace(/\.git$/, '');
  return a !== undefined && b !== undefined && norm(a) === norm(b);
}

/** A repo-relative path joined and normalised; `..` never climbs above the repo root. */
export function joinPath(dir: string, path: string): string {
  const parts: string[] = [];
  for (const part of (path.startsWith('/') ? path : `${dir}/${path}`).split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/') || '.';
}

/**
 * Where a line of the inline values (as written to the temporary values file) is in the
 * Application file: the same key under `valuesObject`, or the same line of a `values: |` block.
 * Falls back to the `values` / `valuesObject` key; undefined when the document is gone.
 */
export function inlineLocation(
  appText: string,
  document: number,
  inline: InlineValues,
  valuesLine: number,
  valuesColumn: number,
): { line: number; column: number; endLine: number; endColumn: number } | undefined {
  const doc = parseAllDocuments(appText)[document];
  if (!doc || !('contents' in doc)) return undefined;
  const lines = new LineIndex(appText);
  const key = nodeAt(doc, inline.at, true);
  if (!key?.range) return undefined;
  const text = appText.split('\n');
  const whole = (line: number, column: number) => ({
    line,
    column,
    endLine: line,
    endColumn: (text[line] ?? '').trimEnd().length,
  });
  const keyPos = lines.positionAt(key.range[0]);
  const fallback = whole(keyPos.line, keyPos.character);
  if (inline.key === 'valuesObject') {
    const values = new LineIndex(inline.text);
    const offset = values.offsetAt({ line: valuesLine, character: valuesColumn });
    const valuesPath = pathAt(parseDocument(inline.text).contents, offset);
    let node: Node | undefined = nodeAt(doc, inline.at);
    let at: Node | undefined;
    for (const step of valuesPath) {
      const next = childOf(node, step);
      if (!next) break;
      at = next.key ?? next.value;
      node = next.value;
    }
    if (!at?.range) return fallback;
    const p = lines.positionAt(at.range[0]);
    return whole(p.line, p.character);
  }
  // A `|` block keeps its lines one for one, indented; anything else is shown on its key.
  const value = nodeAt(doc, inline.at);
  if (!isScalar(value) || value.type !== 'BLOCK_LITERAL' || !value.range) return fallback;
  const first = lines.positionAt(value.range[0]).line + 1;
  const wanted = inline.text.split('\n')[valuesLine];
  const source = text[first + valuesLine];
  if (wanted === undefined || source === undefined || source.trim() !== wanted.trim()) return fallback;
  return whole(first + valuesLine, source.length - source.trimStart().length);
}

/** The node at a path (with `key`: the map key that holds it). */
function nodeAt(doc: Document, path: readonly PathStep[], key = false): Node | undefined {
  let node: Node | undefined = doc.contents ?? undefined;
  let last: Node | undefined;
  for (const step of path) {
    const next = childOf(node, step);
    if (!next) return undefined;
    last = next.key;
    node = next.value;
  }
  return key ? (last ?? node) : node;
}

function childOf(
  node: Node | undefined,
  step: PathStep,
): { key?: Node; value: Node | undefined } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
    return pair ? { key: pair.key as Node, value: (pair.value as Node | null) ?? undefined } : undefined;
  }
  if (isSeq(node) && typeof step === 'number') {
    const item = node.items[step] as Node | undefined;
    return item ? { value: item } : undefined;
  }
  return undefined;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function record(v: unknown): Record<string, unknown> | undefined {
  return isRecord(v) ? v : undefined;
}
function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
