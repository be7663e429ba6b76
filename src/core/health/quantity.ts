/** Kubernetes resource quantities ("500m", "2", "1Gi", "512Mi", "1e3", "100k") as plain numbers. */
const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;

/** NaN when the text is not a quantity (callers decide what "unknown" means). */
export function parseQuantity(value: string | number | undefined): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return NaN;
  const match = QUANTITY.exec(value.trim());
  if (!match) return NaN;
  return Number(match[1]) * (SUFFIX[match[2] ?? ''] ?? NaN);
}
