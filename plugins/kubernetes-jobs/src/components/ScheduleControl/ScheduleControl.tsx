import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import PauseIcon from '@material-ui/icons/Pause';
import PlayCircleOutlineIcon from '@material-ui/icons/PlayCircleOutline';
import { useApi } from '@backstage/core-plugin-api';
import { toastApiRef } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  JobDefinition,
  kubernetesJobsSchedulePermission,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { useSetSchedule } from '../../hooks/useSetSchedule';
import { describeSchedule, formatTimestamp } from '../../utils/format';
import { describeError } from '../../utils/errors';
import { ActionButton } from '../ActionButton/ActionButton';
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
  const toastApi = useApi(toastApiRef);
  const [open, setOpen] = useState(false);
  const action = useSetSchedule();
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

  const close = () => {
    setOpen(false);
    action.reset();
  };
  const confirm = async () => {
    const changed = await action.execute(definition, entityRef, !paused);
    if (changed) {
      setOpen(false);
      toastApi.post({
        title: changed.suspended
          ? `Paused the schedule of ${changed.name}`
          : `Resumed the schedule of ${changed.name}`,
        status: 'success',
        timeout: 5000,
      });
      onChanged?.(changed);
    }
  };

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
            onClick={() => setOpen(true)}
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
      {open && (
        <Dialog
          open
          onClose={action.pending ? undefined : close}
          aria-labelledby="schedule-dialog-title"
        >
          <DialogTitle id="schedule-dialog-title">
            {verb} the schedule of {definition.name}?
          </DialogTitle>
          <DialogContent>
            <DialogContentText>
              {paused
                ? `It will run on its own again, ${describeSchedule(
                    definition.schedule,
                    definition.timeZone,
                  )}.`
                : 'It will not run on its own until someone resumes it. A run in progress goes on, and Run still works.'}
            </DialogContentText>
            {failure && (
              <Alert severity="error" role="alert">
                <strong>{failure.title}.</strong> {failure.message}
              </Alert>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={close} disabled={action.pending}>
              Cancel
            </Button>
            <Button
              onClick={confirm}
              color="primary"
              variant="contained"
              disabled={action.pending}
            >
              {action.pending ? 'Saving…' : `${verb} schedule`}
            </Button>
          </DialogActions>
        </Dialog>
      )}
    </Box>
  );
}
