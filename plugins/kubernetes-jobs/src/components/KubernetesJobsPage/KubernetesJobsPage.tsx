import { useState } from 'react';
import { Route, Routes, useSearchParams } from 'react-router-dom';
import useDebounce from 'react-use/esm/useDebounce';
import { Content, EmptyState, Header, Page } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Typography from '@material-ui/core/Typography';
import {
  DefinitionPageQuery,
  DefinitionSort,
  DefinitionSummary,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { useCurrentUser } from '../../hooks/useCurrentUser';
import { useDefinitions } from '../../hooks/useDefinitions';
import { usePendingRunRequests } from '../../hooks/usePendingRunRequests';
import { DefinitionFilters, LastRunFilter } from '../../utils/filters';
import { laggingClusters } from '../../utils/clusters';
import { definitionPath } from '../../utils/paths';
import { DefinitionActions } from '../DefinitionActions/DefinitionActions';
import { DefinitionListNotices } from '../DefinitionListNotices/DefinitionListNotices';
import {
  DefinitionFiltersBar,
  hasFilters,
} from '../DefinitionFiltersBar/DefinitionFiltersBar';
import { DefinitionsTable } from '../DefinitionsTable/DefinitionsTable';
import { DefinitionRoute } from '../DefinitionRoute/DefinitionRoute';
import { JobsErrorPanel } from '../JobsErrorPanel/JobsErrorPanel';
import { RunRequestsList } from '../RunRequestsList/RunRequestsList';
import { SlowProgress } from '../SlowProgress/SlowProgress';

/** The filters' query parameters; the search is `q`, as in the catalog. */
const FILTER_PARAMS = {
  cluster: 'cluster',
  namespace: 'namespace',
  state: 'state',
  owner: 'owner',
  search: 'q',
} as const satisfies Record<keyof DefinitionFilters, string>;

/** The "Waiting for my approval" filter's query parameter (`waiting=me`). */
const WAITING_PARAM = 'waiting';

/** Rows per page of the Jobs page; the backend pages (`GET /definitions?limit=`). */
export const JOBS_PAGE_SIZE = 50;

/** The sort's query parameter (`sort=lastRun`; by name when absent). */
const SORT_PARAM = 'sort';

/** How long the search waits for typing to pause before asking the backend. */
const SEARCH_DELAY_MS = 300;

function readFilters(params: URLSearchParams): DefinitionFilters {
  return {
    cluster: params.get(FILTER_PARAMS.cluster) ?? undefined,
    namespace: params.get(FILTER_PARAMS.namespace) ?? undefined,
    state:
      (params.get(FILTER_PARAMS.state) as LastRunFilter | null) ?? undefined,
    owner: params.get(FILTER_PARAMS.owner) ?? undefined,
    search: params.get(FILTER_PARAMS.search) ?? undefined,
  };
}

function NoMatch(props: { onClear: () => void }) {
  return (
    <EmptyState
      missing="data"
      title="No Jobs match these filters"
      description="Other Jobs are hidden by the search or the filters above."
      action={
        <Button variant="outlined" color="primary" onClick={props.onClear}>
          Clear filters
        </Button>
      }
    />
  );
}

/** "1–50 of 1,000" and the way to the previous and next pages. */
function Pager(props: {
  first: number;
  shown: number;
  total: number;
  onPrevious?: () => void;
  onNext?: () => void;
}) {
  const { first, shown, total, onPrevious, onNext } = props;
  if (!onPrevious && !onNext) {
    return null;
  }
  const count = (n: number) => n.toLocaleString('en-US');
  return (
    <Box
      component="nav"
      aria-label="Pages of Jobs"
      display="flex"
      alignItems="center"
      justifyContent="flex-end"
      style={{ gap: 8 }}
    >
      <Typography variant="body2" role="status">
        {count(first)}–{count(first + shown - 1)} of {count(total)}
      </Typography>
      <Button size="small" disabled={!onPrevious} onClick={onPrevious}>
        Previous page
      </Button>
      <Button size="small" disabled={!onNext} onClick={onNext}>
        Next page
      </Button>
    </Box>
  );
}

function AllDefinitions() {
  const forMe = usePendingRunRequests({ waitingForMe: true });
  const currentUser = useCurrentUser();
  // Filters live in the URL, so a filtered list can be bookmarked and shared.
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = readFilters(searchParams);
  const sort: DefinitionSort =
    searchParams.get(SORT_PARAM) === 'lastRun' ? 'lastRun' : 'name';
  const onlyWaitingForMe = searchParams.get(WAITING_PARAM) === 'me';
  const waitingForMe = forMe.value?.items ?? [];

  // The backend is asked once typing pauses, not at every key.
  const [search, setSearch] = useState(filters.search);
  useDebounce(() => setSearch(filters.search), SEARCH_DELAY_MS, [
    filters.search,
  ]);
  // The cursors of the pages before this one: Previous goes back one, new filters start over.
  const query = { ...filters, search, sort };
  const queryKey = JSON.stringify(query);
  const [cursors, setCursors] = useState<{ key: string; stack: string[] }>({
    key: queryKey,
    stack: [],
  });
  const stack = cursors.key === queryKey ? cursors.stack : [];
  const page: DefinitionPageQuery = {
    ...query,
    limit: JOBS_PAGE_SIZE,
    ...(stack.length ? { cursor: stack[stack.length - 1] } : {}),
  };
  const { value, error, retry } = useDefinitions({ page });

  if (error && !value) {
    return <JobsErrorPanel error={error} />;
  }
  if (!value) {
    return <SlowProgress />;
  }

  const setFilters = (
    next: DefinitionFilters,
    waiting = onlyWaitingForMe,
    nextSort = sort,
  ) => {
    const params = new URLSearchParams(searchParams);
    if (waiting) {
      params.set(WAITING_PARAM, 'me');
    } else {
      params.delete(WAITING_PARAM);
    }
    if (nextSort === 'lastRun') {
      params.set(SORT_PARAM, nextSort);
    } else {
      params.delete(SORT_PARAM);
    }
    for (const [key, param] of Object.entries(FILTER_PARAMS)) {
      const v = next[key as keyof DefinitionFilters];
      if (v) {
        params.set(param, v);
      } else {
        params.delete(param);
      }
    }
    setSearchParams(params, { replace: true });
  };

  const total = value.total ?? value.items.length;
  const available = value.available ?? total;
  // Say there is nothing only once every cluster answered in full.
  const isEmpty =
    available === 0 &&
    value.errors.length === 0 &&
    laggingClusters(value).length === 0;
  const filtered = hasFilters(filters);
  const detailsLink = (item: DefinitionSummary) =>
    `${definitionPath(item.definition)}?${new URLSearchParams({
      entityRef: item.definition.entityRef ?? '',
    })}`;
  const renderActions = (item: DefinitionSummary) => {
    const entityRef = item.definition.entityRef;
    // Definitions no entity claims can be seen (when the policy allows) but not run.
    return entityRef ? (
      <DefinitionActions item={item} entityRef={entityRef} onChange={retry} />
    ) : null;
  };
  const nextCursor = value.nextCursor;
  const facets = value.facets ?? { clusters: [], namespaces: [], owners: [] };

  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      <DefinitionListNotices list={value} error={error} />
      <DefinitionFiltersBar
        clusters={facets.clusters}
        namespaces={facets.namespaces}
        owners={facets.owners}
        value={filters}
        onChange={next => setFilters(next)}
        sort={sort}
        onSortChange={next => setFilters(filters, onlyWaitingForMe, next)}
      />
      {(waitingForMe.length > 0 || onlyWaitingForMe) && (
        <FormControlLabel
          control={
            <Checkbox
              color="primary"
              checked={onlyWaitingForMe}
              onChange={e => setFilters(filters, e.target.checked)}
            />
          }
          label={`Waiting for my approval (${waitingForMe.length})`}
        />
      )}
      {onlyWaitingForMe ? (
        // The runs waiting for me, with their Jobs' names: what this filter is for.
        <RunRequestsList
          requests={waitingForMe}
          currentUser={currentUser}
          showName
          onChange={() => {
            forMe.retry();
            retry();
          }}
        />
      ) : (
        <>
          {isEmpty ? (
            <EmptyState
              missing="data"
              title="No Jobs you can see"
              description="No cluster has a runnable Job that belongs to a component you may see. Jobs become runnable when their team adds the job-assistant annotation."
            />
          ) : (
            <DefinitionsTable
              // Counts what the filters let through, all pages together.
              title={
                filtered
                  ? `Jobs (${total.toLocaleString(
                      'en-US',
                    )} of ${available.toLocaleString('en-US')})`
                  : `Jobs (${total.toLocaleString('en-US')})`
              }
              items={value.items}
              getDetailsLink={detailsLink}
              renderActions={renderActions}
              showEntity
              showOwner
              search={false}
              pagedElsewhere
              emptyContent={<NoMatch onClear={() => setFilters({}, false)} />}
            />
          )}
          <Pager
            first={stack.length * JOBS_PAGE_SIZE + 1}
            shown={value.items.length}
            total={total}
            onPrevious={
              stack.length
                ? () => setCursors({ key: queryKey, stack: stack.slice(0, -1) })
                : undefined
            }
            onNext={
              nextCursor
                ? () =>
                    setCursors({ key: queryKey, stack: [...stack, nextCursor] })
                : undefined
            }
          />
        </>
      )}
    </Box>
  );
}

function PageDefinitionRoute() {
  // The page lists every entity's Jobs: the link says which one this Job belongs to.
  const [searchParams] = useSearchParams();
  return (
    <DefinitionRoute
      entityRef={searchParams.get('entityRef') ?? undefined}
      showEntity
    />
  );
}

/**
 * The Jobs page: every runnable Job the user may see, across clusters, with filters.
 *
 * @public
 */
export function KubernetesJobsPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Jobs"
        subtitle="Pre-approved Kubernetes Jobs you can run, follow and stop"
      />
      <Content>
        <Routes>
          <Route path="/" element={<AllDefinitions />} />
          <Route
            path="/:cluster/:namespace/:kind/:name"
            element={<PageDefinitionRoute />}
          />
        </Routes>
      </Content>
    </Page>
  );
}
