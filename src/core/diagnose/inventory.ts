import type { APIServiceInfo, ClaimInfo, Inventory, NamedKeys, VolumeInfo } from './types';
import { volumeInfo } from './volumes';

type Plain = Record<string, unknown>;
const isObject = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function keysOf(...maps: unknown[]): string[] | undefined {
  const present = maps.filter(isObject);
  if (present.length === 0) return undefined;
  return [...new Set(present.flatMap((m) => Object.keys(m)))].sort();
}

/**
 * A Secret reduced to namespace, name and key names. The values are never copied: callers that
 * read a full Secret (a `kubectl get secrets -o json` snapshot) pass it through here at once.
 * A PartialObjectMetadata item (no `data`) gives no keys: "keys unknown", not "no keys".
 */
export function secretKeys(secret: unknown): NamedKeys | undefined {
  if (!isObject(secret) || !isObject(secret['metadata'])) return undefined;
  const meta = secret['metadata'];
  const name = str(meta['name']);
  if (!name) return undefined;
  const keys = keysOf(secret['data'], secret['stringData']);
  return { namespace: str(meta['namespace']) ?? '', name, ...(keys ? { keys } : {}) };
}

export function configMapKeys(configMap: unknown): NamedKeys | undefined {
  return secretKeys(
    isObject(configMap)
      ? { metadata: configMap['metadata'], data: configMap['data'], stringData: configMap['binaryData'] }
      : configMap,
  );
}

export function claimInfo(claim: unknown): ClaimInfo | undefined {
  if (!isObject(claim) || !isObject(claim['metadata'])) return undefined;
  const meta = claim['metadata'];
  const name = str(meta['name']);
  if (!name) return undefined;
  const spec = isObject(claim['spec']) ? claim['spec'] : {};
  const status = isObject(claim['status']) ? claim['status'] : {};
  const finalizers = Array.isArray(meta['finalizers'])
    ? meta['finalizers'].filter((f) => typeof f === 'string')
    : [];
  const out: { -readonly [K in keyof ClaimInfo]: ClaimInfo[K] } = {
    namespace: str(meta['namespace']) ?? '',
    name,
  };
  const phase = str(status['phase']);
  if (phase) out.phase = phase;
  const sc = str(spec['storageClassName']);
  if (sc) out.storageClassName = sc;
  const volume = str(spec['volumeName']);
  if (volume) out.volumeName = volume;
  if (finalizers.length) out.finalizers = finalizers;
  const deletion = str(meta['deletionTimestamp']);
  if (deletion) out.deletionTimestamp = deletion;
  return out;
}

/** An APIService reduced to what a stuck namespace needs: its backing Service and Available condition. */
export function apiServiceInfo(apiService: unknown): APIServiceInfo | undefined {
  if (!isObject(apiService) || !isObject(apiService['metadata'])) return undefined;
  const name = str(apiService['metadata']['name']);
  if (!name) return undefined;
  const spec = isObject(apiService['spec']) ? apiService['spec'] : {};
  const service = isObject(spec['service']) ? spec['service'] : undefined;
  const status = isObject(apiService['status']) ? apiService['status'] : {};
  const conditions = Array.isArray(status['conditions']) ? (status['conditions'] as unknown[]) : [];
  const available = conditions.filter(isObject).find((c) => c['type'] === 'Available');
  const reason = str(available?.['reason']);
  const message = str(available?.['message']);
  return {
    name,
    ...(service ? { service: `${str(service['namespace']) ?? ''}/${str(service['name']) ?? ''}` } : {}),
    // No condition yet: not judged, so not blamed.
    available: available?.['status'] !== 'False',
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}

const KINDS = {
  Secret: 'secrets',
  ConfigMap: 'configMaps',
  PersistentVolumeClaim: 'claims',
  PersistentVolume: 'volumes',
  APIService: 'apiServices',
} as const;

/**
 * Secrets, ConfigMaps and PVCs out of snapshot objects (Lists expanded like stateFromObjects).
 * A kind that never appears stays undefined — unknown — so an old snapshot without Secrets does
 * not claim every referenced Secret is missing.
 */
export function inventoryFromObjects(objects: readonly unknown[]): Inventory {
  const found: {
    secrets?: NamedKeys[];
    configMaps?: NamedKeys[];
    claims?: ClaimInfo[];
    volumes?: VolumeInfo[];
    apiServices?: APIServiceInfo[];
  } = {};
  const add = (value: unknown, inferred?: string): void => {
    if (Array.isArray(value)) {
      for (const v of value as unknown[]) add(v, inferred);
      return;
    }
    if (!isObject(value)) return;
    const kind = str(value['kind']) || inferred;
    if (!kind) return;
    if (kind.endsWith('List') && Array.isArray(value['items'])) {
      const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
      if (itemKind && itemKind in KINDS) found[KINDS[itemKind as keyof typeof KINDS]] ??= [];
      for (const item of value['items'] as unknown[]) add(item, itemKind);
      return;
    }
    if (kind === 'Secret') (found.secrets ??= []).push(...opt(secretKeys(value)));
    else if (kind === 'ConfigMap') (found.configMaps ??= []).push(...opt(configMapKeys(value)));
    else if (kind === 'PersistentVolumeClaim') (found.claims ??= []).push(...opt(claimInfo(value)));
    else if (kind === 'PersistentVolume') (found.volumes ??= []).push(...opt(volumeInfo(value)));
    else if (kind === 'APIService') (found.apiServices ??= []).push(...opt(apiServiceInfo(value)));
  };
  for (const o of objects) add(o);
  return found;
}

const opt = <T>(v: T | undefined): T[] => (v === undefined ? [] : [v]);
