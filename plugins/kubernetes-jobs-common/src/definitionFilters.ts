import { DefinitionSummary, RunState } from './types';

/**
 * Last-run states a definition can be filtered by; `never` is "never ran".
 *
 * @public
 */
export type LastRunFilter = RunState | 'never';

/**
 * The filters of the Jobs page; an absent field does not filter. The backend pages with them
 * (`GET /definitions?q=&cluster=&namespace=&owner=&state=`), so the rule is written once.
 *
 * @public
 */
export interface DefinitionFilters {
  /** Only the definitions of this cluster. */
  cluster?: string;
  /** Only those of this namespace. */
  namespace?: string;
  /** Only those whose last run is in this state (`never`: that never ran). */
  state?: LastRunFilter;
  /** Only those of entities owned by this group (an entity ref). */
  owner?: string;
  /** Words to find in a definition's name, description, component, owner or location. */
  search?: string;
}

/**
 * The words of a search, lower-cased: a definition matches when it contains every one.
 *
 * @public
 */
export function searchWords(search: string | undefined): string[] {
  return (search ?? '').toLocaleLowerCase('en-US').split(/\s+/).filter(Boolean);
}

/**
 * Whether a definition matches every filter but the last-run state (which needs its stats):
 * cluster, namespace, owner and every word searched for (in its name, description, component,
 * owner, namespace or cluster). `words` are {@link searchWords} of `filters.search`.
 *
 * @public
 */
export function matchesDefinition(
  definition: DefinitionSummary['definition'],
  filters: DefinitionFilters,
  words: string[] = searchWords(filters.search),
): boolean {
  if (filters.cluster && definition.cluster !== filters.cluster) return false;
  if (filters.namespace && definition.namespace !== filters.namespace) {
    return false;
  }
  if (filters.owner && definition.entityOwnerRef !== filters.owner) {
    return false;
  }
  if (words.length === 0) return true;
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

/**
 * Whether a definition's last run matches the last-run filter.
 *
 * @public
 */
export function matchesLastRun(
  stats: Pick<DefinitionSummary['stats'], 'lastRun'> | undefined,
  state: LastRunFilter | undefined,
): boolean {
  return !state || (stats?.lastRun?.state ?? 'never') === state;
}

/**
 * Keeps the definitions that match every filter (and every word searched for).
 *
 * @public
 */
export function filterDefinitions(
  items: DefinitionSummary[],
  filters: DefinitionFilters,
): DefinitionSummary[] {
  const words = searchWords(filters.search);
  return items.filter(
    ({ definition, stats }) =>
      matchesDefinition(definition, filters, words) &&
      matchesLastRun(stats, filters.state),
  );
}

/**
 * How the Jobs page is sorted: by cluster, namespace and name, or by last run, newest first
 * (those that never ran last).
 *
 * @public
 */
export type DefinitionSort = 'name' | 'lastRun';

/**
 * One page of the Jobs page's list (`GET /definitions?limit=50&cursor=...`).
 *
 * @public
 */
export interface DefinitionPageQuery extends DefinitionFilters {
  /** Rows per page. */
  limit: number;
  /** From the previous page's `nextCursor`; absent for the first page. */
  cursor?: string;
  /** By name when absent. */
  sort?: DefinitionSort;
}

/**
 * A definition's place in the `name` sort, compared as plain strings: cluster, namespace, name,
 * kind. The backend pages with it and the Jobs page reads its hints with it.
 *
 * @public
 */
export function definitionSortId(definition: {
  cluster: string;
  namespace: string;
  name: string;
  kind: string;
}): string {
  return [
    definition.cluster,
    definition.namespace,
    definition.name,
    definition.kind,
  ].join('/');
}

/**
 * Sorted distinct values, empty ones left out: the choices of a filter.
 *
 * @public
 */
export function distinct(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => !!v))].sort();
}
