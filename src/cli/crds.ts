import { collectFiles, readManifest } from '../adapters/fs/files';
import { indexFile, type IndexedObject } from '../core/rules/scope';
import { parseManifestFile } from '../core/yaml/parse';
import { UsageError } from './args';

/**
 * The CustomResourceDefinitions named by `--crds DIR|FILE`: index entries carrying their schemas
 * only (these files are not linted), so custom resources in the linted files are validated
 * against them exactly as against CRDs found among the linted files.
 */
export function crdEntries(paths: readonly string[], err: (s: string) => void): IndexedObject[] {
  if (paths.length === 0) return [];
  const { files, missing } = collectFiles(paths);
  if (missing.length > 0) throw new UsageError(`--crds: no such file or directory: ${missing.join(', ')}`);
  const entries: IndexedObject[] = [];
  for (const path of files) {
    const read = readManifest(path);
    if ('error' in read) {
      err(`shipshape lint: --crds ${path}: ${read.error}\n`);
      continue;
    }
    for (const entry of indexFile(parseManifestFile(read.text), path))
      if (entry.crdSchemas && entry.crdSchemas.length > 0) entries.push(entry);
  }
  if (entries.length === 0)
    err(`shipshape lint: --crds ${paths.join(', ')}: no CustomResourceDefinition with a schema found\n`);
  return entries;
}
