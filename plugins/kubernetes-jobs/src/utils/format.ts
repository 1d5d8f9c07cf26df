import cronstrue from 'cronstrue';
/** "45 s", "3 min 20 s", "2 h 5 min". */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) {
    return '';
  }
  const total = Math.round(seconds);
  if (total < 60) {
    return `${total} s`;
  }
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = total % 60;
  if (hours > 0) {
    return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  }
  return secs > 0 ? `${minutes} min ${secs} s` : `${minutes} min`;
}

const RELATIVE_UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
];

/** "2 minutes ago", "just now", "3 days ago". */
export function formatRelativeTime(
  iso: string | undefined,
  now: number = Date.now(),
): string {
  if (!iso) {
    return '';
  }
  const time = Date.parse(iso);
  if (Number.isNaN(time)) {
    return '';
  }
  const deltaSeconds = Math.round((time - now) / 1000);
  if (Math.abs(deltaSeconds) < 45) {
    return 'just now';
  }
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of RELATIVE_UNITS) {
    if (Math.abs(deltaSeconds) >= size) {
      return format.format(Math.round(deltaSeconds / size), unit);
    }
  }
  return format.format(Math.round(deltaSeconds / 60), 'minute');
}

/** A full local date and time, for tooltips and detail views. */
export function formatTimestamp(iso: string | undefined): string {
  if (!iso) {
    return '';
  }
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) {
    return '';
  }
  return time.toLocaleString('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'medium',
  });
}

/** A space that never breaks a line: a number and its unit stay together ("100 %"). */
export const NBSP = '\u00a0';

/** "67 %" from a 0..1 ratio, with a non-breaking space. */
export function formatPercent(ratio: number | undefined): string {
  if (ratio === undefined || !Number.isFinite(ratio)) {
    return '';
  }
  return `${Math.round(ratio * 100)}${NBSP}%`;
}

/**
 * A short date and time for headings and lists: "2 Dec 10:04", with the year when it is not
 * this year ("2 Dec 2024 10:04").
 */
export function formatShortDateTime(
  iso: string | undefined,
  options: { now?: number; timeZone?: string } = {},
): string {
  if (!iso) {
    return '';
  }
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) {
    return '';
  }
  const { timeZone } = options;
  const year = (d: Date) =>
    d.toLocaleDateString('en-GB', { year: 'numeric', timeZone });
  const sameYear = year(time) === year(new Date(options.now ?? Date.now()));
  const date = time.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    ...(sameYear ? {} : { year: 'numeric' }),
    timeZone,
  });
  const clock = time.toLocaleTimeString('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  });
  return `${date} ${clock}`;
}

/** "1 attempt", "3 attempts". */
export function plural(count: number, singular: string, pluralForm?: string) {
  return `${count} ${count === 1 ? singular : pluralForm ?? `${singular}s`}`;
}

const WEEKDAYS = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
];

function isNumberIn(value: string, max: number): boolean {
  return /^\d+$/.test(value) && Number(value) <= max;
}

/** The macros Kubernetes accepts in a CronJob's schedule. */
const MACROS: Record<string, string> = {
  '@hourly': 'every hour, on the hour',
  '@daily': 'every day at 00:00',
  '@midnight': 'every day at 00:00',
  '@weekly': 'every Sunday at 00:00',
  '@monthly': 'on the first day of every month at 00:00',
  '@yearly': 'every 1 January at 00:00',
  '@annually': 'every 1 January at 00:00',
};

/**
 * Describes a cron schedule in words: the common cases (hourly, daily, weekly) and Kubernetes'
 * macros in our own words, others in cronstrue's, and the expression itself for anything else.
 */
export function describeSchedule(schedule: string, timeZone?: string): string {
  const zone = timeZone ? ` (${timeZone})` : '';
  const macro = MACROS[schedule.trim()];
  if (macro) {
    return `${macro}${zone}`;
  }
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) {
    return `on schedule "${schedule}"${zone}`;
  }
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields;
  const at = () => `${hour.padStart(2, '0')}:${minute.padStart(2, '0')}`;
  if (dayOfMonth === '*' && month === '*' && isNumberIn(minute, 59)) {
    if (hour === '*' && dayOfWeek === '*') {
      return `every hour at minute ${minute}`;
    }
    if (isNumberIn(hour, 23)) {
      if (dayOfWeek === '*') {
        return `every day at ${at()}${zone}`;
      }
      if (isNumberIn(dayOfWeek, 7)) {
        return `every ${WEEKDAYS[Number(dayOfWeek) % 7]} at ${at()}${zone}`;
      }
    }
  }
  return describeWithCronstrue(schedule, zone);
}

/** Any other schedule, in cronstrue's words ("every 15 minutes, Monday through Friday"). */
function describeWithCronstrue(schedule: string, zone: string): string {
  if (!schedule.trim().startsWith('@')) {
    try {
      const words = cronstrue.toString(schedule, {
        use24HourTimeFormat: true,
        throwExceptionOnParseError: true,
      });
      return `${words.charAt(0).toLowerCase()}${words.slice(1)}${zone}`;
    } catch {
      // Not a schedule cronstrue understands: show it as written.
    }
  }
  return `on schedule "${schedule}"${zone}`;
}
