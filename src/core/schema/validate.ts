import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Scalar,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import { resolveAlias } from '../yaml/aliases';
import { convertShallow } from './openapi';
import schema from './kubernetes-1.36.json';
import { closestName } from './suggest';

/**
 * Validation of manifests against the Kubernetes OpenAPI schema, derived from the API server we
 * build and test against (scripts/gen-schema.ts documents the compact format). It checks what
 * the API server's decoder and strict field validation reject — unknown fields, wrong JSON
 * types, values outside an enum, malformed quantities, missing required fields — on the yaml
 * node tree directly (no `toJS()`), pointing every issue at the offending key or value.
 */

/** One schema node as stored in the JSON file (and as CRD schemas are converted, see ./crd). */
export interface Raw {
  readonly t?: string;
  readonly r?: number;
  readonly i?: Raw;
  readonly p?: Readonly<Record<string, Raw>>;
  readonly a?: Raw | 1;
  readonly q?: readonly string[];
  readonly e?: readonly string[];
  /** Deferred (a CRD's schema, ./openapi.ts): the OpenAPI node to convert on first use, its depth. */
  readonly d?: unknown;
  readonly dd?: number;
}

/** A schema node ready for walking: refs followed, lookups as Maps/Sets (built lazily, once). */
interface Compiled {
  readonly type: string | undefined;
  readonly items: Raw | undefined;
  readonly props: ReadonlyMap<string, Raw> | undefined;
  /** Raw schema of map values; `1` = anything. */
  readonly additional: Raw | 1 | undefined;
  readonly required: readonly string[];
  readonly enumValues: ReadonlySet<string> | undefined;
  /** An object that accepts anything (RawExtension, JSON, preserve-unknown-fields). */
  readonly open: boolean;
}

const data = schema as unknown as {
  readonly version: string;
  readonly kinds: Readonly<Record<string, number>>;
  readonly defs: readonly Raw[];
};

/** The Kubernetes version the schema was generated from, e.g. "v1.36.3". */
export const schemaVersion: string = data.version;

const compiled = new WeakMap<Raw, Compiled>();

function compile(raw: Raw): Compiled {
  const cached = compiled.get(raw);
  if (cached) return cached;
  let target: Raw = raw;
  for (let depth = 0; target.r !== undefined && depth < 16; depth++) target = data.defs[target.r] ?? {};
  if (target.d !== undefined) target = convertShallow(target.d, target.dd);
  const result: Compiled = {
    type: target.t,
    items: target.i,
    props: target.p ? new Map(Object.entries(target.p)) : undefined,
    additional: target.a,
    required: target.q ?? [],
    enumValues: target.e ? new Set(target.e) : undefined,
    // Only consulted for objects and untyped nodes: no properties means "anything goes".
    open: target.t === 'any' || (!target.p && !target.a),
  };
  compiled.set(raw, result);
  return result;
}

/** The schema of a built-in kind, or undefined (CRDs, removed API versions, typos in apiVersion). */
function rootSchema(apiVersion: string, kind: string): Raw | undefined {
  const index = data.kinds[`${apiVersion}/${kind}`];
  return index === undefined ? undefined : { r: index };
}

export function hasSchema(apiVersion: string, kind: string): boolean {
  return data.kinds[`${apiVersion}/${kind}`] !== undefined;
}

/** ObjectMeta's schema: the API server checks a custom resource's metadata as a built-in's. */
export function objectMetaSchema(): Raw | undefined {
  const configMap = rootSchema('v1', 'ConfigMap');
  return configMap ? compile(configMap).props?.get('metadata') : undefined;
}

export type ValueKind = 'null' | 'string' | 'integer' | 'number' | 'boolean' | 'map' | 'seq' | 'other';

/**
 * Plain scalars that YAML 1.1 (kubectl's and Helm's sigs.k8s.io/yaml) reads as booleans while
 * YAML 1.2 (our parser, kustomize) reads them as strings. `true`/`false` are booleans in both.
 */
const YAML11_BOOLEAN = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;
const YAML11_TRUE = /^(?:y|Y|yes|Yes|YES|on|On|ON)$/;

/** Text that reads as a YAML 1.1 boolean when unquoted (`yes`, `off`, `y`…). */
export function isAmbiguousText(text: string): boolean {
  return YAML11_BOOLEAN.test(text);
}

