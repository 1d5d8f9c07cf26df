import {
  DefinitionListResponse,
  DefinitionLocation,
  DefinitionPageQuery,
  definitionSortId,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { definitionKeyString } from '../database/RunStore';
import { ChangedDefinition } from '../tracker/changedDefinitions';
import {
  compareRows,
  decodeCursor,
  lastRunTime,
} from '../service/definitionPage';

/** What a list answer shows, as far as a later change of runs or history could alter it. */
export interface AnswerDeps {
  /** The definitions it shows, by their history key, with the last run each shows. */
  shown: Map<string, string | undefined>;
  /** Stats made from the clusters alone (history down): any run of a row counts. */
  fromClusters: boolean;
  /** For one page: the question, whether pages follow, and the last row's place. */
  page?: {
    query: DefinitionPageQuery;
    hasNext: boolean;
    last?: { id: string; at: number | null };
  };
}

/** The history key of a definition as an answer shows it. */
function locationOf(definition: {
  cluster: string;
  namespace: string;
  kind: DefinitionLocation['kind'];
  name: string;
}): DefinitionLocation {
  const { cluster, namespace, kind, name } = definition;
  return { cluster, namespace, kind, name };
}

/** What `answer` (to `page`, or a whole list) depends on among runs and history. */
export function answerDeps(
  answer: DefinitionListResponse,
  page: DefinitionPageQuery | undefined,
): AnswerDeps {
  const shown = new Map(
    answer.items.map(i => [
      definitionKeyString(locationOf(i.definition)),
      i.stats.lastRun?.name,
    ]),
  );
  const fromClusters = Boolean(answer.historyUnavailable);
  if (!page) return { shown, fromClusters };
  const lastItem = answer.items[answer.items.length - 1];
  return {
    shown,
    fromClusters,
    page: {
      query: page,
      hasNext: Boolean(answer.nextCursor),
      last: lastItem && {
        id: definitionSortId(lastItem.definition),
        at: lastRunTime(lastItem.stats) ?? null,
      },
    },
  };
}

/**
 * Whether an answer still shows what it would if built now, when only the runs or history of
 * `changed` definitions moved since it was built (the definitions themselves, who may see them
 * and the clusters' health unchanged: the caller checks those first).
 *
 * - A definition it shows changed: no, unless only one of its runs changed in a cluster and it
 *   is not the run the answer shows as its last (history, not the cluster, gives the rest of a
 *   row: a write to it comes as a change of its own).
 * - An entity's tab, the whole list, a page by name without a last-run filter: the others do
 *   not change it (they are not among its rows, and the count of rows stays).
 * - Another definition whose run changed only in a cluster does not move in a page either:
 *   where it goes (its last run, that run's state) comes from history.
 * - A page with a last-run filter: history written elsewhere may change which definitions
 *   match: no.
 * - A page by last run: another definition whose history was written and that now sorts before
 *   the cursor, or after the page's last row while more pages follow, leaves it as it is; one
 *   that now sorts within it (or may: history cannot be read) does not.
 *
 * Linear in `changed`.
 */
export async function stillShown(
  deps: AnswerDeps,
  changed: ChangedDefinition[],
  lastRunTimes: (
    keys: DefinitionLocation[],
  ) => Promise<Map<string, number | undefined> | undefined>,
): Promise<boolean> {
  const elsewhere: ChangedDefinition[] = [];
  for (const c of changed) {
    const id = definitionKeyString(c);
    if (!deps.shown.has(id)) {
      elsewhere.push(c);
      continue;
    }
    const shownRun = deps.shown.get(id);
    if (c.run === undefined || deps.fromClusters || c.run === shownRun) {
      return false;
    }
  }
  // Where a definition goes in a page (its last run, its last run's state) comes from
  // history: a run of another definition that changed only in a cluster does not move it.
  const written = elsewhere.filter(c => c.run === undefined);
  if (!written.length || !deps.page) return true;
  const { query, hasNext, last } = deps.page;
  if (query.state) return false;
  if (query.sort !== 'lastRun') return true;
  const times = await lastRunTimes(written);
  if (!times) return false;
  const after = query.cursor
    ? decodeCursor(query.cursor, 'lastRun')
    : undefined;
  return written.every(c => {
    const place = {
      id: definitionSortId(c),
      at: times.get(definitionKeyString(c)) ?? null,
    };
    if (after && compareRows('lastRun', place, after) <= 0) return true;
    return Boolean(hasNext && last && compareRows('lastRun', place, last) > 0);
  });
}
