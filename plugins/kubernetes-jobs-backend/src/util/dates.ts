/**
 * The one date helper of the backend: Kubernetes and the database hand out dates as Date
 * objects, ISO strings or (SQLite) numbers; everything the API answers is an ISO string.
 */

/** A Date, or undefined for a missing or unparseable value. */
export function toDate(
  value: Date | string | number | null | undefined,
): Date | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** An ISO 8601 string, or undefined for a missing or unparseable value. */
export function toIso(
  value: Date | string | number | null | undefined,
): string | undefined {
  return toDate(value)?.toISOString();
}

/** Milliseconds since the epoch, 0 for a missing value (sorts first). */
export function timeOf(value: Date | string | number | null | undefined) {
  return toDate(value)?.getTime() ?? 0;
}

/** Milliseconds since the epoch, or undefined for a missing or unparseable value. */
export function toMillis(
  value: Date | string | number | null | undefined,
): number | undefined {
  return toDate(value)?.getTime();
}