/** True for an unquoted `yes`/`no`/`on`/`off`/`y`/`n`: a boolean or a string depending on the tool. */
export function isAmbiguousBoolean(node: Node): boolean {
  return (
    isScalar(node) &&
    node.type === Scalar.PLAIN &&
    typeof node.value === 'string' &&
    YAML11_BOOLEAN.test(node.value)
  );
}

/** The JSON type a node becomes when sent to the API server. */
export function valueKind(node: Node): ValueKind {
  if (isMap(node)) return 'map';
  if (isSeq(node)) return 'seq';
  if (!isScalar(node)) return 'other';
  const v: unknown = node.value;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'bigint') return 'integer';
  return typeof v === 'string' ? 'string' : 'other';
}

/** Kubernetes quantity grammar (resource.ParseQuantity), surrounding spaces allowed. */
const QUANTITY = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+|[KMGTPE]i|[numkMGTPE])?\s*$/;

export type SchemaIssueCode =
  'unknown-field' | 'wrong-type' | 'ambiguous-boolean' | 'bad-enum' | 'bad-quantity' | 'missing-required';

export interface SchemaIssue {
  readonly code: SchemaIssueCode;
  /** The offending node: the unknown key, the wrong value, the map missing a field. */
  readonly node: Node;
  /** JSON-ish path of the field, e.g. `spec.template.spec.containers[0].imagePullPolicy`. */
  readonly path: string;
  /** The field concerned (the unknown or missing key), when there is one. */
  readonly field?: string;
  readonly message: string;
}

export interface ValidateOptions {
  /** True when a node is (or contains) template output: scalars are skipped, maps lose required checks. */
  readonly isTemplated?: (node: Node) => boolean;
  /** Stop after this many issues (a wrong-version document would otherwise flood the editor). */
  readonly limit?: number;
  /** The schema to use instead of the built-in one: a custom resource's, from its CRD. */
  readonly schema?: Raw;
}

/** A path as a linked list: strings are only built for issues. */
interface PathLink {
  readonly parent: PathLink | undefined;
  readonly segment: string | number;
}

function render(link: PathLink | undefined): string {
  const parts: (string | number)[] = [];
  for (let l = link; l; l = l.parent) parts.push(l.segment);
  let out = '';
  for (let i = parts.length - 1; i >= 0; i--) {
    const p = parts[i];
    out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : (p ?? '');
  }
  return out;
}

const EXPECTED: Record<string, string> = {
  s: 'a string',
  i: 'an integer',
  n: 'a number',
  b: 'true or false',
  o: 'a map',
  a: 'a list',
  is: 'a number or a string',
  q: 'a quantity',
};

const ACTUAL: Record<ValueKind, string> = {
  null: 'null',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  map: 'a map',
  seq: 'a list',
  other: 'an unsupported value',
};

/** How a node is shown in messages: short scalars verbatim, collections by kind. */
function show(node: Node, kind: ValueKind): string {
  if (isScalar(node) && kind !== 'null') {
    const text = String(node.value);
    return ` (${kind === 'string' ? JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text) : text})`;
  }
  return '';
}

interface Frame {
  readonly schema: Compiled;
  readonly path: PathLink | undefined;
}

/**
 * Validates one object (a document root or a `kind: List` item) against the schema of its
 * apiVersion/kind. Unknown kinds return no issues: custom resources are validated by their CRD.
 */
export function validateObject(
  root: Node,
  apiVersion: string,
  kind: string,
  doc: Document.Parsed,
  options: ValidateOptions = {},
): SchemaIssue[] {
  const start = options.schema ?? rootSchema(apiVersion, kind);
  if (!start) return [];
  const walker = new Walker(kind, doc, options.isTemplated ?? (() => false), options.limit ?? 25);
  walker.visit(root, start, undefined, undefined, false, false);
  return walker.issues;
}

/** One validation pass; a class so the hot path allocates no closures per node. */
class Walker {
  readonly issues: SchemaIssue[] = [];
  /** Maps from the root to the current one, for "this key belongs higher up" hints. */
  private readonly ancestors: Frame[] = [];

  constructor(
    private readonly kind: string,
    private readonly doc: Document.Parsed,
    private readonly templated: (node: Node) => boolean,
    private readonly limit: number,
  ) {}

