import { DefinitionPageQuery, definitionSortId } from './definitionFilters';
import { KubernetesJobsHint, KubernetesJobsSignal } from './signals';
import { DefinitionLocation, DefinitionSummary, JobRun } from './types';

/*
 * Which hints concern what a page shows: the rules the Jobs tab and page refetch by, here so
 * that the load run's simulated browsers use the very same.
 */

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

/**
 * Whether a message from the signals channel is a hint this plugin understands. The channel
 * is a broadcast anyone on the backend may publish to, so anything else is ignored.
 *
 * @public
 */
export function isKubernetesJobsSignal(
  message: unknown,
): message is KubernetesJobsSignal {
  if (typeof message !== 'object' || message === null) {
    return false;
  }
  const m = message as Record<string, unknown>;
  return (
    (m.type === 'definition' || m.type === 'run' || m.type === 'request') &&
    isString(m.cluster) &&
    isString(m.namespace) &&
    (m.definitionKind === 'Job' || m.definitionKind === 'CronJob') &&
    isString(m.definitionName) &&
    (m.run === undefined || isString(m.run))
  );
}

/**
 * Whether a message from the signals channel is a hint this plugin understands: about a
 * definition or a run ({@link isKubernetesJobsSignal}), or about a cluster's health.
 *
 * @public
 */
export function isKubernetesJobsHint(
  message: unknown,
): message is KubernetesJobsHint {
  if (isKubernetesJobsSignal(message)) return true;
  const m = message as Record<string, unknown> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    m.type === 'cluster' &&
    isString(m.cluster)
  );
}

/** Whether a hint says the health of one of these clusters changed. *
 * @public
 */
export function concernsCluster(
  signal: KubernetesJobsHint,
  clusters: string[],
): boolean {
  return signal.type === 'cluster' && clusters.includes(signal.cluster);
}

function namesDefinition(
  signal: KubernetesJobsHint,
  definition: DefinitionLocation,
): boolean {
  return (
    signal.type !== 'cluster' &&
    signal.cluster === definition.cluster &&
    signal.namespace === definition.namespace &&
    signal.definitionKind === definition.kind &&
    signal.definitionName === definition.name
  );
}

/**
 * Whether a hint is about this definition: the definition itself, or one of its runs. A hint
 * about its run requests is not: they change neither the definition nor its runs (a request
 * that starts a run is followed by a hint about that run).
 *
 * @public
 */
export function concernsDefinition(
  signal: KubernetesJobsHint,
  definition: DefinitionLocation,
): boolean {
  return signal.type !== 'request' && namesDefinition(signal, definition);
}

/** Whether a hint says that a run request of this definition was asked for or changed. *
 * @public
 */
export function concernsRequests(
  signal: KubernetesJobsHint,
  definition: DefinitionLocation,
): boolean {
  return signal.type === 'request' && namesDefinition(signal, definition);
}

/** Whether a hint concerns this run: its definition changed, or the run itself did. *
 * @public
 */
export function concernsRun(signal: KubernetesJobsHint, run: JobRun): boolean {
  const definition: DefinitionLocation = {
    cluster: run.cluster,
    namespace: run.namespace,
    kind: run.definition.kind,
    name: run.definition.name,
  };
  return (
    signal.type !== 'cluster' &&
    concernsDefinition(signal, definition) &&
    (signal.type === 'definition' || signal.run === run.name)
  );
}

/** What one page of the Jobs page shows, for {@link concernsPage}. *
 * @public
 */
export interface ShownPage {
  /** The page's filters, sort and cursor (absent cursor: the first page). */
  query: DefinitionPageQuery;
  /** Its rows, in order. */
  items: DefinitionSummary[];
  /** Whether a page follows it. */
  hasNext: boolean;
  /** The clusters whose state the page shows. */
  clusters: string[];
}

/**
 * Whether a hint may change a page of the Jobs page, so that it refetches; a page refetches
 * for nothing else. The rules:
 *
 * - a cluster's health: when the page shows that cluster;
 * - a definition or run on screen: always;
 * - a definition off screen: when the page's cluster and namespace filters let it in (its owner
 *   and words are not in a hint: assume they may match) and its place in the name sort falls
 *   within the page, so it may appear, move or go; in the `lastRun` sort, a definition that
 *   never ran is last, so only the last page;
 * - a run off screen: only when a run can move its definition into the page, that is with the
 *   last-run filter (within the page's range of names), or in the `lastRun` sort (its
 *   definition jumps to the front, shifting every page);
 * - run requests: never (the page lists Jobs; waiting runs have their own list).
 *
 * The page's total may lag by the definitions that come and go off screen until the next
 * refetch; the rows never do.
 *
 * @public
 */
export function concernsPage(
  signal: KubernetesJobsHint,
  page: ShownPage,
): boolean {
  if (signal.type === 'cluster') {
    return concernsCluster(signal, page.clusters);
  }
  if (signal.type === 'request') {
    return false;
  }
  if (page.items.some(item => concernsDefinition(signal, item.definition))) {
    return true;
  }
  const { query } = page;
  if (query.cluster && query.cluster !== signal.cluster) return false;
  if (query.namespace && query.namespace !== signal.namespace) return false;
  if (query.sort === 'lastRun') {
    return signal.type === 'run' || !page.hasNext;
  }
  if (signal.type === 'run' && !query.state) return false;
  const id = definitionSortId({
    cluster: signal.cluster,
    namespace: signal.namespace,
    name: signal.definitionName,
    kind: signal.definitionKind,
  });
  const first = page.items[0]?.definition;
  const last = page.items[page.items.length - 1]?.definition;
  const afterStart = !query.cursor || !first || id >= definitionSortId(first);
  const beforeEnd = !page.hasNext || !last || id <= definitionSortId(last);
  return afterStart && beforeEnd;
}
