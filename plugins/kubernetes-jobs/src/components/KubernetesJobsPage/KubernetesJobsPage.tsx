import { Route, Routes, useSearchParams } from 'react-router-dom';
import { Content, EmptyState, Header, Page } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import {
  DefinitionSummary,
  RunRequest,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { useCurrentUser } from '../../hooks/useCurrentUser';
import { useDefinitions } from '../../hooks/useDefinitions';
import { usePendingRunRequests } from '../../hooks/usePendingRunRequests';
import {
  DefinitionFilters,
  LastRunFilter,
  distinct,
  filterDefinitions,
} from '../../utils/filters';
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

function requestKey(request: RunRequest): string {
  return [
    request.cluster,
    request.namespace,
    request.definition.kind,
    request.definition.name,
  ].join('/');
}

function definitionKey(item: DefinitionSummary): string {
  const { cluster, namespace, kind, name } = item.definition;
  return [cluster, namespace, kind, name].join('/');
}

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

function AllDefinitions() {
  const { value, error, retry } = useDefinitions({});
  const forMe = usePendingRunRequests({ waitingForMe: true });
  const currentUser = useCurrentUser();
  // Filters live in the URL, so a filtered list can be bookmarked and shared.
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = readFilters(searchParams);
  const onlyWaitingForMe = searchParams.get(WAITING_PARAM) === 'me';
  const waitingForMe = forMe.value?.items ?? [];

  if (error && !value) {
    return <JobsErrorPanel error={error} />;
  }
  if (!value) {
    return <SlowProgress />;
  }

  const setFilters = (next: DefinitionFilters, waiting = onlyWaitingForMe) => {
    const params = new URLSearchParams(searchParams);
    if (waiting) {
      params.set(WAITING_PARAM, 'me');
    } else {
      params.delete(WAITING_PARAM);
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

  // Say there is nothing only once every cluster answered in full.
  const isEmpty =
    value.items.length === 0 &&
    value.errors.length === 0 &&
    laggingClusters(value).length === 0;
  const waitingKeys = new Set(waitingForMe.map(requestKey));
  const items = filterDefinitions(value.items, filters).filter(
    item => !onlyWaitingForMe || waitingKeys.has(definitionKey(item)),
  );
  const filtered = hasFilters(filters) || onlyWaitingForMe;
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

  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      <DefinitionListNotices list={value} error={error} />
      <DefinitionFiltersBar
        clusters={distinct(value.items.map(i => i.definition.cluster))}
        namespaces={distinct(value.items.map(i => i.definition.namespace))}
        owners={distinct(value.items.map(i => i.definition.entityOwnerRef))}
        value={filters}
        onChange={setFilters}
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
      {onlyWaitingForMe && waitingForMe.length > 0 && (
        <RunRequestsList
          requests={waitingForMe}
          currentUser={currentUser}
          showName
          onChange={() => {
            forMe.retry();
            retry();
          }}
        />
      )}
      {isEmpty ? (
        <EmptyState
          missing="data"
          title="No Jobs you can see"
          description="No cluster has a runnable Job that belongs to a component you may see. Jobs become runnable when their team adds the job-assistant annotation."
        />
      ) : (
        <DefinitionsTable
          // Counts what the table shows: the filters and the search are both ours.
          title={
            filtered
              ? `Jobs (${items.length} of ${value.items.length})`
              : `Jobs (${value.items.length})`
          }
          items={items}
          getDetailsLink={detailsLink}
          renderActions={renderActions}
          showEntity
          showOwner
          search={false}
          emptyContent={<NoMatch onClear={() => setFilters({}, false)} />}
        />
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