  private push(issue: SchemaIssue): void {
    if (this.issues.length < this.limit) this.issues.push(issue);
  }

  private wrong(
    node: Node,
    keyNode: Node | undefined,
    path: PathLink | undefined,
    expected: string,
    hint = '',
  ): void {
    const kindOf = valueKind(node);
    this.push({
      code: 'wrong-type',
      // A scalar is pointed at itself; a collection at its key (its first line).
      node: isScalar(node) ? node : (keyNode ?? node),
      path: render(path),
      message: `${render(path) || this.kind} must be ${expected}, not ${ACTUAL[kindOf]}${show(node, kindOf)}${hint}`,
    });
  }

  visit(
    input: Node,
    raw: Raw,
    path: PathLink | undefined,
    keyNode: Node | undefined,
    inStatus: boolean,
    inList: boolean,
  ): void {
    if (this.issues.length >= this.limit) return;
    const s = compile(raw);
    if (s.type === 'any') return;
    const node = isAlias(input) ? (resolveAlias(input, this.doc) ?? input) : input;
    if (isScalar(node)) {
      if (node.value === null || node.value === undefined || this.templated(node)) return;
      this.scalar(node, s, path, keyNode, inStatus);
      return;
    }
    if (s.type === 'a') {
      if (!isSeq(node)) this.wrong(node, keyNode, path, EXPECTED['a'] ?? '');
      else if (s.items) {
        const items = node.items;
        for (let i = 0; i < items.length; i++)
          this.visit(items[i] as Node, s.items, { parent: path, segment: i }, undefined, inStatus, true);
      }
      return;
    }
    if (s.type !== undefined && s.type !== 'o') {
      this.wrong(node, keyNode, path, EXPECTED[s.type] ?? s.type);
      return;
    }
    if (s.open) {
      if (s.type === 'o' && !isMap(node)) this.wrong(node, keyNode, path, EXPECTED['o'] ?? '');
      return;
    }
    if (!isMap(node)) {
      this.wrong(node, keyNode, path, EXPECTED['o'] ?? '');
      return;
    }
    this.map(node, s, path, keyNode, inStatus, inList);
  }

  private scalar(
    node: Scalar,
    s: Compiled,
    path: PathLink | undefined,
    keyNode: Node | undefined,
    inStatus: boolean,
  ): void {
    const kindOf = valueKind(node);
    const text = String(node.value);
    const ambiguous = isAmbiguousBoolean(node);
    switch (s.type) {
      case 's':
        if (ambiguous)
          this.push({
            code: 'wrong-type',
            node,
            path: render(path),
            message: `${render(path)} must be a string, but kubectl and Helm read an unquoted ${text} as a boolean (YAML 1.1): quote it`,
          });
        else if (kindOf !== 'string') this.wrong(node, keyNode, path, EXPECTED['s'] ?? '', ' (quote it)');
        else if (s.enumValues && !inStatus && !s.enumValues.has(text)) {
          const near = [...s.enumValues].find((e) => e.toLowerCase() === text.toLowerCase());
          this.push({
            code: 'bad-enum',
            node,
            path: render(path),
            message: `${render(path)} must be one of ${[...s.enumValues].map((e) => JSON.stringify(e)).join(', ')}, not ${JSON.stringify(text)}${near ? ` (did you mean "${near}"?)` : ''}`,
          });
        }
        return;
      case 'i':
        if (kindOf !== 'integer')
          this.wrong(
            node,
            keyNode,
            path,
            EXPECTED['i'] ?? '',
            kindOf === 'string' && /^\s*-?\d+\s*$/.test(text) ? ' (remove the quotes)' : '',
          );
        return;
      case 'n':
        if (kindOf !== 'integer' && kindOf !== 'number') this.wrong(node, keyNode, path, EXPECTED['n'] ?? '');
        return;
      case 'b':
        if (ambiguous)
          this.push({
            code: 'ambiguous-boolean',
            node,
            path: render(path),
            message: `${render(path)} is an unquoted ${text}: a boolean for kubectl and Helm (YAML 1.1) but a string for YAML 1.2 tools such as kustomize (write ${YAML11_TRUE.test(text) ? 'true' : 'false'})`,
          });
        else if (kindOf !== 'boolean') this.wrong(node, keyNode, path, EXPECTED['b'] ?? '');
        return;
      case 'is':
        if (kindOf !== 'integer' && kindOf !== 'string')
          this.wrong(node, keyNode, path, EXPECTED['is'] ?? '');
        else if (ambiguous)
          this.wrong(
            node,
            keyNode,
            path,
            EXPECTED['is'] ?? '',
            ': kubectl reads an unquoted yes/no/on/off as a boolean',
          );
        return;
      case 'q':
        if (kindOf === 'integer' || kindOf === 'number') return;
        if (kindOf !== 'string' || ambiguous) this.wrong(node, keyNode, path, EXPECTED['q'] ?? '');
        else if (!QUANTITY.test(text))
          this.push({
            code: 'bad-quantity',
            node,
            path: render(path),
            message: `${render(path)} is not a valid quantity${show(node, kindOf)}: use a number with an optional suffix such as 500m, 2, 512Mi, 1Gi or 1e9`,
          });
        return;
      default:
        // A list or an object given a scalar; untyped and open objects accept anything.
        if (s.type === 'a') this.wrong(node, keyNode, path, EXPECTED['a'] ?? '');
        else if (!s.open) this.wrong(node, keyNode, path, EXPECTED['o'] ?? '');
    }
  }

