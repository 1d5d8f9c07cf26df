import { ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { InfoCard, Link, Progress } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import ArrowBackIcon from '@material-ui/icons/ArrowBack';
import {
  DefinitionDetails,
  DefinitionLocation,
  JobRun,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { useDefinitionDetails } from '../../hooks/useDefinitionDetails';
import { useOlderRuns } from '../../hooks/useOlderRuns';
import {
  describeSchedule,
  formatDuration,
  formatPercent,
} from '../../utils/format';
import { isActiveRun } from '../../utils/runs';
import { JobsErrorPanel } from '../JobsErrorPanel/JobsErrorPanel';
import { KillRunButton } from '../KillRunButton/KillRunButton';
import { RunDefinitionButton } from '../RunDefinitionButton/RunDefinitionButton';
import { RunDetails } from '../RunDetails/RunDetails';
import { RunsTable } from '../RunsTable/RunsTable';

/**
 * Props of {@link DefinitionView}.
 *
 * @public
 */
export interface DefinitionViewProps {
  definition: DefinitionLocation;
  entityRef: string;
  /** Where "back to the list" leads. */
  backLink: string;
  /** Shows which entity the definition belongs to (on the global Jobs page). */
  showEntity?: boolean;
}

function Fact(props: { label: string; children: ReactNode }) {
  return (
    <Box minWidth={180} maxWidth={360}>
      <Typography variant="overline" color="textSecondary" component="dt">
        {props.label}
      </Typography>
      <Typography variant="body2" component="dd" style={{ margin: 0 }}>
        {props.children}
      </Typography>
    </Box>
  );
}

function AboutCard(props: {
  details: DefinitionDetails;
  showEntity?: boolean;
}) {
  const { definition, stats } = props.details;
  const finished =
    stats.counts.succeeded + stats.counts.failed + stats.counts.killed;
  return (
    <InfoCard title="About this Job">
      {definition.description && (
        <Typography paragraph>{definition.description}</Typography>
      )}
      <Box
        component="dl"
        display="flex"
        flexWrap="wrap"
        style={{ gap: 24, margin: 0 }}
      >
        <Fact label="What runs">
          {definition.containers.length === 0
            ? '—'
            : definition.containers.map(c => (
                <div key={c.name}>
                  {c.name}
                  {c.image && (
                    <Typography
                      variant="body2"
                      color="textSecondary"
                      component="span"
                    >
                      {' '}
                      ({c.image})
                    </Typography>
                  )}
                </div>
              ))}
        </Fact>
        <Fact label="Where">
          Namespace {definition.namespace} on cluster {definition.cluster}
        </Fact>
        <Fact label="When">
          {definition.kind === 'CronJob' && definition.schedule
            ? `On demand, and ${describeSchedule(
                definition.schedule,
                definition.timeZone,
              )}${definition.suspended ? ' (schedule paused)' : ''}`
            : 'Only when someone presses Run'}
        </Fact>
        <Fact label="At the same time">
          {definition.allowParallelRuns
            ? 'Several runs may be active at once'
            : 'One run at a time'}
        </Fact>
        {props.showEntity && definition.entityRef && (
          <Fact label="Belongs to">
            <EntityRefLink entityRef={definition.entityRef} />
          </Fact>
        )}
        <Fact label="History">
          {stats.counts.total === 0
            ? 'Never ran'
            : [
                `${stats.counts.total} run${
                  stats.counts.total === 1 ? '' : 's'
                }`,
                `${stats.counts.succeeded} succeeded`,
                `${stats.counts.failed} failed`,
                `${stats.counts.killed} killed`,
                stats.counts.active > 0 && `${stats.counts.active} active`,
              ]
                .filter(Boolean)
                .join(', ')}
          {stats.successRate !== undefined &&
            `. Success rate ${formatPercent(
              stats.successRate,
            )} of ${finished} finished`}
          {stats.typicalDurationSeconds !== undefined &&
            `; usually takes ${formatDuration(stats.typicalDurationSeconds)}`}
          .
        </Fact>
      </Box>
    </InfoCard>
  );
}

/**
 * A definition in full: what it runs, its run history, and the events and logs of a run.
 * The selected run is kept in the `run` query parameter, so the view can be linked to.
 *
 * @public
 */
export function DefinitionView(props: DefinitionViewProps) {
  const { definition, entityRef, backLink, showEntity } = props;
  const details = useDefinitionDetails(definition, entityRef);
  const older = useOlderRuns(definition, entityRef, details.value?.nextCursor);
  const [searchParams, setSearchParams] = useSearchParams();

  const back = (
    <Box mb={2}>
      <Link to={backLink}>
        <Box component="span" display="inline-flex" alignItems="center">
          <ArrowBackIcon fontSize="small" /> All Jobs
        </Box>
      </Link>
    </Box>
  );

  if (details.error) {
    return (
      <>
        {back}
        <JobsErrorPanel error={details.error} />
      </>
    );
  }
  if (!details.value) {
    return (
      <>
        {back}
        <Progress />
      </>
    );
  }

  const { stats } = details.value;
  const firstPage = new Set(details.value.runs.map(r => r.uid));
  const runs = [
    ...details.value.runs,
    ...older.runs.filter(r => !firstPage.has(r.uid)),
  ];
  const selectedName = searchParams.get('run') ?? runs[0]?.name;
  const selectedRun = runs.find(r => r.name === selectedName);
  const activeRun = runs.find(isActiveRun);

  const runLink = (run: JobRun) => {
    const params = new URLSearchParams(searchParams);
    params.set('run', run.name);
    return `?${params.toString()}`;
  };
  const showNewRun = (run: JobRun) => {
    const params = new URLSearchParams(searchParams);
    params.set('run', run.name);
    setSearchParams(params, { replace: true });
    details.retry();
  };
  const killButton = (run: JobRun) => (
    <KillRunButton run={run} entityRef={entityRef} onKilled={details.retry} />
  );

  return (
    <>
      {back}
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        mb={2}
        style={{ gap: 16 }}
      >
        <Typography variant="h4" component="h2">
          {details.value.definition.name}
        </Typography>
        <Typography color="textSecondary">
          {details.value.definition.kind}
        </Typography>
        <Box flexGrow={1} />
        <RunDefinitionButton
          definition={details.value.definition}
          entityRef={entityRef}
          hasActiveRun={stats.counts.active > 0 || !!activeRun}
          onStarted={showNewRun}
        />
        {activeRun && killButton(activeRun)}
      </Box>
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <AboutCard details={details.value} showEntity={showEntity} />
        </Grid>
        <Grid item xs={12}>
          <RunsTable
            runs={runs}
            selectedRun={selectedRun?.name}
            getRunLink={runLink}
            renderActions={killButton}
            onShowOlderRuns={older.hasMore ? older.loadMore : undefined}
            loadingOlderRuns={older.loading}
            olderRunsError={older.error}
          />
        </Grid>
        {selectedRun && (
          <Grid item xs={12}>
            <RunDetails
              run={selectedRun}
              entityRef={entityRef}
              actions={killButton(selectedRun)}
            />
          </Grid>
        )}
      </Grid>
    </>
  );
}
