import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { ParameterValue } from '@job-assistant/plugin-kubernetes-jobs-common';
import { formatParameterValue } from '../../utils/format';
import { Fact } from './Fact';

/** The values chosen for a run (or a run request), as a person reads them; nothing when none. */
export function ChosenParameters(props: {
  parameters?: Record<string, ParameterValue>;
}) {
  const entries = Object.entries(props.parameters ?? {});
  if (!entries.length) return null;
  return (
    <Box mt={2}>
      <Typography variant="overline" color="textSecondary" component="h4">
        Chosen for this run
      </Typography>
      <Box
        component="dl"
        display="flex"
        flexWrap="wrap"
        style={{ gap: 24, margin: 0 }}
        aria-label="Chosen for this run"
      >
        {entries.map(([name, value]) => (
          <Fact key={name} label={name}>
            {formatParameterValue(value)}
          </Fact>
        ))}
      </Box>
    </Box>
  );
}
