import { ReactNode, useState } from 'react';
import { InfoCard, Progress } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { JobRun } from '@job-assistant/plugin-kubernetes-jobs-common';
import { useRunEvents } from '../../hooks/useRunEvents';
import { formatDuration, formatTimestamp } from '../../utils/format';
import { isActiveRun, runDurationSeconds } from '../../utils/runs';
import { JobsErrorPanel } from '../JobsErrorPanel/JobsErrorPanel';
import { RunEventsTable } from '../RunEventsTable/RunEventsTable';
import { RunLogs } from '../RunLogs/RunLogs';
import { RunStatus } from '../RunStatus/RunStatus';

/**
 * Props of {@link RunDetails}.
 *
 * @public
 */
export interface RunDetailsProps {
  run: JobRun;
  entityRef: string;
  /** The Kill button, shown while the run is active. */
  actions?: ReactNode;
}

function Field(props: { label: string; children: ReactNode }) {
  return (
    <Box minWidth={140}>
      <Typography variant="overline" color="textSecondary" component="dt">
        {props.label}
      </Typography>
      <Typography variant="body2" component="dd" style={{ margin: 0 }}>
        {props.children || '—'}
      </Typography>
    </Box>
  );
}

function RunEvents(props: { run: JobRun; entityRef: string }) {
  const events = useRunEvents(props.run, props.entityRef);
  if (events.error) {
    return <JobsErrorPanel error={events.error} />;
  }
  if (!events.value) {
    return <Progress />;
  }
  return <RunEventsTable events={events.value} />;
}

function podSummary(run: JobRun): string {
  const parts = [
    run.pods.active && `${run.pods.active} running`,
    run.pods.succeeded && `${run.pods.succeeded} succeeded`,
    run.pods.failed && `${run.pods.failed} failed`,
    run.pods.terminating && `${run.pods.terminating} stopping`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'none';
}

/**
 * One run: what happened, who started or killed it, and its logs and events.
 *
 * @public
 */
export function RunDetails(props: RunDetailsProps) {
  const { run, entityRef, actions } = props;
  const [tab, setTab] = useState<'logs' | 'events'>('logs');
  const tabId = (name: string) => `run-${run.name}-tab-${name}`;
  const panelId = (name: string) => `run-${run.name}-panel-${name}`;

  return (
    <InfoCard
      title={`Run ${run.name}`}
      subheader={
        run.isDefinition
          ? 'The definition itself ran: this is the first run of its history.'
          : undefined
      }
      action={isActiveRun(run) ? actions : undefined}
    >
      <Box
        component="dl"
        display="flex"
        flexWrap="wrap"
        style={{ gap: 24, margin: 0 }}
      >
        <Field label="State">
          <RunStatus state={run.state} />
        </Field>
        <Field label="Started">
          {formatTimestamp(run.startedAt ?? run.createdAt)}
        </Field>
        <Field label="Finished">
          {formatTimestamp(run.finishedAt ?? run.killedAt)}
        </Field>
        <Field label={isActiveRun(run) ? 'Running for' : 'Took'}>
          {formatDuration(runDurationSeconds(run))}
        </Field>
        <Field label="Triggered by">
          {run.triggeredBy && (
            <EntityRefLink entityRef={run.triggeredBy} defaultKind="user" />
          )}
        </Field>
        {run.killedBy && (
          <Field label="Killed by">
            <EntityRefLink entityRef={run.killedBy} defaultKind="user" />
            {run.killedAt && ` at ${formatTimestamp(run.killedAt)}`}
          </Field>
        )}
        <Field label="Pods">{podSummary(run)}</Field>
      </Box>

      {run.state === 'Failed' && (
        <Box mt={2}>
          <Alert severity="error">
            <AlertTitle>
              Failed{run.failure?.reason ? `: ${run.failure.reason}` : ''}
            </AlertTitle>
            {run.failure?.message ??
              'Kubernetes gave no reason. The logs and events below may say more.'}
          </Alert>
        </Box>
      )}
      {run.state === 'Killed' && (
        <Box mt={2}>
          <Alert severity="info">
            This run was killed before it finished; its pods were stopped.
          </Alert>
        </Box>
      )}

      {run.removedFromCluster ? (
        <Box mt={2}>
          <Alert severity="info">
            This run's Job has been deleted from the cluster. Its outcome is
            kept in the history; its logs and events went with it.
          </Alert>
        </Box>
      ) : (
        <Box mt={2}>
          <Tabs
            value={tab}
            onChange={(_, value) => setTab(value)}
            indicatorColor="primary"
            aria-label={`Details of run ${run.name}`}
          >
            <Tab
              value="logs"
              label="Logs"
              id={tabId('logs')}
              aria-controls={panelId('logs')}
            />
            <Tab
              value="events"
              label="Events"
              id={tabId('events')}
              aria-controls={panelId('events')}
            />
          </Tabs>
          <Box
            mt={2}
            role="tabpanel"
            id={panelId(tab)}
            aria-labelledby={tabId(tab)}
          >
            {tab === 'logs' ? (
              <RunLogs key={run.name} run={run} entityRef={entityRef} />
            ) : (
              <RunEvents run={run} entityRef={entityRef} />
            )}
          </Box>
        </Box>
      )}
    </InfoCard>
  );
}
