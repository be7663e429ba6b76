/**
 * A function of a text, remembered for the last `size` texts (least recently used goes first).
 * A save re-lints a whole chart though most of its files did not change: their parses and
 * indexes are the same objects as last time. Only for results nobody mutates.
 */
export function memoByText<T>(size: number, compute: (text: string) => T): (text: string) => T {
  const kept = new Map<string, T>();
  return (text) => {
    const known = kept.get(text);
    if (known !== undefined) {
      kept.delete(text);
      kept.set(text, known);
      return known;
    }
    const value = compute(text);
    kept.set(text, value);
    if (kept.size > size) kept.delete(kept.keys().next().value as string);
    return value;
  };
}
