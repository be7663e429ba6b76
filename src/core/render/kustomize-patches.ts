import { parse } from 'yaml';

/**
 * The patch files a kustomization names (relative to its folder): `patches:` entries with a
 * `path` (or, in old kustomizations, bare strings) and `patchesStrategicMerge:` file names (inline
 * patches are YAML text, not files). A patch is a fragment of an object: linted on its own it
 * reads as a Deployment missing everything (13 findings on a 10-line patch).
 */
export function kustomizationPatchPaths(text: string): string[] {
  let k: unknown;
  try {
    k = parse(text);
  } catch {
    return [];
  }
  if (!k || typeof k !== 'object') return [];
  const list = (key: string): unknown[] => {
    const value = (k as Record<string, unknown>)[key];
    return Array.isArray(value) ? value : [];
  };
  const isFile = (p: unknown): p is string => typeof p === 'string' && p.length > 0 && !p.includes('\n');
  return [
    ...list('patches').flatMap((p) => {
      const path = isFile(p) ? p : (p as { path?: unknown } | null)?.path;
      return isFile(path) ? [path] : [];
    }),
    ...list('patchesStrategicMerge').filter(isFile),
  ];
}
