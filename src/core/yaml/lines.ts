/**
 * Offset → line/column, computed lazily: most analyses report a handful of findings, so we do
 * not pay for a line table until the first position is asked for.
 */
export interface Position {
  /** 0-based line. */
  readonly line: number;
  /** 0-based column, in UTF-16 code units (what VS Code and LSP use). */
  readonly character: number;
}

export class LineIndex {
  private starts: number[] | undefined;

  constructor(private readonly text: string) {}

  private table(): number[] {
    if (!this.starts) {
      const starts = [0];
      const text = this.text;
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.starts = starts;
    }
    return this.starts;
  }

  positionAt(offset: number): Position {
    const starts = this.table();
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: clamped - (starts[lo] ?? 0) };
  }

  offsetAt(position: Position): number {
    const starts = this.table();
    const start = starts[Math.min(position.line, starts.length - 1)] ?? 0;
    return Math.min(start + position.character, this.text.length);
  }

  get lineCount(): number {
    return this.table().length;
  }
}
