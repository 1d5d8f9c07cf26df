import { ReactNode } from 'react';
import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import {
  DefinitionStats,
  JobRun,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { useNow } from '../../hooks/useNow';
import { formatDuration, formatTimestamp } from '../../utils/format';
import { isActiveRun, runDurationSeconds } from '../../utils/runs';
import { describeAttempts, describeFailure, runTitle } from '../../utils/words';
import { ChosenParameters } from '../Fact/ChosenParameters';
import { Fact } from '../Fact/Fact';
import { Person, RunTrigger } from '../Person/Person';
import { RunLogs } from '../RunLogs/RunLogs';
import { RunProgress } from '../RunProgress/RunProgress';
import { RunStatus } from '../RunStatus/RunStatus';
import { RunApproval } from './RunApproval';
import { RunTechnicalDetails } from './RunTechnicalDetails';

/**
 * Props of {@link RunDetails}.
 *
 * @public
 */
export interface RunDetailsProps {
  run: JobRun;
  entityRef: string;
  /** The Stop button, shown while the run is active. */
  actions?: ReactNode;
  /** "Run again" with this run's values, shown once it is over. */
  runAgain?: ReactNode;
  /**
   * The stats of the run's definition: while the run goes on, how long it has taken is
   * compared with how long its runs usually take.
   */
  stats?: Pick<DefinitionStats, 'typicalDurationSeconds' | 'slowAfterSeconds'>;
}

/** Whether logs can still be shown: Kubernetes has the run, or its record saved them. */
function hasLogs(run: JobRun): boolean {
  return !run.removedFromCluster || !!run.evidenceSavedAt;
}

function Outcome(props: { run: JobRun }) {
  const { run } = props;
  if (run.state === 'Failed') {
    return (
      <Box mt={2}>
        <Alert severity="error">
          <AlertTitle>Why it failed</AlertTitle>
          {describeFailure(run) ??
            'Kubernetes gave no reason. The logs below may say more.'}
        </Alert>
      </Box>
    );
  }
  if (run.state === 'Killed') {
    return (
      <Box mt={2}>
        <Alert severity="info">
          This run was stopped before it finished
          {run.killedBy && (
            <>
              {' '}
              by <Person entityRef={run.killedBy} />
            </>
          )}
          {run.killedAt && ` at ${formatTimestamp(run.killedAt)}`}.
          {hasLogs(run) && ' What it had done until then is in its logs below.'}
        </Alert>
      </Box>
    );
  }
  return null;
}

/**
 * What the logs section can show: live logs, those saved when the run ended, or nothing once
 * Kubernetes deleted the run without anything saved.
 */
function Logs(props: { run: JobRun; entityRef: string }) {
  const { run, entityRef } = props;
  if (!hasLogs(run)) {
    return (
      <Typography>
        Kubernetes no longer has this run, and its logs were not saved. Its
        outcome, and who started it, are kept in the history above.
      </Typography>
    );
  }
  return <RunLogs key={run.name} run={run} entityRef={entityRef} />;
}

/**
 * One run: what happened, who started or stopped it, and its logs; Kubernetes' own view of it
 * (its Job, pods and events) is in a collapsed "Technical details" section.
 *
 * @public
 */
export function RunDetails(props: RunDetailsProps) {
  const { run, entityRef, actions, runAgain, stats } = props;
  const active = isActiveRun(run);
  // How long an active run has been going moves while the page is open.
  const now = useNow({ enabled: active });
  const stopped = run.state === 'Killed';

  return (
    <InfoCard
      title={runTitle(run)}
      titleTypographyProps={{ component: 'h3' }}
      subheader={
        run.isDefinition
          ? 'This run happened when the Job was set up: it is the first of its history.'
          : undefined
      }
      action={active ? actions : runAgain}
    >
      <Box
        component="dl"
        display="flex"
        flexWrap="wrap"
        style={{ gap: 24, margin: 0 }}
      >
        <Fact label="State">
          <RunStatus state={run.state} />
        </Fact>
        <Fact label="Started">
          {formatTimestamp(run.startedAt ?? run.triggeredAt ?? run.createdAt)}{' '}
          <RunTrigger run={run} />
        </Fact>
        <Fact label={stopped ? 'Stopped' : 'Finished'}>
          {formatTimestamp(run.finishedAt ?? run.killedAt)}
          {run.killedBy && (
            <>
              {' '}
              by <Person entityRef={run.killedBy} />
            </>
          )}
        </Fact>
        <Fact label={active ? 'Running for' : 'Took'} maxWidth={280}>
          {formatDuration(runDurationSeconds(run, now))}
          {stats && <RunProgress run={run} stats={stats} />}
        </Fact>
        <Fact label="Attempts">{describeAttempts(run)}</Fact>
      </Box>
      <RunApproval run={run} entityRef={entityRef} />

      <ChosenParameters parameters={run.parameters} />

      <Outcome run={run} />

      <Box mt={3}>
        <Typography variant="h6" component="h3" gutterBottom>
          Logs
        </Typography>
        <Logs run={run} entityRef={entityRef} />
      </Box>

      <RunTechnicalDetails
        run={run}
        entityRef={entityRef}
        hasEvents={hasLogs(run)}
      />
    </InfoCard>
  );
}
