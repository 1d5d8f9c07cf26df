import { useState } from 'react';
import StopIcon from '@material-ui/icons/Stop';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  JobRun,
  kubernetesJobsKillPermission,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { useKillRun } from '../../hooks/useKillRun';
import { ActionButton } from '../ActionButton/ActionButton';
import { KillDialog } from '../KillDialog/KillDialog';

/**
 * Props of {@link KillRunButton}.
 *
 * @public
 */
export interface KillRunButtonProps {
  run: JobRun;
  /** The entity the run's definition belongs to; permissions are checked on it. */
  entityRef: string;
  /** Called with the killed run. */
  onKilled?: (run: JobRun) => void;
}

/**
 * The Kill button of an active run: checks the permission, confirms, kills the run.
 *
 * @public
 */
export function KillRunButton(props: KillRunButtonProps) {
  const { run, entityRef, onKilled } = props;
  const alertApi = useApi(alertApiRef);
  const [open, setOpen] = useState(false);
  const action = useKillRun();
  const permission = usePermission({
    permission: kubernetesJobsKillPermission,
    resourceRef: entityRef,
  });

  const close = () => {
    setOpen(false);
    action.reset();
  };

  const confirm = async () => {
    const killed = await action.execute(run, entityRef);
    if (killed) {
      setOpen(false);
      alertApi.post({
        message: `Killed ${killed.name}`,
        severity: 'info',
        display: 'transient',
      });
      onKilled?.(killed);
    }
  };

  let disabledReason: string | undefined;
  if (permission.loading) {
    disabledReason = 'Checking whether you may stop this run…';
  } else if (!permission.allowed) {
    disabledReason = 'You are not allowed to stop this run';
  }

  return (
    <>
      <ActionButton
        label="Kill"
        ariaLabel={`Kill run ${run.name}`}
        icon={<StopIcon />}
        color="secondary"
        onClick={() => setOpen(true)}
        disabledReason={disabledReason}
      />
      {open && (
        <KillDialog
          open
          run={run}
          pending={action.pending}
          error={action.error}
          onConfirm={confirm}
          onClose={close}
        />
      )}
    </>
  );
}
