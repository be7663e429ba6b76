export interface Row {
  readonly section: string;
  readonly metric: string;
  readonly value: string;
  readonly target?: string;
  readonly verdict?: 'met' | 'missed' | '';
}

export class Report {
  readonly rows: Row[] = [];
  add(row: Row): void {
    this.rows.push(row);
    process.stderr.write(
      `  ${row.section} · ${row.metric}: ${row.value}${row.target ? ` (target ${row.target}${row.verdict ? `: ${row.verdict}` : ''})` : ''}\n`,
    );
  }
  markdown(title: string, notes: readonly string[]): string {
    const lines = [
      `# ${title}`,
      '',
      `Machine: ${notes.join(' · ')}`,
      '',
      '| section | metric | value | target | |',
      '|---|---|---|---|---|',
    ];
    for (const r of this.rows)
      lines.push(
        `| ${r.section} | ${r.metric} | ${r.value} | ${r.target ?? ''} | ${r.verdict === 'met' ? '✅' : r.verdict === 'missed' ? '❌' : ''} |`,
      );
    return `${lines.join('\n')}\n`;
  }
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

export const fmt = (n: number, digits = 1) => n.toFixed(digits);
