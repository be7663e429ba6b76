import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out']);
const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml']);

/**
 * Expands paths into manifest files: directories are walked for .yaml/.yml (skipping VCS and
 * dependency folders and `*.runbook.yaml`); explicit files are taken whatever their name.
 * Missing paths are reported, not thrown.
 */
export function collectFiles(paths: readonly string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(path);
      } else if (
        entry.isFile() &&
        MANIFEST_EXTENSIONS.has(extname(entry.name)) &&
        !entry.name.endsWith('.runbook.yaml')
      ) {
        files.push(path);
      }
    }
  };
  for (const path of paths) {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) missing.push(path);
    else if (stat.isDirectory()) walk(path);
    else files.push(path);
  }
  return { files: [...new Set(files)], missing };
}

export type ReadResult =
  { readonly text: string; readonly bytes: number } | { readonly error: string; readonly bytes: number };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Reads a manifest as UTF-8. Binary and non-UTF-8 files are reported in plain words. */
export function readManifest(path: string): ReadResult {
  let buffer: Buffer;
  try {
    buffer = readFileSync(path);
  } catch (error) {
    return { error: `cannot read: ${error instanceof Error ? error.message : String(error)}`, bytes: 0 };
  }
  if (buffer.subarray(0, 8192).includes(0))
    return { error: 'binary file (contains NUL bytes), not analysed', bytes: buffer.length };
  try {
    return { text: decoder.decode(buffer), bytes: buffer.length };
  } catch {
    return {
      error: 'not valid UTF-8 (Kubernetes manifests must be UTF-8), not analysed',
      bytes: buffer.length,
    };
  }
}
