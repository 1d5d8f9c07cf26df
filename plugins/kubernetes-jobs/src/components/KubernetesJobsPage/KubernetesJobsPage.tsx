import { Route, Routes, useParams, useSearchParams } from 'react-router-dom';
import {
  Content,
  EmptyState,
  Header,
  Page,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import { DefinitionSummary } from '@job-assistant/plugin-kubernetes-jobs-common';
import { useDefinitions } from '../../hooks/useDefinitions';
import {
  DefinitionFilters,
  LastRunFilter,
  distinct,
  filterDefinitions,
} from '../../utils/filters';
import { laggingClusters } from '../../utils/clusters';
import { definitionPath, parseDefinitionKind } from '../../utils/paths';
import { ClusterErrorsPanel } from '../ClusterErrorsPanel/ClusterErrorsPanel';
import { DefinitionActions } from '../DefinitionActions/DefinitionActions';
import { DefinitionFiltersBar } from '../DefinitionFiltersBar/DefinitionFiltersBar';
import { DefinitionsTable } from '../DefinitionsTable/DefinitionsTable';
import { DefinitionView } from '../DefinitionView/DefinitionView';
import { JobsErrorPanel } from '../JobsErrorPanel/JobsErrorPanel';

const FILTER_KEYS = ['cluster', 'namespace', 'state', 'owner'] as const;

function readFilters(params: URLSearchParams): DefinitionFilters {
  return {
    cluster: params.get('cluster') ?? undefined,
    namespace: params.get('namespace') ?? undefined,
    state: (params.get('state') as LastRunFilter | null) ?? undefined,
    owner: params.get('owner') ?? undefined,
  };
}

function AllDefinitions() {
  const { value, error, retry } = useDefinitions({});
  // Filters live in the URL, so a filtered list can be bookmarked and shared.
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = readFilters(searchParams);

  if (error) {
    return <JobsErrorPanel error={error} />;
  }
  if (!value) {
    return <Progress />;
  }

  const setFilters = (next: DefinitionFilters) => {
    const params = new URLSearchParams(searchParams);
    for (const key of FILTER_KEYS) {
      const v = next[key];
      if (v) {
        params.set(key, v);
      } else {
        params.delete(key);
      }
    }
    setSearchParams(params, { replace: true });
  };

  // Say there is nothing only once every cluster answered in full.
  const isEmpty =
    value.items.length === 0 &&
    value.errors.length === 0 &&
    laggingClusters(value).length === 0;
  const items = filterDefinitions(value.items, filters);
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
      <ClusterErrorsPanel errors={value.errors} clusters={value.clusters} />
      <DefinitionFiltersBar
        clusters={distinct(value.items.map(i => i.definition.cluster))}
        namespaces={distinct(value.items.map(i => i.definition.namespace))}
        owners={distinct(value.items.map(i => i.definition.entityOwnerRef))}
        value={filters}
        onChange={setFilters}
      />
      {isEmpty ? (
        <EmptyState
          missing="data"
          title="No Jobs you can see"
          description="No cluster has a runnable Job that belongs to a component you may see. Jobs become runnable when their team adds the job-assistant annotation."
        />
      ) : (
        <DefinitionsTable
          title={`Jobs (${items.length} of ${value.items.length})`}
          items={items}
          getDetailsLink={detailsLink}
          renderActions={renderActions}
          showEntity
          showOwner
        />
      )}
    </Box>
  );
}

function PageDefinitionRoute() {
  const { cluster, namespace, kind, name } = useParams();
  const [searchParams] = useSearchParams();
  const entityRef = searchParams.get('entityRef');
  const definitionKind = parseDefinitionKind(kind);
  if (!cluster || !namespace || !name || !definitionKind || !entityRef) {
    return (
      <WarningPanel
        title="This link does not name a Job"
        message="Go back to the list of Jobs and pick one there."
      />
    );
  }
  return (
    <DefinitionView
      definition={{ cluster, namespace, kind: definitionKind, name }}
      entityRef={entityRef}
      backLink=".."
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
