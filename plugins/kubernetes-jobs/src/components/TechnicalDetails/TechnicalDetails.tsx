import { ReactNode, useState } from 'react';
import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';

let nextId = 0;

/** Props of {@link TechnicalDetails}. */
export interface TechnicalDetailsProps {
  children: ReactNode;
  /** What the section is about, for the accessible name ("Technical details of this run"). */
  about?: string;
}

/**
 * A collapsed "Technical details" section: where Kubernetes' own terms live (namespace,
 * cluster, images, pods, events), out of the way of people who do not need them. Its content
 * mounts only when opened, so what it loads (such as events) is asked for only then.
 */
export function TechnicalDetails(props: TechnicalDetailsProps) {
  const [id] = useState(() => `kubernetes-jobs-technical-${++nextId}`);
  return (
    <Accordion
      variant="outlined"
      TransitionProps={{ unmountOnExit: true }}
      style={{ marginTop: 16 }}
    >
      <AccordionSummary
        expandIcon={<ExpandMoreIcon />}
        id={`${id}-summary`}
        aria-controls={`${id}-content`}
        aria-label={
          props.about ? `Technical details ${props.about}` : undefined
        }
      >
        <Typography>Technical details</Typography>
      </AccordionSummary>
      <AccordionDetails id={`${id}-content`}>
        <Box
          width="100%"
          display="flex"
          flexDirection="column"
          style={{ gap: 16 }}
        >
          {props.children}
        </Box>
      </AccordionDetails>
    </Accordion>
  );
}

/** Label / value pairs in a technical details section. */
export function TechnicalFacts(props: {
  facts: Array<[label: string, value: ReactNode]>;
}) {
  return (
    <Box
      component="dl"
      display="grid"
      style={{
        gridTemplateColumns: 'max-content 1fr',
        gap: '4px 16px',
        margin: 0,
      }}
    >
      {props.facts.map(([label, value]) => (
        <Box key={label} display="contents">
          <Typography variant="body2" color="textSecondary" component="dt">
            {label}
          </Typography>
          <Typography
            variant="body2"
            component="dd"
            style={{ margin: 0, overflowWrap: 'anywhere' }}
          >
            {value ?? '—'}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}
