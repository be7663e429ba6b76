/**
 * The editor's guard for big files (`shipshape.analysis.maxFileSizeKB`): above the limit a file is
 * reported, not analysed, so typing in a 20 MB manifest never waits for a full analysis. The limit
 * is in bytes, like the workspace index's `stat.size` check, so both agree on which files count.
 */
/** `shipshape.analysis.maxFileSizeKB`'s default, and `shipshape lint --max-file-size`'s. */
export const DEFAULT_MAX_FILE_KB = 2048;

export function sizeLimitNote(text: string, maxBytes: number): string | undefined {
  // A UTF-16 unit takes one to three UTF-8 bytes: most texts are decided without counting.
  if (text.length * 3 <= maxBytes) return undefined;
  const bytes = utf8Length(text);
  if (bytes <= maxBytes) return undefined;
  return `This file is ${kb(bytes)} KB; Shipshape analyses files up to ${kb(maxBytes)} KB in the editor (setting shipshape.analysis.maxFileSizeKB). Use \`shipshape lint --max-file-size KB\` for big files.`;
}

const kb = (bytes: number) => Math.round(bytes / 1024);

/** UTF-8 length without encoding a copy (core has no Buffer; the text may be megabytes). */
export function utf8Length(text: string): number {
  // Manifests are mostly ASCII: a native scan skips to the first other character, if any.
  const first = text.search(/[\u0080-\uffff]/);
  if (first < 0) return text.length;
  let bytes = text.length;
  for (let i = first; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // A surrogate pair: two units, four bytes.
      bytes += 2;
      i++;
    } else bytes += 2;
  }
  return bytes;
}
