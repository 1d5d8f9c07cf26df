import { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';

/**
 * One labelled fact of a description list ("Started by", "Took"): a dash when there is
 * nothing to say.
 */
export function Fact(props: {
  label: string;
  children: ReactNode;
  /** Width bounds of the fact in a wrapping row of facts. */
  minWidth?: number;
  maxWidth?: number;
}) {
  return (
    <Box minWidth={props.minWidth ?? 140} maxWidth={props.maxWidth}>
      <Typography variant="overline" color="textSecondary" component="dt">
        {props.label}
      </Typography>
      <Typography variant="body2" component="dd" style={{ margin: 0 }}>
        {props.children || '—'}
      </Typography>
    </Box>
  );
}
