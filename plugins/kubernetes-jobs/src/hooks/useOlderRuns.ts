import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  DefinitionLocation,
  JobRun,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { kubernetesJobsApiRef } from '../apis';

/** How many older runs one "Show older runs" loads. */
export const HISTORY_PAGE_SIZE = 50;

/** The most runs the backend returns in one page. */
const MAX_PAGE_SIZE = 200;

/**
 * State of {@link useOlderRuns}.
 *
 * @public
 */
export interface OlderRunsState {
  /** The older runs loaded so far, newest first; they follow the first page. */
  runs: JobRun[];
  /** True when there are older runs still to load. */
  hasMore: boolean;
  /** True while a page is being loaded. */
  loading: boolean;
  /** Why the last load failed; cleared by the next one. */
  error?: Error;
  /** Loads the next page of older runs. */
  loadMore: () => void;
}

interface Pages {
  /** Which definition, for which entity, the pages are of. */
  key: string;
  /** The first page's cursor that `runs` follow. */
  after?: string;
  runs: JobRun[];
  nextCursor?: string;
  loading: boolean;
  error?: Error;
}

/**
 * The runs of a definition older than its first page (which comes with its details), loaded a
 * page at a time from the first page's `nextCursor`.
 *
 * @remarks
 * When a new run arrives, the first page moves by one and its cursor with it, which would
 * leave a gap before the older runs already shown. They are then loaded again, as many as
 * were shown, from the new cursor.
 *
 * @public
 */
export function useOlderRuns(
  definition: DefinitionLocation,
  entityRef: string,
  firstPageCursor: string | undefined,
): OlderRunsState {
  const api = useApi(kubernetesJobsApiRef);
  const { cluster, namespace, kind, name } = definition;
  const key = JSON.stringify([cluster, namespace, kind, name, entityRef]);
  const [stored, setPages] = useState<Pages>({ key, runs: [], loading: false });
  const pages: Pages =
    stored.key === key ? stored : { key, runs: [], loading: false };
  // Only the answer to the latest request counts.
  const latest = useRef(0);

  const fetchPage = useCallback(
    async (cursor: string, limit: number, replace: boolean, after?: string) => {
      const request = ++latest.current;
      setPages(p => ({
        ...(p.key === key ? p : { key, runs: [] }),
        loading: true,
        error: undefined,
      }));
      try {
        const page = await api.getRunHistory(
          { cluster, namespace, kind, name },
          entityRef,
          { cursor, limit },
        );
        if (request !== latest.current) return;
        setPages(p => ({
          key,
          after: after ?? p.after,
          runs: replace ? page.items : [...p.runs, ...page.items],
          nextCursor: page.nextCursor,
          loading: false,
        }));
      } catch (error) {
        if (request !== latest.current) return;
        setPages(p => ({
          ...p,
          loading: false,
          error: error instanceof Error ? error : new Error(String(error)),
        }));
      }
    },
    [api, cluster, namespace, kind, name, entityRef, key],
  );

  const shown = pages.runs.length;
  useEffect(() => {
    if (shown === 0 || pages.after === firstPageCursor) {
      return;
    }
    if (firstPageCursor === undefined) {
      // Everything fits on the first page again: nothing older to show.
      latest.current++;
      setPages({ key, runs: [], loading: false });
      return;
    }
    fetchPage(
      firstPageCursor,
      Math.min(shown, MAX_PAGE_SIZE),
      true,
      firstPageCursor,
    );
  }, [firstPageCursor, pages.after, shown, key, fetchPage]);

  const cursor = shown > 0 ? pages.nextCursor : firstPageCursor;
  const loadMore = useCallback(() => {
    if (cursor !== undefined) {
      fetchPage(
        cursor,
        HISTORY_PAGE_SIZE,
        false,
        shown === 0 ? firstPageCursor : undefined,
      );
    }
  }, [cursor, fetchPage, shown, firstPageCursor]);

  return {
    runs: pages.runs,
    hasMore: cursor !== undefined,
    loading: pages.loading,
    error: pages.error,
    loadMore,
  };
}
