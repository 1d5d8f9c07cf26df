import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  DefinitionStats,
  JobRun,
  runProgress,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { useNow } from '../../hooks/useNow';
import { describeRunProgress } from './describeRunProgress';

const useStyles = makeStyles(theme => ({
  bar: {
    height: 6,
    borderRadius: 3,
  },
  slow: {
    backgroundColor: theme.palette.warning.main,
  },
}));

/** Props of {@link RunProgress}. */
export interface RunProgressProps {
  run: Pick<JobRun, 'state' | 'startedAt'>;
  /** The stats of the run's definition: how long its runs usually take. */
  stats: Pick<DefinitionStats, 'typicalDurationSeconds' | 'slowAfterSeconds'>;
}

/**
 * How far a running run is against how long its runs usually take: a bar that never reaches
 * the end while the run goes on, and the same in words ("About 3 of usually 4 minutes",
 * "Taking longer than usual"). It moves while the page is open. Nothing when the run is not
 * running or its definition has too little history to say what is usual.
 */
export function RunProgress(props: RunProgressProps) {
  const { run, stats } = props;
  const classes = useStyles();
  const now = useNow({ enabled: run.state === 'Running' });
  const progress = runProgress(run, stats, now);
  if (!progress) {
    return null;
  }
  const words = describeRunProgress(progress);
  return (
    <Box maxWidth={260} mt={0.5} mb={0.5}>
      <LinearProgress
        variant="determinate"
        value={progress.fraction * 100}
        aria-label="Time taken against the usual"
        aria-valuetext={words}
        className={classes.bar}
        classes={progress.slow ? { barColorPrimary: classes.slow } : undefined}
      />
      <Typography
        variant="body2"
        color={progress.slow ? 'textPrimary' : 'textSecondary'}
        component="div"
        style={{ marginTop: 4 }}
      >
        {words}
      </Typography>
    </Box>
  );
}
