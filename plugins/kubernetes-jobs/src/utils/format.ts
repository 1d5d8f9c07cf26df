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

/**
 * "2 minutes ago", "just now", "3 days ago"; with `numeric: 'always'`, "in 1 day" rather than
 * "tomorrow" (for text that already names the day).
 */
export function formatRelativeTime(
  iso: string | undefined,
  now: number = Date.now(),
  numeric: 'auto' | 'always' = 'auto',
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
  const format = new Intl.RelativeTimeFormat('en', { numeric });
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

/** The user's time zone, as the browser knows it: "Europe/Paris". */
export function userTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * The value of a date and time input (`2026-12-07T02:00`, the browser's local time) as ISO 8601
 * with its offset (`2026-12-07T02:00:00+01:00`), so the backend knows which 02:00 was meant.
 * Undefined when the value is not a date and time.
 */
export function localInputToIso(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) {
    return undefined;
  }
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) {
    return undefined;
  }
  const offset = -time.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${value}:00${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** A time as the value of a date and time input, in the browser's local time. */
export function toLocalInputValue(time: number): string {
  const d = new Date(time);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(
    d.getDate(),
  )}T${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

function zonedParts(time: number, timeZone?: string) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).formatToParts(new Date(time));
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find(p => p.type === type)?.value);
  return {
    day: Date.UTC(part('year'), part('month') - 1, part('day')) / 86_400_000,
    hour: part('hour'),
  };
}

/**
 * When a run is due, in words, from the user's point of view: "tonight at 02:00 (in 6 hours)",
 * "today at 15:00 (in 2 hours)", "tomorrow at 09:00 (in 20 hours)", "on 9 Dec at 02:00 (in 3
 * days)". A night (18:00 to 06:00) that has begun or begins today is "tonight".
 */
export function describeWhen(
  iso: string | undefined,
  options: { now?: number; timeZone?: string } = {},
): string {
  if (!iso) {
    return '';
  }
  const time = Date.parse(iso);
  if (Number.isNaN(time)) {
    return '';
  }
  const now = options.now ?? Date.now();
  const { timeZone } = options;
  const clock = new Date(time).toLocaleTimeString('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  });
  const at = zonedParts(time, timeZone);
  const today = zonedParts(now, timeZone);
  const days = at.day - today.day;
  const night = at.hour >= 18 || at.hour < 6;
  let day: string;
  if (
    time >= now &&
    night &&
    ((days === 0 && (at.hour >= 18 || today.hour < 6)) ||
      (days === 1 && at.hour < 6 && today.hour >= 6))
  ) {
    day = 'tonight';
  } else if (days === 0) {
    day = 'today';
  } else if (days === 1) {
    day = 'tomorrow';
  } else if (days === -1) {
    day = 'yesterday';
  } else {
    day = `on ${new Date(time).toLocaleDateString('en-GB', {
      day: 'numeric',
      month: 'short',
      timeZone,
    })}`;
  }
  return `${day} at ${clock} (${formatRelativeTime(iso, now, 'always')})`;
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

/** A parameter's value as a person reads it: yes/no for a checkbox. */
export function formatParameterValue(value: string | number | boolean): string {
  if (typeof value === 'boolean') {
    return value ? 'Yes' : 'No';
  }
  return String(value);
}
