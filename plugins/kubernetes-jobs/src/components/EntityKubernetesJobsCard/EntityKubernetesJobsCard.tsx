import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard, Link } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { useDefinitions } from '../../hooks/useDefinitions';
import { formatRelativeTime } from '../../utils/format';
import { laggingClusters } from '../../utils/clusters';
import { definitionPath } from '../../utils/paths';
import { ClusterErrorsPanel } from '../ClusterErrorsPanel/ClusterErrorsPanel';
import { JobsErrorPanel } from '../JobsErrorPanel/JobsErrorPanel';
import { RunStatus } from '../RunStatus/RunStatus';
import { SlowProgress } from '../SlowProgress/SlowProgress';

/**
 * Props of {@link EntityKubernetesJobsCard}.
 *
 * @public
 */
export interface EntityKubernetesJobsCardProps {
  /** Path of the Jobs tab, relative to the entity page. Defaults to `jobs`. */
  tabPath?: string;
}

/**
 * A card for the entity overview: the entity's Jobs and how their last run went.
 *
 * @public
 */
export function EntityKubernetesJobsCard(props: EntityKubernetesJobsCardProps) {
  const { tabPath = 'jobs' } = props;
  const { entity } = useEntity();
  const { value, error } = useDefinitions({
    entityRef: stringifyEntityRef(entity),
  });

  let content;
  if (error && !value) {
    content = <JobsErrorPanel error={error} />;
  } else if (!value) {
    content = <SlowProgress />;
  } else if (value.items.length === 0) {
    content = (
      <ClusterErrorsPanel
        errors={value.errors}
        clusters={value.clusters}
        historyUnavailable={value.historyUnavailable}
      />
    );
    if (value.errors.length === 0 && laggingClusters(value).length === 0) {
      content = <Typography>This component has no runnable Jobs.</Typography>;
    }
  } else {
    content = (
      <>
        <ClusterErrorsPanel
          errors={value.errors}
          clusters={value.clusters}
          historyUnavailable={value.historyUnavailable}
        />
        <List dense disablePadding>
          {value.items.map(({ definition, stats }) => (
            <ListItem key={definition.uid} disableGutters>
              <ListItemText
                primary={
                  <Link to={`${tabPath}/${definitionPath(definition)}`}>
                    {definition.name}
                  </Link>
                }
                secondary={
                  stats.lastRun
                    ? formatRelativeTime(
                        stats.lastRun.startedAt ?? stats.lastRun.createdAt,
                      )
                    : undefined
                }
              />
              <RunStatus state={stats.lastRun?.state} />
            </ListItem>
          ))}
        </List>
      </>
    );
  }

  return (
    <InfoCard
      title="Jobs"
      deepLink={{ title: 'Run and follow Jobs', link: tabPath }}
    >
      {content}
    </InfoCard>
  );
}
