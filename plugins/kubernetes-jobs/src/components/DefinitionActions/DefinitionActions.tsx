import { DefinitionSummary } from '@job-assistant/plugin-kubernetes-jobs-common';
import { hasActiveRun, isActiveRun } from '../../utils/runs';
import { KillRunButton } from '../KillRunButton/KillRunButton';
import { RunDefinitionButton } from '../RunDefinitionButton/RunDefinitionButton';

/** Props of {@link DefinitionActions}. */
export interface DefinitionActionsProps {
  item: DefinitionSummary;
  /** The entity the definition belongs to; the backend checks permissions on it. */
  entityRef: string;
  /** Called after a run was started or killed, to refresh the list. */
  onChange: () => void;
}

/**
 * The actions of a definition's row: Run, and Kill while its last run is active.
 */
export function DefinitionActions(props: DefinitionActionsProps) {
  const { item, entityRef, onChange } = props;
  const lastRun = item.stats.lastRun;
  return (
    <>
      <RunDefinitionButton
        definition={item.definition}
        entityRef={entityRef}
        hasActiveRun={hasActiveRun(item)}
        onStarted={onChange}
      />
      {lastRun && isActiveRun(lastRun) && (
        <KillRunButton
          run={lastRun}
          entityRef={entityRef}
          onKilled={onChange}
        />
      )}
    </>
  );
}
