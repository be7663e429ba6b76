import type { Document, YAMLMap } from 'yaml';
import { getMap } from '../manifest/nodes';
import { convertSchema, convertShallow, isRecord } from './openapi';
import { hasSchema, objectMetaSchema, type Raw } from './validate';

export { convertSchema } from './openapi';

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

/** The root of a custom resource: apiVersion/kind/metadata as the API server checks them. */
function rootSchema(openAPI: unknown, convert: (input: unknown) => Raw): Raw {
  const root = convert(openAPI);
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
 * custom resource beside them. `schema` is the whole tree (an enumerable getter: JSON index keys
 * and clones sent between threads hold it, compact, descriptions left out); within the thread
 * that read the CRD, the validator takes it a level at a time as it walks in (`shallow`): a
 * custom resource sets a few dozen of the thousands of fields a CRD like Prometheus' describes.
 */
function lazySchema(apiVersion: string, kind: string, openAPI: unknown): CrdSchema {
  let whole: Raw | undefined;
  let part: Raw | undefined;
  const out = {
    apiVersion,
    kind,
    get schema() {
      return (whole ??= rootSchema(openAPI, convertSchema));
    },
  };
  shallow.set(out, () => (part ??= rootSchema(openAPI, convertShallow)));
  return out;
}
const shallow = new WeakMap<CrdSchema, () => Raw>();

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
        if (!table.has(key)) table.set(key, shallow.get(s)?.() ?? s.schema);
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
