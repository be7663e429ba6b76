/** "87.1%", "100%", "–" for nothing to count. */
export function formatPercent(value: number | null): string {
  if (value === null) return '–';
  if (value >= 99.95 && value < 100) return '99.9%';
  return `${value.toFixed(1).replace(/\.0$/, '')}%`;
}
