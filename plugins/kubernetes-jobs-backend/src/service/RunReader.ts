import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import {
  DefinitionLocation,
  JobRun,
  RunHistoryPage,
  RunLocation,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { HISTORY_UNAVAILABLE } from '../database/ConnectingRunStore';
import {
  CachedReadsOptions,
  cachedDefinition,
  keyOf,
  mergeLive,
  placeOf,
  syncTimeoutOf,
  withLive,
} from './cachedReads';
import { EntitySelector, selects } from './entitySelector';
import { definitionRef, isDefinition, toJobRun } from './model';
import { definitionOfRun } from './ownership';

/**
 * Runs: one run, live from the watch cache or from history once its Job is gone, and the pages
 * of a definition's history. Like every read, no request to any apiserver and no write to the
 * database.
 */
export class RunReader {
  constructor(private readonly options: CachedReadsOptions) {}

  /** A run: live from the cache, or from history once its Job is gone. */
  async getRun(
    selector: EntitySelector,
    location: RunLocation,
  ): Promise<JobRun> {
    const cache = this.options.caches.get(location.cluster);
    const view = await cache.view(
      'Job',
      location.namespace,
      syncTimeoutOf(this.options),
    );
    if (view.problems.length) throw view.problems[0];
    const job = cache.get('Job', location.namespace, location.name);
    const record = await this.options.store.findRun(location).catch(error => {
      this.options.history.failed(error);
      return undefined;
    });
    if (job) {
      const definition = await definitionOfRun(
        selector,
        location,
        job,
        async (kind, namespace, name) =>
          cachedDefinition(this.options, cache, selector, {
            cluster: location.cluster,
            namespace,
            kind,
            name,
          }),
        this.options.annotationKey,
      );
      const run = toJobRun(location.cluster, job, definitionRef(definition));
      return record?.uid === run.uid ? mergeLive(record, run) : run;
    }
    const definition =
      record &&
      cache.get(
        record.definitionKey.kind,
        record.definitionKey.namespace,
        record.definitionKey.name,
      );
    const belongs =
      record &&
      ((definition &&
        isDefinition(definition, this.options.annotationKey) &&
        selects(selector, placeOf(location.cluster, definition))) ||
        record.entityRef === selector.entityRef);
    if (!record || !belongs) {
      throw new NotFoundError(
        `Run '${location.name}' in namespace '${location.namespace}' on cluster '${location.cluster}' not found`,
      );
    }
    const { definitionKey: _key, entityRef: _ref, ...run } = record;
    return run;
  }

  /** A page of a definition's runs, newest first, including runs whose Job is gone. */
  async history(
    selector: EntitySelector,
    location: DefinitionLocation,
    options: { limit: number; cursor?: string },
  ): Promise<RunHistoryPage> {
    const cache = this.options.caches.get(location.cluster);
    const definition = await cachedDefinition(
      this.options,
      cache,
      selector,
      location,
    );
    let page;
    try {
      page = await this.options.store.listRuns(
        keyOf(location.cluster, definition),
        { limit: options.limit, before: options.cursor },
      );
    } catch (error) {
      this.options.history.failed(error);
      throw new ServiceUnavailableError(HISTORY_UNAVAILABLE);
    }
    return {
      items: page.runs.map(r => withLive(cache, r)),
      nextCursor: page.nextCursor,
    };
  }
}
