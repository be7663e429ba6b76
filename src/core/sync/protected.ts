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
