import {
  DefinitionSummary,
  RunState,
} from '@job-assistant/plugin-kubernetes-jobs-common';

/** Last-run states a definition can be filtered by; `never` is "never ran". */
export type LastRunFilter = RunState | 'never';

/** The filters of the Jobs page; an absent field does not filter. */
export interface DefinitionFilters {
  cluster?: string;
  namespace?: string;
  state?: LastRunFilter;
  owner?: string;
  /** Words to find in a definition's name, description, component, owner or location. */
  search?: string;
}

/** Keeps the definitions that match every filter (and every word searched for). */
export function filterDefinitions(
  items: DefinitionSummary[],
  filters: DefinitionFilters,
): DefinitionSummary[] {
  const words = (filters.search ?? '')
    .toLocaleLowerCase('en-US')
    .split(/\s+/)
    .filter(Boolean);
  return items.filter(({ definition, stats }) => {
    if (filters.cluster && definition.cluster !== filters.cluster) {
      return false;
    }
    if (filters.namespace && definition.namespace !== filters.namespace) {
      return false;
    }
    if (filters.state) {
      const state = stats.lastRun?.state ?? 'never';
      if (state !== filters.state) {
        return false;
      }
    }
    if (filters.owner && definition.entityOwnerRef !== filters.owner) {
      return false;
    }
    if (words.length > 0) {
      const text = [
        definition.name,
        definition.description,
        definition.entityRef,
        definition.entityOwnerRef,
        definition.namespace,
        definition.cluster,
      ]
        .join(' ')
        .toLocaleLowerCase('en-US');
      return words.every(word => text.includes(word));
    }
    return true;
  });
}

/** Sorted distinct values, for the choices of a filter. */
export function distinct(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => !!v))].sort();
}
