import { useState } from 'react';
import PlayArrowIcon from '@material-ui/icons/PlayArrow';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  JobDefinition,
  JobRun,
  kubernetesJobsRunPermission,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { useRunDefinition } from '../../hooks/useRunDefinition';
import { ActionButton } from '../ActionButton/ActionButton';
import { RunDialog } from '../RunDialog/RunDialog';

/**
 * Props of {@link RunDefinitionButton}.
 *
 * @public
 */
export interface RunDefinitionButtonProps {
  definition: JobDefinition;
  /** The entity the definition belongs to; permissions are checked on it. */
  entityRef: string;
  /** True when the definition already has an active run. */
  hasActiveRun?: boolean;
  /** Called with the new run once the backend created it. */
  onStarted?: (run: JobRun) => void;
}

/**
 * The Run button of a definition: checks the permission, confirms, starts the run.
 *
 * @public
 */
export function RunDefinitionButton(props: RunDefinitionButtonProps) {
  const { definition, entityRef, hasActiveRun, onStarted } = props;
  const alertApi = useApi(alertApiRef);
  const [open, setOpen] = useState(false);
  const action = useRunDefinition();
  const permission = usePermission({
    permission: kubernetesJobsRunPermission,
    resourceRef: entityRef,
  });

  const close = () => {
    setOpen(false);
    action.reset();
  };

  const confirm = async () => {
    const run = await action.execute(definition, entityRef);
    if (run) {
      setOpen(false);
      alertApi.post({
        message: `Started ${run.name}`,
        severity: 'success',
        display: 'transient',
      });
      onStarted?.(run);
    }
  };

  let disabledReason: string | undefined;
  if (permission.loading) {
    disabledReason = 'Checking whether you may run this Job…';
  } else if (!permission.allowed) {
    disabledReason = 'You are not allowed to run this Job';
  }

  return (
    <>
      <ActionButton
        label="Run"
        ariaLabel={`Run ${definition.name}`}
        icon={<PlayArrowIcon />}
        onClick={() => setOpen(true)}
        disabledReason={disabledReason}
      />
      {open && (
        <RunDialog
          open
          definition={definition}
          hasActiveRun={hasActiveRun}
          pending={action.pending}
          error={action.error}
          onConfirm={confirm}
          onClose={close}
        />
      )}
    </>
  );
}
