import { useEffect, useState } from 'react';
import { Progress } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';

/** After how long a load is said to be slow. */
export const SLOW_AFTER_MS = 5000;

/** Props of {@link SlowProgress}. */
export interface SlowProgressProps {
  /** Said once the load takes longer than {@link SLOW_AFTER_MS}. */
  slowMessage?: string;
}

/**
 * A progress bar that, when the answer is slow to come, says what it is waiting for instead
 * of spinning forever without a word.
 */
export function SlowProgress(props: SlowProgressProps) {
  const {
    slowMessage = 'Still waiting for the clusters to answer. A cluster that does not answer in time is named here, and the others are shown.',
  } = props;
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setSlow(true), SLOW_AFTER_MS);
    return () => clearTimeout(timer);
  }, []);
  return (
    <>
      <Progress />
      {slow && (
        <Typography
          role="status"
          color="textSecondary"
          style={{ marginTop: 8 }}
        >
          {slowMessage}
        </Typography>
      )}
    </>
  );
}
