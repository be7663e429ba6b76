import type { ObjectMeta } from './types';
import { stableJson } from '../text/stable-json';

/**
 * What the drift lens compares to know that an object changed in a way a check could see:
 * `metadata.generation` (the API server bumps it on every spec change, never on a status write),
 * the labels and the annotations. A status-only write (a Deployment's `readyReplicas`, an Argo CD
 * Application's sync result) changes the resourceVersion but not this mark.
 */

/** Written by kubectl and controllers alongside a spec change; never compared by a check either. */
export const NOISY_ANNOTATIONS: readonly string[] = [
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
];

/**
 * A digest of an object's annotations. The explorer's slim projection keeps only a few
 * annotations (memory); it keeps this digest of all of them so that the mark of a watched object
 * equals the mark of the full object a check read.
 */
export function annotationsDigest(annotations: Readonly<Record<string, string>> | undefined): string {
  const kept = Object.entries(annotations ?? {})
    .filter(([k]) => !NOISY_ANNOTATIONS.includes(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return kept.length === 0 ? '-' : fnv1a(JSON.stringify(kept));
}

export function changeMark(object: { readonly metadata?: ObjectMeta; readonly spec?: unknown }): string {
  const meta = object.metadata ?? {};
  const annotations = meta.annotationsDigest ?? annotationsDigest(meta.annotations);
  // Kinds without a generation (Service, Namespace, ResourceQuota) change their spec without one.
  const spec = meta.generation === undefined ? fnv1a(stableJson(object.spec ?? null)) : '';
  return `${meta.generation ?? '-'}|${fnv1a(stableJson(meta.labels ?? {}))}|${annotations}|${spec}`;
}

/** FNV-1a, 32 bits: a fingerprint to compare, not a security hash. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16);
}
