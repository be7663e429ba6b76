/** Cron schedules as the CronJob controller (robfig/cron, standard parser) accepts them. */
const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const FIELDS: readonly { min: number; max: number; names?: readonly string[] }[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  {
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  { min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

function value(text: string, field: (typeof FIELDS)[number]): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const i = field.names?.indexOf(text.toUpperCase()) ?? -1;
  return i >= 0 ? i + (field.min === 1 ? 1 : 0) : undefined;
}

function validField(text: string, field: (typeof FIELDS)[number]): boolean {
  return text.split(',').every((part) => {
    const [range = '', step, extra] = part.split('/');
    if (extra !== undefined || (step !== undefined && !/^\d+$/.test(step)) || step === '0') return false;
    if (range === '*' || range === '?') return true;
    const [from = '', to, more] = range.split('-');
    if (more !== undefined) return false;
    const a = value(from, field);
    const b = to === undefined ? a : value(to, field);
    return a !== undefined && b !== undefined && a >= field.min && b <= field.max && a <= b;
  });
}

export function validCronSchedule(schedule: string): boolean {
  const text = schedule.trim().replace(/^(CRON_)?TZ=\S+\s+/, '');
  if (MACROS.has(text)) return true;
  if (text.startsWith('@every ')) return /^@every\s+(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text);
  const parts = text.split(/\s+/);
  return parts.length === 5 && parts.every((p, i) => validField(p, FIELDS[i] ?? FIELDS[0]!));
}
