import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { stateFromObjects } from '../../core/k8s/state';
import type { ClusterState } from '../../core/k8s/types';

const MAX_SNAPSHOT_BYTES = 512 * 1024 * 1024;

/**
 * Reads a cluster snapshot: the output of `kubectl get … -A -o json` (a List), a YAML dump, or a
 * folder of such files (a support bundle). Read-only: nothing here talks to a cluster.
 */
export function readSnapshot(path: string): ClusterState {
  return stateFromObjects(readSnapshotObjects(path));
}

/** The snapshot's objects as parsed, before they are grouped (Diagnose also reads Secrets' keys). */
export function readSnapshotObjects(path: string): unknown[] {
  const stat = statSync(path);
  const files = stat.isDirectory()
    ? readdirSync(path)
        .filter((name) => ['.json', '.yaml', '.yml'].includes(extname(name)))
        .sort()
        .map((name) => join(path, name))
    : [path];
  if (files.length === 0) throw new Error(`${path} holds no .json or .yaml snapshot files.`);
  const objects: unknown[] = [];
  let bytes = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    bytes += text.length;
    if (bytes > MAX_SNAPSHOT_BYTES)
      throw new Error(`The snapshot is larger than ${MAX_SNAPSHOT_BYTES / 1024 / 1024} MB.`);
    objects.push(...parseSnapshotText(text, file));
  }
  return objects;
}

export function parseSnapshotText(text: string, name: string): unknown[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const parsed = JSON.parse(text) as unknown;
      return Array.isArray(parsed) ? parsed : [parsed];
    } catch (error) {
      throw new Error(`${name} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const docs = parseAllDocuments(text);
  const bad = docs.find((d) => d.errors.length > 0);
  if (bad) throw new Error(`${name} is not valid YAML: ${bad.errors[0]?.message ?? ''}`);
  return docs.map((d) => d.toJS({ maxAliasCount: 100 }) as unknown).filter((o) => o !== null);
}
