import {
  DefinitionListResponse,
  DefinitionPageQuery,
  JobDefinition,
  distinct,
  matchesDefinition,
  searchWords,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { definitionKeyString } from '../database/RunStore';
import { keyOf } from './cachedReads';
import { PageRow, rowId } from './definitionPage';
import { EntitySelector } from './entitySelector';
import { DefinitionObject } from './model';

/*
 * What a page of the Jobs page is built from before runs count: the definitions the caller may
 * see, as the API shows them, the choices of each filter, and those the definition filters and
 * the search match, in the name order. Kept by the reader while no definition changes.
 */

/** A definition found in a cluster, with the entity that claims it (if any). */
export interface Found {
  cluster: string;
  definition: DefinitionObject;
  selector?: EntitySelector;
}

/** A row of a page being built: the definition found, as paging sees it. */
export type Row = PageRow & {
  found: Found;
  id: string;
  /** Its key among stats. */
  statsId: string;
};

/** What a page is built from before runs count: every visible row, the filters' matches. */
export interface PageBase {
  rows: Row[];
  facets: DefinitionListResponse['facets'];
  /** The rows the definition filters and the search match, in the name order. */
  matching: Row[];
  /**
   * The same rows in the last-run order of the latest page in that sort: the next one starts
   * from it, and runs move few rows between two pages.
   */
  byLastRun?: Row[];
}

/** What of a page query filters on the definitions alone (not runs, not the cursor). */
export function definitionFilters(page: DefinitionPageQuery | undefined) {
  if (!page) return null;
  const { cluster, namespace, owner, search } = page;
  return { cluster, namespace, owner, search };
}

/**
 * Every visible row with its definition as shown, the choices of each filter, and the rows the
 * definition filters and the search match, in the name order.
 */
export function pageBase(
  found: Found[],
  query: DefinitionPageQuery,
  show: (
    cluster: string,
    definition: DefinitionObject,
    selector?: EntitySelector,
  ) => JobDefinition,
): PageBase {
  const rows: Row[] = found.map(f => {
    const key = keyOf(f.cluster, f.definition);
    return {
      found: f,
      key,
      id: rowId(key),
      statsId: definitionKeyString(key),
      definition: show(f.cluster, f.definition, f.selector),
    };
  });
  const facets = {
    clusters: distinct(rows.map(r => r.definition.cluster)),
    namespaces: distinct(rows.map(r => r.definition.namespace)),
    owners: distinct(rows.map(r => r.definition.entityOwnerRef)),
  };
  const words = searchWords(query.search);
  const matching = rows
    .filter(r => matchesDefinition(r.definition, query, words))
    .sort((a, b) => Number(a.id > b.id) - Number(a.id < b.id));
  return { rows, facets, matching };
}

/** Cluster, namespace, name, kind: the list's order and the name sort's keys. */
export function sortFound(found: Found[]): Found[] {
  const id = (f: Found) => rowId(keyOf(f.cluster, f.definition));
  return found
    .map(f => ({ f, id: id(f) }))
    .sort((a, b) => Number(a.id > b.id) - Number(a.id < b.id))
    .map(({ f }) => f);
}
