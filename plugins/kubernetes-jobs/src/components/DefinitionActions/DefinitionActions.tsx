import { DefinitionSummary } from '@job-assistant/plugin-kubernetes-jobs-common';
import { hasActiveRun, isActiveRun } from '../../utils/runs';
import { RunDefinitionButton } from '../RunDefinitionButton/RunDefinitionButton';
import { StopRunButton } from '../StopRunButton/StopRunButton';

/** Props of {@link DefinitionActions}. */
export interface DefinitionActionsProps {
  item: DefinitionSummary;
  /** The entity the definition belongs to; the backend checks permissions on it. */
  entityRef: string;
  /** Called after a run was started or stopped, or a start refused, to refresh the list. */
  onChange: () => void;
  /** Called after a run was asked for (at a time, or needing approval). */
  onRequested?: () => void;
}

/**
 * The actions of a definition's row: Run, and Stop while its last run is active (the one run
 * the row shows).
 */
export function DefinitionActions(props: DefinitionActionsProps) {
  const { item, entityRef, onChange, onRequested } = props;
  const lastRun = item.stats.lastRun;
  return (
    <>
      <RunDefinitionButton
        definition={item.definition}
        entityRef={entityRef}
        hasActiveRun={hasActiveRun(item)}
        onStarted={onChange}
        onRequested={onRequested}
        onConflict={onChange}
      />
      {lastRun && isActiveRun(lastRun) && (
        <StopRunButton
          run={lastRun}
          entityRef={entityRef}
          ownerRef={item.definition.entityOwnerRef}
          onStopped={onChange}
        />
      )}
    </>
  );
}
