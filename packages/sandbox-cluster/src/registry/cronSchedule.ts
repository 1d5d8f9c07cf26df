/*
 * CronJob schedule validation with the messages of robfig/cron v3
 * (cron.ParseStandard), which the apiserver uses.
 */

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTHS = [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'oct',
  'nov',
  'dec',
];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const FIELDS: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  {
    min: 1,
    max: 12,
    names: Object.fromEntries(MONTHS.map((m, i) => [m, i + 1])),
  },
  { min: 0, max: 6, names: Object.fromEntries(DAYS.map((d, i) => [d, i])) },
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

class CronError extends Error {}

function mustParseInt(expr: string): number {
  if (!/^[+-]?\d+$/.test(expr)) {
    throw new CronError(
      `failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(
        expr,
      )}: invalid syntax`,
    );
  }
  const num = Number(expr);
  if (num < 0) {
    throw new CronError(`negative number (${num}) not allowed: ${expr}`);
  }
  return num;
}

function parseIntOrName(expr: string, bounds: Bounds): number {
  const named = bounds.names?.[expr.toLowerCase()];
  return named !== undefined ? named : mustParseInt(expr);
}

function checkRange(expr: string, bounds: Bounds) {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = bounds.min;
    end = bounds.max;
  } else {
    start = parseIntOrName(lowAndHigh[0], bounds);
    if (lowAndHigh.length === 1) {
      end = start;
    } else if (lowAndHigh.length === 2) {
      end = parseIntOrName(lowAndHigh[1], bounds);
    } else {
      throw new CronError(`too many hyphens: ${expr}`);
    }
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]);
    if (lowAndHigh.length === 1) {
      end = bounds.max;
    }
  } else if (rangeAndStep.length > 2) {
    throw new CronError(`too many slashes: ${expr}`);
  }
  if (start < bounds.min) {
    throw new CronError(
      `beginning of range (${start}) below minimum (${bounds.min}): ${expr}`,
    );
  }
  if (end > bounds.max) {
    throw new CronError(
      `end of range (${end}) above maximum (${bounds.max}): ${expr}`,
    );
  }
  if (start > end) {
    throw new CronError(
      `beginning of range (${start}) beyond end of range (${end}): ${expr}`,
    );
  }
  if (step === 0) {
    throw new CronError(`step of range should be a positive number: ${expr}`);
  }
}

/**
 * Validates a CronJob schedule. Returns the apiserver's error detail, or
 * undefined when the schedule is valid.
 */
export function validateCronSchedule(schedule: string): string | undefined {
  if (schedule.includes('TZ')) {
    return 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead';
  }
  try {
    if (schedule.startsWith('@')) {
      if (DESCRIPTORS.has(schedule)) {
        return undefined;
      }
      if (schedule.startsWith('@every ')) {
        const duration = schedule.slice('@every '.length);
        if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(duration)) {
          throw new CronError(
            `failed to parse duration ${schedule}: time: invalid duration ${JSON.stringify(
              duration,
            )}`,
          );
        }
        return undefined;
      }
      throw new CronError(`unrecognized descriptor: ${schedule}`);
    }
    const fields = schedule.split(/\s+/).filter(Boolean);
    if (fields.length !== 5) {
      throw new CronError(
        `expected exactly 5 fields, found ${fields.length}: [${fields.join(
          ' ',
        )}]`,
      );
    }
    fields.forEach((field, i) => {
      for (const expr of field.split(',')) {
        checkRange(expr, FIELDS[i]);
      }
    });
    return undefined;
  } catch (e) {
    if (e instanceof CronError) {
      return e.message;
    }
    throw e;
  }
}
