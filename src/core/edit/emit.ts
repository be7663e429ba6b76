import { stringify } from 'yaml';

/** A value with a trailing `# comment` on its line (scaffold fixes mark their guesses with TODO). */
export class Commented {
  constructor(
    readonly value: Scalarish,
    readonly comment: string,
  ) {}
}
export type Scalarish = string | number | boolean | null;
export type Emittable = Scalarish | Commented | readonly Emittable[] | { readonly [key: string]: Emittable };

export interface Style {
  /** Spaces per nesting level (detected from the file; 2 when unknown). */
  readonly unit: number;
  /** Whether block sequences under a key are indented (`key:\n  - a`) or not (`key:\n- a`). */
  readonly indentSeq: boolean;
  readonly eol: string;
}

export function isPlainObject(value: unknown): value is { readonly [key: string]: Emittable } {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Commented)
  );
}

/** A scalar as YAML would write it in block context: quoted only when it must be. */
export function scalarText(value: Scalarish): string {
  return stringify(value, { lineWidth: 0 }).replace(/\n$/, '');
}

function trailing(value: Emittable): string {
  return value instanceof Commented ? `  # ${value.comment}` : '';
}

function leaf(value: Emittable): string {
  return scalarText(value instanceof Commented ? value.value : (value as Scalarish));
}

function isCollection(value: Emittable): boolean {
  return Array.isArray(value) || isPlainObject(value);
}

function isEmpty(value: Emittable): boolean {
  return (
    (Array.isArray(value) && value.length === 0) || (isPlainObject(value) && Object.keys(value).length === 0)
  );
}

/**
 * Emits `key: value` lines at `indent` columns. Our own tiny emitter (values are small and
 * plain) so the text follows the file's indentation and sequence style exactly, which a
 * general-purpose stringifier cannot promise.
 */
export function emitPair(key: string, value: Emittable, indent: number, style: Style): string {
  const pad = ' '.repeat(indent);
  const k = scalarText(key);
  if (isEmpty(value)) return `${pad}${k}: ${Array.isArray(value) ? '[]' : '{}'}${style.eol}`;
  if (!isCollection(value)) return `${pad}${k}: ${leaf(value)}${trailing(value)}${style.eol}`;
  if (Array.isArray(value)) {
    const childIndent = style.indentSeq ? indent + style.unit : indent;
    return `${pad}${k}:${style.eol}${emitSeqItems(value, childIndent, style)}`;
  }
  return `${pad}${k}:${style.eol}${emitMapBody(value as { readonly [key: string]: Emittable }, indent + style.unit, style)}`;
}

export function emitMapBody(
  value: { readonly [key: string]: Emittable },
  indent: number,
  style: Style,
): string {
  return Object.entries(value)
    .map(([k, v]) => emitPair(k, v, indent, style))
    .join('');
}

export function emitSeqItems(items: readonly Emittable[], indent: number, style: Style): string {
  const pad = ' '.repeat(indent);
  return items
    .map((item) => {
      if (isPlainObject(item) && !isEmpty(item)) {
        // "- " then the first key on the same line, the rest aligned under it.
        const body = emitMapBody(item, indent + 2, style);
        return `${pad}- ${body.slice(indent + 2)}`;
      }
      if (Array.isArray(item) && !isEmpty(item))
        return `${pad}-${style.eol}${emitSeqItems(item, indent + style.unit, style)}`;
      return `${pad}- ${isEmpty(item) ? (Array.isArray(item) ? '[]' : '{}') : leaf(item)}${trailing(item)}${style.eol}`;
    })
    .join('');
}

/** A value in flow style (`{a: 1, b: [x]}`), for insertion into an existing flow collection. */
export function emitFlow(value: Emittable): string {
  if (value instanceof Commented) return scalarText(value.value);
  if (Array.isArray(value)) return `[${value.map(emitFlow).join(', ')}]`;
  if (isPlainObject(value)) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${scalarText(k)}: ${emitFlow(v)}`)
      .join(', ')}}`;
  }
  return scalarText(value as Scalarish);
}
