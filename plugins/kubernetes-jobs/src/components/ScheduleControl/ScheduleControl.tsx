import Box from '@material-ui/core/Box';
import DialogContentText from '@material-ui/core/DialogContentText';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import PauseIcon from '@material-ui/icons/Pause';
import PlayCircleOutlineIcon from '@material-ui/icons/PlayCircleOutline';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  JobDefinition,
  kubernetesJobsSchedulePermission,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { useConfirmedAction } from '../../hooks/useConfirmedAction';
import { useSetSchedule } from '../../hooks/useSetSchedule';
import { describeSchedule, formatTimestamp } from '../../utils/format';
import { describeError } from '../../utils/errors';
import { ActionButton } from '../ActionButton/ActionButton';
import { ConfirmDialog } from '../ConfirmDialog/ConfirmDialog';
import { OnlyMembersCan } from '../Person/Person';

/** Props of {@link ScheduleControl}. */
export interface ScheduleControlProps {
  definition: JobDefinition;
  /** The entity the definition belongs to; the permission is checked on it. */
  entityRef: string;
  /** Called with the definition once its schedule was paused or resumed. */
  onChanged?: (definition: JobDefinition) => void;
}

/**
 * A CronJob's schedule in words (when it runs, when it ran last, when it runs next) and, when
 * its owners allowed it (`scheduleControl`), a button to pause or resume it, checked against
 * `kubernetes-jobs.schedule` and confirmed first.
 */
export function ScheduleControl(props: ScheduleControlProps) {
  const { definition, entityRef, onChanged } = props;
  const action = useSetSchedule();
  const dialog = useConfirmedAction(action, {
    toast: changed => ({
      title: changed.suspended
        ? `Paused the schedule of ${changed.name}`
        : `Resumed the schedule of ${changed.name}`,
      status: 'success',
    }),
    onDone: onChanged,
  });
  const permission = usePermission({
    permission: kubernetesJobsSchedulePermission,
    resourceRef: entityRef,
  });
  if (definition.kind !== 'CronJob' || !definition.schedule) {
    return null;
  }
  const paused = !!definition.suspended;
  const verb = paused ? 'Resume' : 'Pause';
  const failure = action.error && describeError(action.error, 'schedule');

  return (
    <Box mt={2} role="group" aria-label="Schedule">
      <Typography variant="body2">
        {paused ? (
          <strong>
            The schedule is paused: it does not run on its own until someone
            resumes it.
          </strong>
        ) : (
          <>
            Runs on its own{' '}
            {describeSchedule(definition.schedule, definition.timeZone)}.
            {definition.nextScheduleTime &&
              ` Next run: ${formatTimestamp(definition.nextScheduleTime)}.`}
          </>
        )}
        {definition.lastScheduleTime &&
          ` Last started by the schedule: ${formatTimestamp(
            definition.lastScheduleTime,
          )}.`}
      </Typography>
      {definition.scheduleControl && (
        <Box mt={1}>
          <ActionButton
            label={`${verb} schedule`}
            ariaLabel={`${verb} the schedule of ${definition.name}`}
            icon={paused ? <PlayCircleOutlineIcon /> : <PauseIcon />}
            onClick={dialog.ask}
            busy={permission.loading}
            disabledReason={
              !permission.loading && !permission.allowed ? (
                <OnlyMembersCan
                  ownerRef={definition.entityOwnerRef}
                  action={
                    paused ? 'resume this schedule' : 'pause this schedule'
                  }
                />
              ) : undefined
            }
          />
        </Box>
      )}
      {dialog.open && (
        <ConfirmDialog
          open
          id="schedule-dialog"
          title={`${verb} the schedule of ${definition.name}?`}
          description={
            <DialogContentText>
              {paused
                ? `It will run on its own again, ${describeSchedule(
                    definition.schedule,
                    definition.timeZone,
                  )}.`
                : 'It will not run on its own until someone resumes it. A run in progress goes on, and Run still works.'}
            </DialogContentText>
          }
          confirmLabel={`${verb} schedule`}
          pendingLabel="Saving…"
          onConfirm={() => dialog.confirm(definition, entityRef, !paused)}
          onClose={dialog.close}
          pending={action.pending}
        >
          {failure && (
            <Alert severity="error" role="alert">
              <strong>{failure.title}.</strong> {failure.message}
            </Alert>
          )}
        </ConfirmDialog>
      )}
    </Box>
  );
}
