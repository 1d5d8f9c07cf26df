import { createHash } from 'node:crypto';
import { DefinitionObject, jobSpecOf } from './model';

/**
 * What an approval is for: a hash of what a run of the definition executes (the Job's spec, or
 * the CronJob's jobTemplate spec), without `suspend` (Run sets it; a pipeline toggles it). Keys
 * are sorted, so the same spec read twice hashes the same.
 */
export function specFingerprint(definition: DefinitionObject): string {
  const { suspend: _ignored, ...spec } = (jobSpecOf(definition) ?? {}) as {
    suspend?: boolean;
  };
  return createHash('sha256').update(stableJson(spec)).digest('hex');
}

function stableJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries
      .map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
