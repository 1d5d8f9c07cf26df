import { useSearchParams } from 'react-router-dom';
import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import ArrowBackIcon from '@material-ui/icons/ArrowBack';
import {
  DefinitionLocation,
  JobRun,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { useDefinitionDetails } from '../../hooks/useDefinitionDetails';
import { useCurrentUser } from '../../hooks/useCurrentUser';
import { useOlderRuns } from '../../hooks/useOlderRuns';
import { useRunRequests } from '../../hooks/useRunRequests';
import { hasHistoryToDraw } from '../../utils/runHistory';
import { isActiveRun } from '../../utils/runs';
import { describeKind } from '../../utils/words';
import {
  JobsErrorPanel,
  RefreshErrorAlert,
} from '../JobsErrorPanel/JobsErrorPanel';
import { RunDefinitionButton } from '../RunDefinitionButton/RunDefinitionButton';
import { RunDetails } from '../RunDetails/RunDetails';
import { RunHistoryChart } from '../RunHistoryChart/RunHistoryChart';
import { RunRequestsList } from '../RunRequestsList/RunRequestsList';
import { RunsTable } from '../RunsTable/RunsTable';
import { SlowProgress } from '../SlowProgress/SlowProgress';
import { StopRunButton } from '../StopRunButton/StopRunButton';
import { HistoryUnavailableAlert } from '../ClusterErrorsPanel/ClusterErrorsPanel';
import { DefinitionAbout } from './DefinitionAbout';

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
  const requests = useRunRequests(definition, entityRef);
  const currentUser = useCurrentUser();
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

  if (details.error && !details.value) {
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
        <SlowProgress
          slowMessage={`Still waiting for cluster ${definition.cluster} to answer.`}
        />
      </>
    );
  }

  const { definition: loaded, stats } = details.value;
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
          {loaded.name}
        </Typography>
        <Typography color="textSecondary">
          {describeKind(loaded.kind)}
        </Typography>
        <Box flexGrow={1} />
        {activeRun && activeRun.name !== selectedRun?.name && (
          // Stop lives in a run's details: lead there when another run is selected.
          <Link to={runLink(activeRun)}>Show the run in progress</Link>
        )}
        <RunDefinitionButton
          definition={loaded}
          entityRef={entityRef}
          hasActiveRun={stats.counts.active > 0 || !!activeRun}
          onStarted={showNewRun}
          onRequested={requests.retry}
          onConflict={details.retry}
        />
      </Box>
      {details.error && <RefreshErrorAlert error={details.error} />}
      {details.value.historyUnavailable && <HistoryUnavailableAlert />}
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <DefinitionAbout
            details={details.value}
            showEntity={showEntity}
            entityRef={entityRef}
            onScheduleChanged={details.retry}
          />
        </Grid>
        {!!requests.value?.items.length && (
          <Grid item xs={12}>
            <Paper variant="outlined">
              <Box p={2}>
                <RunRequestsList
                  requests={requests.value.items}
                  definition={loaded}
                  currentUser={currentUser}
                  onChange={() => {
                    requests.retry();
                    details.retry();
                  }}
                />
              </Box>
            </Paper>
          </Grid>
        )}
        {hasHistoryToDraw(runs) && (
          <Grid item xs={12}>
            <RunHistoryChart
              runs={runs}
              stats={stats}
              getRunLink={runLink}
              selectedRun={selectedRun?.name}
              hasOlderRuns={older.hasMore}
            />
          </Grid>
        )}
        <Grid item xs={12}>
          <RunsTable
            runs={runs}
            selectedRun={selectedRun?.name}
            getRunLink={runLink}
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
              stats={stats}
              // The one Stop button of a run on this page: neither the header nor the
              // history repeats it. The history's rows select a run; its details act on it.
              actions={
                <StopRunButton
                  run={selectedRun}
                  entityRef={entityRef}
                  ownerRef={loaded.entityOwnerRef}
                  onStopped={details.retry}
                />
              }
              runAgain={
                selectedRun.parameters &&
                (loaded.parameters?.length ?? 0) > 0 ? (
                  <RunDefinitionButton
                    definition={loaded}
                    entityRef={entityRef}
                    hasActiveRun={stats.counts.active > 0 || !!activeRun}
                    initialValues={selectedRun.parameters}
                    onStarted={showNewRun}
                    onRequested={requests.retry}
                    onConflict={details.retry}
                  />
                ) : undefined
              }
            />
          </Grid>
        )}
      </Grid>
    </>
  );
}
