import { CronExpressionParser } from 'cron-parser';

/**
 * The next time a CronJob's schedule fires after `from`, in its time zone (UTC when it names
 * none, as the CronJob controller does), or undefined for a schedule it cannot read.
 */
export function nextScheduleTime(
  schedule: string | undefined,
  timeZone: string | undefined,
  from: Date,
): string | undefined {
  if (!schedule) return undefined;
  try {
    return CronExpressionParser.parse(macro(schedule), {
      tz: timeZone ?? 'UTC',
      currentDate: from,
    })
      .next()
      .toDate()
      .toISOString();
  } catch {
    return undefined;
  }
}

/** Kubernetes accepts the standard macros; the parser wants five fields. */
function macro(schedule: string): string {
  const macros: Record<string, string> = {
    '@yearly': '0 0 1 1 *',
    '@annually': '0 0 1 1 *',
    '@monthly': '0 0 1 * *',
    '@weekly': '0 0 * * 0',
    '@daily': '0 0 * * *',
    '@midnight': '0 0 * * *',
    '@hourly': '0 * * * *',
  };
  return macros[schedule.trim()] ?? schedule;
}
