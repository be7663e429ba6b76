/**
 * Helpers for typed webview messages. Both sides validate what arrives: a webview can be
 * scripted by anything that reaches its origin, and the host must not trust its shape either.
 */
export type Guard<T> = (value: unknown) => value is T;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function hasType<K extends string>(
  value: unknown,
  type: K,
): value is { type: K } & Record<string, unknown> {
  return isRecord(value) && value['type'] === type;
}

export const isString = (value: unknown): value is string => typeof value === 'string';
export const isBoundedString =
  (max: number) =>
  (value: unknown): value is string =>
    typeof value === 'string' && value.length <= max;
