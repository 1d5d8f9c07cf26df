import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  JobDefinition,
  RunRequest,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { formatTimestamp } from '../../utils/format';
import { DefinitionTechnicalFacts } from '../DefinitionView/DefinitionTechnicalFacts';
import { ChosenParameters } from '../Fact/ChosenParameters';
import { Fact } from '../Fact/Fact';
import { Person } from '../Person/Person';
import { TechnicalDetails } from '../TechnicalDetails/TechnicalDetails';
import { ApprovalNeeded } from '../RunRequestWords/RunRequestWords';

/** Props of {@link RunRequestFacts}. */
export interface RunRequestFactsProps {
  request: RunRequest;
  /** The definition as it is now: what will run once the request starts. */
  definition?: JobDefinition;
}

/**
 * What an approver looks at before deciding: who asked, when, with which choices, on which
 * cluster, who decided what; and, under technical details, the Job as it will run.
 */
export function RunRequestFacts(props: RunRequestFactsProps) {
  const { request, definition } = props;
  return (
    <Box mt={1}>
      <Box
        component="dl"
        display="flex"
        flexWrap="wrap"
        style={{ gap: 24, margin: 0 }}
        aria-label="About this request"
      >
        <Fact label="Asked by">
          <Person entityRef={request.requestedBy} />
        </Fact>
        <Fact label="Asked">{formatTimestamp(request.requestedAt)}</Fact>
        <Fact label="Runs">
          {request.notBefore
            ? formatTimestamp(request.notBefore)
            : 'As soon as it may'}
        </Fact>
        <Fact label="On cluster">{request.cluster}</Fact>
        {request.approval && (
          <Fact label="Needs">
            <ApprovalNeeded approval={request.approval} />
          </Fact>
        )}
        {request.expiresAt && request.state === 'WaitingForApproval' && (
          <Fact label="Expires">{formatTimestamp(request.expiresAt)}</Fact>
        )}
      </Box>
      <ChosenParameters parameters={request.parameters} />
      {request.decisions.length > 0 && (
        <Box mt={2} component="ul" pl={2} aria-label="Decisions">
          {request.decisions.map(d => (
            <Typography key={`${d.by}-${d.at}`} component="li" variant="body2">
              {d.decision === 'approve' ? 'Approved' : 'Rejected'} by{' '}
              <Person entityRef={d.by} /> on {formatTimestamp(d.at)}
              {d.comment && <>: “{d.comment}”</>}
            </Typography>
          ))}
        </Box>
      )}
      {definition && (
        <TechnicalDetails about="of the Job as it will run">
          <DefinitionTechnicalFacts definition={definition} />
        </TechnicalDetails>
      )}
    </Box>
  );
}
