/**
 * Strings in code-unit order: the same on every machine, unlike localeCompare (which follows the
 * locale, and whose first call loads ICU's collator).
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
