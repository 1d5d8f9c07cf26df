import StopIcon from '@material-ui/icons/Stop';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  JobRun,
  kubernetesJobsKillPermission,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { useConfirmedAction } from '../../hooks/useConfirmedAction';
import { useKillRun } from '../../hooks/useKillRun';
import { ActionButton } from '../ActionButton/ActionButton';
import { OnlyMembersCan } from '../Person/Person';
import { StopRunDialog } from '../StopRunDialog/StopRunDialog';

/**
 * Props of {@link StopRunButton}.
 *
 * @public
 */
export interface StopRunButtonProps {
  run: JobRun;
  /** The entity the run's definition belongs to; permissions are checked on it. */
  entityRef: string;
  /** The owner of that entity, to say who may stop the run when the user may not. */
  ownerRef?: string;
  /** Called with the stopped run. */
  onStopped?: (run: JobRun) => void;
}

/**
 * The Stop button of an active run: checks the permission (`kubernetes-jobs.kill`), confirms,
 * stops the run.
 *
 * @public
 */
export function StopRunButton(props: StopRunButtonProps) {
  const { run, entityRef, ownerRef, onStopped } = props;
  const action = useKillRun();
  const dialog = useConfirmedAction(action, {
    toast: stopped => ({ title: `Stopped ${stopped.name}`, status: 'info' }),
    onDone: onStopped,
  });
  const permission = usePermission({
    permission: kubernetesJobsKillPermission,
    resourceRef: entityRef,
  });

  return (
    <>
      <ActionButton
        label="Stop run"
        ariaLabel={`Stop run ${run.name}`}
        icon={<StopIcon />}
        color="secondary"
        onClick={dialog.ask}
        busy={permission.loading}
        disabledReason={
          !permission.loading && !permission.allowed ? (
            <OnlyMembersCan ownerRef={ownerRef} action="stop this run" />
          ) : undefined
        }
      />
      {dialog.open && (
        <StopRunDialog
          open
          run={run}
          pending={action.pending}
          error={action.error}
          onConfirm={() => dialog.confirm(run, entityRef)}
          onClose={dialog.close}
        />
      )}
    </>
  );
}
