export type {
  DefinitionFilters,
  LastRunFilter,
} from '@job-assistant/plugin-kubernetes-jobs-common';
export { filterDefinitions } from '@job-assistant/plugin-kubernetes-jobs-common';

/** Sorted distinct values, for the choices of a filter. */
export function distinct(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => !!v))].sort();
}
