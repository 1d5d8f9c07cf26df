import { ReactNode, useEffect, useRef, useState } from 'react';
import PlayArrowIcon from '@material-ui/icons/PlayArrow';
import { ResponseError } from '@backstage/errors';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  JobDefinition,
  JobRun,
  ParameterValue,
  RunRequest,
  kubernetesJobsRunPermission,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { useConfirmedAction } from '../../hooks/useConfirmedAction';
import { useRequestRun } from '../../hooks/useRequestRun';
import { useRunDefinition } from '../../hooks/useRunDefinition';
import { ActionButton } from '../ActionButton/ActionButton';
import { OnlyMembersCan } from '../Person/Person';
import { RunDialog } from '../RunDialog/RunDialog';
import { RunRequestedDialog } from '../RunDialog/RunRequestedDialog';

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
  /**
   * Values to fill the Run dialog with instead of the defaults: a past run's, for "Run again".
   * The button then says "Run again".
   */
  initialValues?: Record<string, ParameterValue>;
  /** Called with the new run once the backend created it. */
  onStarted?: (run: JobRun) => void;
  /**
   * Called with the run request once the backend took it: a run asked for at a time ("At…"),
   * or of a Job that needs approval.
   */
  onRequested?: (request: RunRequest) => void;
  /**
   * Called when the backend refused because a run is already active (409): what the page
   * shows is out of date, and should be loaded again.
   */
  onConflict?: () => void;
}

/** Why Run is disabled, or undefined when it may be pressed. */
function runDisabledReason(
  props: RunDefinitionButtonProps,
  allowed: boolean,
): ReactNode | undefined {
  const { definition, hasActiveRun } = props;
  if (!allowed) {
    return (
      <OnlyMembersCan
        ownerRef={definition.entityOwnerRef}
        action="run this Job"
      />
    );
  }
  if (definition.approvalError) {
    return 'Who must approve its runs is written wrongly: its owners must fix it before it can run.';
  }
  if (definition.parametersError) {
    return 'The choices this Job asks for are written wrongly: its owners must fix them before it can run.';
  }
  // A run that needs approval is asked for, and starts later: an active run does not stop that.
  if (hasActiveRun && !definition.allowParallelRuns && !definition.approval) {
    return 'A run is in progress, and this Job runs one at a time: wait for it to finish or stop it.';
  }
  return undefined;
}

/**
 * The Run button of a definition: checks the permission, confirms, starts the run. Disabled,
 * with the reason written next to it, when the user may not run the Job or when a run is
 * already active and the Job runs one at a time.
 *
 * @public
 */
export function RunDefinitionButton(props: RunDefinitionButtonProps) {
  const {
    definition,
    entityRef,
    hasActiveRun,
    initialValues,
    onStarted,
    onRequested,
    onConflict,
  } = props;
  const again = !!initialValues;
  const needsApproval = !!definition.approval;
  const action = useRunDefinition();
  const ask = useRequestRun();
  const [requested, setRequested] = useState<RunRequest>();
  const dialog = useConfirmedAction(action, {
    toast: run => ({ title: `Started ${run.name}`, status: 'success' }),
    onDone: onStarted,
  });
  const confirm = async (
    parameters: Record<string, ParameterValue>,
    at?: string,
  ) => {
    const values = definition.parameters?.length ? parameters : undefined;
    if (!needsApproval && !at) {
      await dialog.confirm(definition, entityRef, values);
      return;
    }
    const request = await ask.execute(definition, entityRef, {
      ...(values && { parameters: values }),
      ...(at && { at }),
    });
    if (request) {
      dialog.close();
      setRequested(request);
      onRequested?.(request);
    }
  };
  const close = () => {
    dialog.close();
    ask.reset();
  };
  const permission = usePermission({
    permission: kubernetesJobsRunPermission,
    resourceRef: entityRef,
  });

  // A refusal is shown in the dialog; a conflict also means the page missed the active run.
  const error = action.error ?? ask.error;
  const onConflictRef = useRef(onConflict);
  onConflictRef.current = onConflict;
  useEffect(() => {
    if (error && ResponseError.is(error) && error.statusCode === 409) {
      onConflictRef.current?.();
    }
  }, [error]);

  return (
    <>
      <ActionButton
        label={
          (again && 'Run again') || (needsApproval && 'Ask for a run') || 'Run'
        }
        ariaLabel={
          (again && `Run ${definition.name} again with these values`) ||
          (needsApproval && `Ask for a run of ${definition.name}`) ||
          `Run ${definition.name}`
        }
        icon={<PlayArrowIcon />}
        onClick={dialog.ask}
        busy={permission.loading}
        disabledReason={
          permission.loading
            ? undefined
            : runDisabledReason(props, permission.allowed)
        }
      />
      {dialog.open && (
        <RunDialog
          open
          definition={definition}
          hasActiveRun={hasActiveRun}
          pending={action.pending || ask.pending}
          error={error}
          initialValues={initialValues}
          onConfirm={confirm}
          onEdit={() => {
            action.reset();
            ask.reset();
          }}
          onClose={close}
        />
      )}
      {requested && (
        <RunRequestedDialog
          request={requested}
          onClose={() => setRequested(undefined)}
        />
      )}
    </>
  );
}
