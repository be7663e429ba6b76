import { mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** The tool cache that the ensure scripts use (same rule as scripts/lib/cache.mjs#cacheRoot). */
export function sharedCacheRoot(): string {
  return (
    process.env['SHIPSHAPE_CACHE'] ??
    join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'shipshape')
  );
}

/**
 * An empty tool cache, as on a new machine, except that the control-plane builds are linked in
 * from the shared cache: a cold Go build costs minutes and its bootstrap is exercised by CI's
 * first run anyway, while code-server's install is what broke on new machines.
 */
export function freshCache(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-cache-'));
  const shared = sharedCacheRoot();
  let names: string[] = [];
  try {
    names = readdirSync(shared);
  } catch {
    return dir;
  }
  for (const name of names) {
    if (name.startsWith('testcluster-') && !name.endsWith('.lock')) {
      symlinkSync(join(shared, name), join(dir, name));
    }
  }
  return dir;
}
