/**
 * Whether a context needs its name typed before anything is applied to it. A pattern with `*` is
 * a glob over the whole name; a plain word matches the name or one of its parts split at
 * `-_.:/@` (so `prod` protects `prod`, `eu-prod-1` and `prod@acme`, not `product-demo`).
 * Matching ignores case.
 */
export function isProtectedContext(name: string, patterns: readonly string[]): boolean {
  const lower = name.toLowerCase();
  const parts = lower.split(/[-_.:/@\s]+/);
  return patterns.some((raw) => {
    const pattern = raw.trim().toLowerCase();
    if (!pattern) return false;
    if (pattern.includes('*')) {
      const source = pattern
        .split('*')
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*');
      return new RegExp(`^${source}$`).test(lower);
    }
    return lower === pattern || parts.includes(pattern);
  });
}

/** A kubeconfig context as protection sees it: its name and its cluster's server URL. */
export interface ContextIdentity {
  readonly name: string;
  readonly server?: string;
}

/** Server URLs compare without case and trailing slashes (`https://API.x:6443/` is `https://api.x:6443`). */
const normalServer = (server: string) => server.trim().toLowerCase().replace(/\/+$/, '');

/**
 * Whether writes to `context` need its name typed. Entries are names, words, globs or server
 * URLs. Matching the name alone is not enough: `kubectl config rename-context` would let a
 * production cluster slip through, so a context is also protected when its server URL matches
 * an entry, or is the server of any context (`contexts`: all known ones) whose name is protected.
 */
export function contextIsProtected(
  context: ContextIdentity,
  entries: readonly string[],
  contexts: readonly ContextIdentity[],
): boolean {
  if (isProtectedContext(context.name, entries)) return true;
  if (!context.server) return false;
  const server = normalServer(context.server);
  if (!server) return false;
  if (entries.some((e) => e.trim() && normalServer(e) === server)) return true;
  if (isProtectedContext(server, entries)) return true;
  return contexts.some(
    (c) => c.server && normalServer(c.server) === server && isProtectedContext(c.name, entries),
  );
}
