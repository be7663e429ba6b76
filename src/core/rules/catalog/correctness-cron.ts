/**
 * CronJob schedules as the CronJob controller parses them (robfig/cron's standard parser, plus
 * the API server's own rule against time zones in the schedule). Messages follow the API
 * server's wording so a search for the error finds both.
 */

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: ReadonlyMap<string, number>;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: new Map(MONTHS.map((m, i) => [m, i + 1])) },
  // 0–6 only: robfig/cron rejects 7 for Sunday ("end of range (7) above maximum (6)").
  { name: 'day of week', min: 0, max: 6, names: new Map(DAYS.map((d, i) => [d, i])) },
];

const DESCRIPTORS = new Set([
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@midnight',
  '@hourly',
]);
/** Go's time.ParseDuration grammar. */
const GO_DURATION = /^[-+]?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;
const UNSIGNED = /^\+?\d+$/;
const TZ_PREFIX = /^(CRON_TZ|TZ)=(\S*)\s+/;

export interface CronSchedule {
  /** Why the controller cannot parse it; undefined when it can. */
  readonly error?: string;
  /** The `TZ=`/`CRON_TZ=` prefix, when present: parsed, but refused by API servers ≥ 1.29. */
  readonly timeZone?: { readonly zone: string; readonly prefix: string };
}

function number(text: string, field: Field): number | string {
  const named = field.names?.get(text.toLowerCase());
  if (named !== undefined) return named;
  if (!UNSIGNED.test(text)) return `failed to parse int from ${text}`;
  return Number(text);
}

function fieldError(expr: string, field: Field): string | undefined {
  for (const part of expr.split(',')) {
    const rangeAndStep = part.split('/');
    if (rangeAndStep.length > 2) return `too many slashes: ${part}`;
    const lowAndHigh = (rangeAndStep[0] ?? '').split('-');
    let start: number;
    let end: number;
    const star = lowAndHigh[0] === '*' || lowAndHigh[0] === '?';
    if (star) {
      start = field.min;
      end = field.max;
    } else {
      if (lowAndHigh.length > 2) return `too many hyphens: ${part}`;
      const a = number(lowAndHigh[0] ?? '', field);
      if (typeof a === 'string') return a;
      const b = lowAndHigh.length === 2 ? number(lowAndHigh[1] ?? '', field) : a;
      if (typeof b === 'string') return b;
      start = a;
      end = b;
    }
    if (rangeAndStep.length === 2) {
      const step = rangeAndStep[1] ?? '';
      if (!UNSIGNED.test(step)) return `failed to parse int from ${step}`;
      if (Number(step) === 0) return `step of range should be a positive number: ${part}`;
      // "5/15" means 5 to the maximum in steps of 15.
      if (!star && lowAndHigh.length === 1) end = field.max;
    }
    if (start < field.min) return `beginning of range (${start}) below minimum (${field.min}): ${part}`;
    if (end > field.max) return `end of range (${end}) above maximum (${field.max}): ${part}`;
    if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${part}`;
  }
  return undefined;
}

export function parseCronSchedule(schedule: string): CronSchedule {
  let text = schedule.trim();
  let timeZone: CronSchedule['timeZone'];
  const tz = TZ_PREFIX.exec(text);
  if (tz) {
    timeZone = { zone: tz[2] ?? '', prefix: tz[0] };
    text = text.slice(tz[0].length).trim();
  }
  const withZone = (error: string | undefined): CronSchedule => ({
    ...(error ? { error } : {}),
    ...(timeZone ? { timeZone } : {}),
  });
  if (text === '') return withZone('empty spec string');
  if (text.startsWith('@')) {
    if (text.startsWith('@every ')) {
      const duration = text.slice('@every '.length).trim();
      return withZone(GO_DURATION.test(duration) ? undefined : `failed to parse duration ${text}`);
    }
    return withZone(DESCRIPTORS.has(text) ? undefined : `unrecognized descriptor: ${text}`);
  }
  const parts = text.split(/\s+/);
  if (parts.length !== 5)
    return withZone(`expected exactly 5 fields, found ${parts.length}: [${parts.join(' ')}]`);
  for (const [i, part] of parts.entries()) {
    const field = FIELDS[i];
    const error = field ? fieldError(part, field) : undefined;
    if (error) return withZone(`${field?.name ?? 'field'}: ${error}`);
  }
  return withZone(undefined);
}

/** True when the controller can parse the schedule (a time-zone prefix aside). */
export function validCronSchedule(schedule: string): boolean {
  return parseCronSchedule(schedule).error === undefined;
}
