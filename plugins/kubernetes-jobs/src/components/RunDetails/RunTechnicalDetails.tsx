import { Progress } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { JobRun } from '@job-assistant/plugin-kubernetes-jobs-common';
import { useRunEvents } from '../../hooks/useRunEvents';
import { formatTimestamp } from '../../utils/format';
import { JobsErrorPanel } from '../JobsErrorPanel/JobsErrorPanel';
import { RunEventsTable } from '../RunEventsTable/RunEventsTable';
import {
  TechnicalDetails,
  TechnicalFacts,
} from '../TechnicalDetails/TechnicalDetails';

/** Props of {@link RunTechnicalDetails}. */
export interface RunTechnicalDetailsProps {
  run: JobRun;
  entityRef: string;
  /** Whether Kubernetes (or the run's record) can still say anything about its events. */
  hasEvents: boolean;
}

function podCounts(run: JobRun): string {
  const parts = [
    run.pods.active && `${run.pods.active} active`,
    run.pods.ready && `${run.pods.ready} ready`,
    run.pods.succeeded && `${run.pods.succeeded} succeeded`,
    run.pods.failed && `${run.pods.failed} failed`,
    run.pods.terminating && `${run.pods.terminating} terminating`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'none';
}

/** Labels the events saved with a run's record, which Kubernetes no longer has. */
export function SavedWhenTheRunEnded(props: { savedAt: string }) {
  return (
    <Typography variant="body2" color="textSecondary">
      Saved when the run ended ({formatTimestamp(props.savedAt)})
    </Typography>
  );
}

function RunEvents(props: { run: JobRun; entityRef: string }) {
  const events = useRunEvents(props.run, props.entityRef);
  if (events.error && !events.value) {
    return <JobsErrorPanel error={events.error} />;
  }
  if (!events.value) {
    return <Progress />;
  }
  return (
    <>
      {events.value.savedAt && (
        <SavedWhenTheRunEnded savedAt={events.value.savedAt} />
      )}
      <RunEventsTable events={events.value.items} />
    </>
  );
}

/**
 * A run in Kubernetes' own terms: its Job, namespace and cluster, Kubernetes' reason for a
 * failure, its pods, and the events Kubernetes recorded (loaded when the section is opened).
 */
export function RunTechnicalDetails(props: RunTechnicalDetailsProps) {
  const { run, entityRef, hasEvents } = props;
  return (
    <TechnicalDetails about="of this run">
      <TechnicalFacts
        facts={[
          ['Job', run.name],
          ['Created from', `${run.definition.kind} ${run.definition.name}`],
          ['Namespace', run.namespace],
          ['Cluster', run.cluster],
          ['Pods', podCounts(run)],
          ...(run.failure?.reason || run.failure?.message
            ? ([
                ['Kubernetes reason', run.failure?.reason],
                ['Kubernetes message', run.failure?.message],
              ] as Array<[string, string | undefined]>)
            : []),
        ]}
      />
      <Typography variant="subtitle2" component="h3">
        Kubernetes events
      </Typography>
      {hasEvents ? (
        <RunEvents run={run} entityRef={entityRef} />
      ) : (
        <Typography variant="body2">
          Kubernetes no longer has this run, and its events were not saved.
        </Typography>
      )}
    </TechnicalDetails>
  );
}