  private map(
    node: YAMLMap,
    s: Compiled,
    path: PathLink | undefined,
    keyNode: Node | undefined,
    inStatus: boolean,
    inList: boolean,
  ): void {
    const frame: Frame = { schema: s, path };
    // Required fields are checked inside list items only (a container's name, a port's
    // containerPort, an Ingress path's pathType): kustomize patches omit top-level ones such as
    // spec.selector on purpose. Template output may supply any key; status is the controllers'.
    const checkRequired = inList && !inStatus && s.required.length > 0 && !this.templated(node);
    const present = checkRequired ? new Set<string>() : undefined;
    const pairs = hasMergeKey(node) ? entriesOf(node, this.doc) : node.items;
    for (const pair of pairs) {
      if (this.issues.length >= this.limit) return;
      const key = keyText(pair.key);
      if (key === undefined) continue;
      const value = pair.value as Node | null;
      if (present && value !== null) {
        const resolved = isAlias(value) ? (resolveAlias(value, this.doc) ?? value) : value;
        if (valueKind(resolved) !== 'null') present.add(key);
      }
      // Strategic-merge-patch directives ($patch, $setElementOrder/…) belong to kustomize patches.
      if (key.charCodeAt(0) === 36 /* $ */) continue;
      const child = s.props?.get(key);
      if (child) {
        if (!value) continue;
        this.ancestors.push(frame);
        this.visit(
          value,
          child,
          { parent: path, segment: key },
          pair.key as Node,
          inStatus || (path === undefined && key === 'status'),
          inList,
        );
        this.ancestors.pop();
      } else if (s.additional !== undefined) {
        if (s.additional !== 1 && value)
          this.visit(value, s.additional, { parent: path, segment: key }, pair.key as Node, inStatus, inList);
      } else if (!this.templated(pair.key as Node)) {
        const childPath: PathLink = { parent: path, segment: key };
        this.push({
          code: 'unknown-field',
          node: pair.key as Node,
          path: render(childPath),
          field: key,
          message: `unknown field "${render(childPath)}"${hint(key, s, this.ancestors)}`,
        });
      }
    }
    if (!present) return;
    for (const field of s.required) {
      if (present.has(field)) continue;
      this.push({
        code: 'missing-required',
        node: keyNode ?? node,
        path: render(path),
        field,
        message: `${render(path) || this.kind} is missing the required field "${field}"`,
      });
    }
  }
}

function hasMergeKey(map: YAMLMap): boolean {
  for (const item of map.items) if (isScalar(item.key) && item.key.value === '<<') return true;
  return false;
}

