import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { kustomizationPatchPaths } from '../../core/render/kustomize-patches';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/**
 * Which of `files` are patches listed by a kustomization in their folder or a folder above
 * (patches usually sit beside their kustomization or under it): patch file → kustomization.
 */
export function kustomizePatches(files: readonly string[]): Map<string, string> {
  const byDir = new Map<string, ReadonlyMap<string, string>>();
  const patchesIn = (dir: string): ReadonlyMap<string, string> => {
    let found = byDir.get(dir);
    if (found) return found;
    const map = new Map<string, string>();
    for (const name of KUSTOMIZATION_FILES) {
      const file = join(dir, name);
      if (!existsSync(file)) continue;
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      for (const p of kustomizationPatchPaths(text)) map.set(resolve(dir, p), file);
      break;
    }
    found = map;
    byDir.set(dir, found);
    return found;
  };
  const out = new Map<string, string>();
  for (const file of files) {
    const path = resolve(file);
    for (let dir = dirname(path); ; dir = dirname(dir)) {
      const owner = patchesIn(dir).get(path);
      if (owner) {
        out.set(file, owner);
        break;
      }
      if (dirname(dir) === dir) break;
    }
  }
  return out;
}
