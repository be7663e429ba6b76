import { objectsOf, type ManifestObject } from './objects';
import type { ManifestFile } from '../yaml/parse';

export interface ObjectName {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/**
 * The object of a file a live object comes from: same kind and name, and the same namespace
 * when the manifest names one (a manifest without a namespace is applied wherever it is aimed).
 */
export function findObject(file: ManifestFile, ref: ObjectName): ManifestObject | undefined {
  const matches = objectsOf(file).filter(
    (o) =>
      o.identity.kind === ref.kind &&
      o.identity.name === ref.name &&
      (o.identity.namespace === undefined ||
        ref.namespace === undefined ||
        o.identity.namespace === ref.namespace),
  );
  return matches.find((o) => o.identity.namespace === ref.namespace) ?? matches[0];
}
