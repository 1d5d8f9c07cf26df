import { useState } from 'react';
import StopIcon from '@material-ui/icons/Stop';
import { useApi } from '@backstage/core-plugin-api';
import { toastApiRef } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  JobRun,
  kubernetesJobsKillPermission,
} from '@job-assistant/plugin-kubernetes-jobs-common';
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
  const toastApi = useApi(toastApiRef);
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
    const stopped = await action.execute(run, entityRef);
    if (stopped) {
      setOpen(false);
      toastApi.post({
        title: `Stopped ${stopped.name}`,
        status: 'info',
        timeout: 5000,
      });
      onStopped?.(stopped);
    }
  };

  return (
    <>
      <ActionButton
        label="Stop run"
        ariaLabel={`Stop run ${run.name}`}
        icon={<StopIcon />}
        color="secondary"
        onClick={() => setOpen(true)}
        busy={permission.loading}
        disabledReason={
          !permission.loading && !permission.allowed ? (
            <OnlyMembersCan ownerRef={ownerRef} action="stop this run" />
          ) : undefined
        }
      />
      {open && (
        <StopRunDialog
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
