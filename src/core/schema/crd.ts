import type { Document, YAMLMap } from 'yaml';
import { getMap } from '../manifest/nodes';
import { hasSchema, objectMetaSchema, type Raw } from './validate';

/**
 * Custom resource schemas from CustomResourceDefinitions, converted to the compact form the
 * built-in schema uses (./validate.ts), so custom resources go through the same walker: same
 * messages, positions and "did you mean" hints. Plain JSON: the CLI ships them between threads
 * inside index entries, and the editor keeps them per file version.
 */
export interface CrdSchema {
  /** `group/version` of a served version. */
  readonly apiVersion: string;
  readonly kind: string;
  readonly schema: Raw;
}

type Json = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep enough for any real CRD (Argo CD's Application nests about 20 levels), bounded for cycles. */
const MAX_DEPTH = 64;

/** One OpenAPI v3 (structural) schema node → the compact form. */
export function convertSchema(input: unknown, depth = 0): Raw {
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
      return input['items'] === undefined
        ? { t: 'a' }
        : { t: 'a', i: convertSchema(input['items'], depth + 1) };
    case 'object':
      return objectSchema(input, preserve, depth);
    default:
      // Untyped nodes hold anything, unless they list properties (then they are objects).
      return isRecord(input['properties']) ? objectSchema(input, preserve, depth) : { t: 'any' };
  }
}

function objectSchema(input: Json, preserve: boolean, depth: number): Raw {
  const properties = isRecord(input['properties']) ? input['properties'] : undefined;
  const additional = input['additionalProperties'];
  const required = Array.isArray(input['required'])
    ? input['required'].filter((r): r is string => typeof r === 'string')
    : [];
  const p: Record<string, Raw> = {};
  for (const [key, value] of Object.entries(properties ?? {})) p[key] = convertSchema(value, depth + 1);
  // An embedded object (a template of another kind) always has these, checked by the API server.
  if (input['x-kubernetes-embedded-resource'] === true) {
    p['apiVersion'] ??= { t: 's' };
    p['kind'] ??= { t: 's' };
    p['metadata'] ??= { t: 'any' };
  }
  const a: Raw | 1 | undefined =
    preserve || additional === true
      ? 1
      : isRecord(additional)
        ? convertSchema(additional, depth + 1)
        : undefined;
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

/** The root of a custom resource: apiVersion/kind/metadata as the API server checks them. */
function rootSchema(openAPI: unknown): Raw {
  const root = convertSchema(openAPI);
  if (root.t !== 'o' || !root.p) return root;
  const meta = objectMetaSchema();
  return {
    ...root,
    p: { ...root.p, apiVersion: { t: 's' }, kind: { t: 's' }, ...(meta ? { metadata: meta } : {}) },
  };
}

/** The schemas of every served version of a CustomResourceDefinition (v1, or v1beta1's shared one). */
export function crdSchemas(node: YAMLMap, doc: Document.Parsed): CrdSchema[] {
  // Only the spec is converted: a big CRD's metadata and annotations are of no use here.
  const spec = getMap(node, 'spec', doc);
  return spec ? crdSchemasOfJson({ spec: spec.toJS(doc) as unknown }) : [];
}

const ofSpec = new WeakMap<object, CrdSchema[]>();

/** The same from a CRD's plain `spec` (the CLI's light scanner; one conversion per value). */
export function crdSchemasOfSpec(spec: unknown): CrdSchema[] {
  if (!isRecord(spec)) return [];
  let out = ofSpec.get(spec);
  if (!out) ofSpec.set(spec, (out = crdSchemasOfJson({ spec })));
  return out;
}

/** The same, from a CRD as JSON (what the API server serves). */
export function crdSchemasOfJson(crd: unknown): CrdSchema[] {
  const spec = isRecord(crd) && isRecord(crd['spec']) ? crd['spec'] : undefined;
  const names = spec && isRecord(spec['names']) ? spec['names'] : undefined;
  const group = spec?.['group'];
  const kind = names?.['kind'];
  if (typeof group !== 'string' || typeof kind !== 'string' || !group || !kind) return [];
  const openAPI = (v: unknown) =>
    isRecord(v) && isRecord(v['openAPIV3Schema']) ? v['openAPIV3Schema'] : undefined;
  const shared = openAPI(spec?.['validation']);
  const out: CrdSchema[] = [];
  for (const version of Array.isArray(spec?.['versions']) ? spec['versions'] : []) {
    if (!isRecord(version) || typeof version['name'] !== 'string' || version['served'] === false) continue;
    const own = openAPI(version['schema']) ?? shared;
    if (own) out.push(lazySchema(`${group}/${version['name']}`, kind, own));
  }
  const single = spec?.['version'];
  if (out.length === 0 && typeof single === 'string' && shared)
    out.push(lazySchema(`${group}/${single}`, kind, shared));
  return out;
}

/**
 * Converted when first read: most CRDs in a repository (an operator's install bundle) have no
 * custom resource beside them. An enumerable getter, so JSON and structured clones still hold it.
 */
function lazySchema(apiVersion: string, kind: string, openAPI: unknown): CrdSchema {
  let schema: Raw | undefined;
  return {
    apiVersion,
    kind,
    get schema() {
      return (schema ??= rootSchema(openAPI));
    },
  };
}

export function isCrd(apiVersion: string | undefined, kind: string | undefined): boolean {
  return kind === 'CustomResourceDefinition' && (apiVersion?.startsWith('apiextensions.k8s.io/') ?? false);
}

/** Anything carrying CRD schemas: index entries, whatever else they hold. */
interface WithCrds {
  readonly crdSchemas?: readonly CrdSchema[];
}

const lookups = new WeakMap<readonly WithCrds[], Map<string, Raw>>();

/** The CRD schema for `apiVersion`/`kind` among `entries` (a lookup table built once per array). */
export function crdSchemaFor(
  entries: readonly WithCrds[],
  apiVersion: string,
  kind: string,
): Raw | undefined {
  let table = lookups.get(entries);
  if (!table) {
    table = new Map();
    for (const entry of entries)
      for (const s of entry.crdSchemas ?? []) {
        const key = `${s.apiVersion}/${s.kind}`;
        // The first definition wins, as the files were given (a later copy changes nothing).
        if (!table.has(key)) table.set(key, s.schema);
      }
    lookups.set(entries, table);
  }
  return table.get(`${apiVersion}/${kind}`);
}

/**
 * A custom resource: its group is not a built-in one. Removed built-in versions (extensions/v1beta1)
 * and tool configs (kustomize.config.k8s.io) are not: they have other checks, or none is owed.
 */
export function isCustomResource(apiVersion: string, kind: string): boolean {
  if (hasSchema(apiVersion, kind)) return false;
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return false;
  const group = apiVersion.slice(0, slash);
  return group.includes('.') && !group.endsWith('.k8s.io') && !group.endsWith('.kubernetes.io');
}
