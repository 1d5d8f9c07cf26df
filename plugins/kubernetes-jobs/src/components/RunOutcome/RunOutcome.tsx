import Typography from '@material-ui/core/Typography';
import { JobRun } from '@job-assistant/plugin-kubernetes-jobs-common';
import { describeFailure } from '../../utils/words';
import { RunStatus } from '../RunStatus/RunStatus';

/** Props of {@link RunOutcome}. */
export interface RunOutcomeProps {
  /** Absent when the definition never ran. */
  run?: JobRun;
}

/** A run's state and, when it failed, why in one sentence below it: a table cell's content. */
export function RunOutcome(props: RunOutcomeProps) {
  const { run } = props;
  const failure = run && describeFailure(run);
  return (
    <>
      <RunStatus state={run?.state} />
      {failure && (
        // Sentences wrap between words; never inside one ("BackoffLimitExceed ed").
        <Typography
          variant="body2"
          color="textSecondary"
          component="div"
          style={{ overflowWrap: 'normal', wordBreak: 'normal' }}
        >
          {failure}
        </Typography>
      )}
    </>
  );
}
