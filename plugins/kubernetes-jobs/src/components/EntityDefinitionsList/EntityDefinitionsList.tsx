import { EmptyState } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  DEFAULT_DEFINITION_ANNOTATION,
  DefinitionSummary,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { useCurrentUser } from '../../hooks/useCurrentUser';
import { useDefinitions } from '../../hooks/useDefinitions';
import { usePendingRunRequests } from '../../hooks/usePendingRunRequests';
import { laggingClusters } from '../../utils/clusters';
import { definitionPath } from '../../utils/paths';
import { DefinitionActions } from '../DefinitionActions/DefinitionActions';
import { DefinitionListNotices } from '../DefinitionListNotices/DefinitionListNotices';
import { DefinitionsTable } from '../DefinitionsTable/DefinitionsTable';
import { JobsErrorPanel } from '../JobsErrorPanel/JobsErrorPanel';
import { RunRequestsList } from '../RunRequestsList/RunRequestsList';
import { SlowProgress } from '../SlowProgress/SlowProgress';

/**
 * Props of {@link EntityDefinitionsList}.
 *
 * @public
 */
export interface EntityDefinitionsListProps {
  entityRef: string;
}

/**
 * The Jobs of one entity, live while one of them runs.
 *
 * @public
 */
export function EntityDefinitionsList(props: EntityDefinitionsListProps) {
  const { entityRef } = props;
  const { value, error, retry } = useDefinitions({ entityRef });
  const waiting = usePendingRunRequests({ entityRef });
  const currentUser = useCurrentUser();

  if (error && !value) {
    return <JobsErrorPanel error={error} />;
  }
  if (!value) {
    return <SlowProgress />;
  }

  // Say there is nothing only once every cluster answered in full.
  const isEmpty =
    value.items.length === 0 &&
    value.errors.length === 0 &&
    laggingClusters(value).length === 0;
  const renderActions = (item: DefinitionSummary) => (
    <DefinitionActions
      item={item}
      entityRef={entityRef}
      onChange={retry}
      onRequested={waiting.retry}
    />
  );

  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      <DefinitionListNotices list={value} error={error} />
      {!!waiting.value?.items.length && (
        <RunRequestsList
          requests={waiting.value.items}
          currentUser={currentUser}
          showName
          onChange={() => {
            waiting.retry();
            retry();
          }}
        />
      )}
      {isEmpty ? (
        <EmptyState
          missing="data"
          title="No Jobs to run yet"
          description={
            <>
              <Typography paragraph>
                This component has no runnable Kubernetes Jobs. A Job or CronJob
                shows up here when it carries the label this component selects
                and the annotation{' '}
                <code>{DEFAULT_DEFINITION_ANNOTATION}: enable</code>.
              </Typography>
              <Typography>
                Ask the team that deploys it to add the annotation, ideally to a
                Job deployed with <code>suspend: true</code>.
              </Typography>
            </>
          }
        />
      ) : (
        <DefinitionsTable
          items={value.items}
          getDetailsLink={item => definitionPath(item.definition)}
          renderActions={renderActions}
        />
      )}
    </Box>
  );
}