/** A map key as text (`80:` and `true:` keys become "80" and "true"); undefined for other nodes. */
function keyText(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  const v = key.value;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

/** A map's pairs with YAML merge keys (`<<: *defaults`) expanded; the map's own keys win. */
function entriesOf(map: YAMLMap, doc: Document.Parsed, nesting = 0): Pair[] {
  const own: Pair[] = [];
  let merged: Node[] | undefined;
  for (const item of map.items) {
    if (!isPair(item)) continue;
    if (isScalar(item.key) && item.key.value === '<<' && item.value) {
      (merged ??= []).push(item.value as Node);
      continue;
    }
    own.push(item);
  }
  // Merges of merges are followed a few levels deep, never round a cycle.
  if (!merged || nesting > 8) return own;
  const seen = new Set(own.map((p) => keyText(p.key) ?? ''));
  const out = [...own];
  const add = (source: Node, depth: number): void => {
    const target = isAlias(source) ? resolveAlias(source, doc) : source;
    if (isSeq(target) && depth === 0) {
      for (const item of target.items) add(item as Node, depth + 1);
      return;
    }
    if (!isMap(target)) return;
    for (const pair of entriesOf(target, doc, nesting + 1)) {
      const key = keyText(pair.key) ?? '';
      if (!seen.has(key)) {
        seen.add(key);
        out.push(pair);
      }
    }
  };
  for (const source of merged) add(source, 0);
  return out;
}

/** "Did you mean" for typos, and "belongs higher up" for the commonest cause: wrong indentation. */
function hint(key: string, schema: Compiled, ancestors: readonly Frame[]): string {
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const frame = ancestors[i];
    if (frame?.schema.props?.has(key)) {
      const where = render(frame.path);
      return ` ("${key}" is a field of ${where ? `"${where}"` : 'the object'}: check the indentation)`;
    }
  }
  const best = schema.props ? closestName(key, schema.props.keys()) : undefined;
  return best ? ` (did you mean "${best}"?)` : '';
}

/**
 * Whether a plain value (a document the CLI's light scanner read, see ../yaml/light.ts) is sure
 * to pass validateObject: the same walk on JSON values, answering false wherever the node walk
 * could report (an unquoted-looking yes/no included), so a false only means "walk the nodes".
 */
export function conformsPlain(value: unknown, apiVersion: string, kind: string): boolean {
  const start = rootSchema(apiVersion, kind);
  return start !== undefined && plainConforms(value, start, true, false, false);
}

function plainConforms(value: unknown, raw: Raw, root: boolean, inStatus: boolean, inList: boolean): boolean {
  const s = compile(raw);
  if (s.type === 'any' || value === null || value === undefined) return true;
  if (typeof value !== 'object') {
    const kindOf: ValueKind =
      typeof value === 'boolean'
        ? 'boolean'
        : typeof value === 'number'
          ? Number.isInteger(value)
            ? 'integer'
            : 'number'
          : typeof value === 'string'
            ? 'string'
            : 'other';
    const ambiguous = typeof value === 'string' && YAML11_BOOLEAN.test(value);
    switch (s.type) {
      case 's':
        return (
          kindOf === 'string' &&
          !ambiguous &&
          (!s.enumValues || inStatus || s.enumValues.has(value as string))
        );
      case 'i':
        return kindOf === 'integer';
      case 'n':
        return kindOf === 'integer' || kindOf === 'number';
      case 'b':
        return kindOf === 'boolean';
      case 'is':
        return kindOf === 'integer' || (kindOf === 'string' && !ambiguous);
      case 'q':
        return (
          kindOf === 'integer' ||
          kindOf === 'number' ||
          (kindOf === 'string' && !ambiguous && QUANTITY.test(value as string))
        );
      default:
        return s.type !== 'a' && s.open;
    }
  }
  if (Array.isArray(value)) {
    if (s.type === 'a')
      return !s.items || value.every((item) => plainConforms(item, s.items as Raw, false, inStatus, true));
    return s.type === undefined && s.open;
  }
  if (s.type !== undefined && s.type !== 'o') return false;
  if (s.open) return true;
  const map = value as Record<string, unknown>;
  for (const key of Object.keys(map)) {
    if (key.charCodeAt(0) === 36 /* $ */) continue;
    const child = s.props?.get(key);
    const v = map[key];
    if (child) {
      if (!plainConforms(v, child, false, inStatus || (root && key === 'status'), inList)) return false;
    } else if (s.additional === undefined) return false;
    else if (s.additional !== 1 && !plainConforms(v, s.additional, false, inStatus, inList)) return false;
  }
  if (inList && !inStatus)
    for (const field of s.required) if (map[field] === null || map[field] === undefined) return false;
  return true;
}
