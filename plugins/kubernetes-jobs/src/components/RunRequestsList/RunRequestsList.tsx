import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import {
  JobDefinition,
  RunRequest,
  isPendingRequestState,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { RequestStatus } from '../RunRequestWords/RunRequestWords';
import { RunRequestActions } from './RunRequestActions';
import { RunRequestFacts } from './RunRequestFacts';

/** Props of {@link RunRequestItem}. */
export interface RunRequestItemProps {
  request: RunRequest;
  definition?: JobDefinition;
  currentUser?: string;
  /** Names the Job in the line (where the list mixes several Jobs). */
  showName?: boolean;
  onChange: () => void;
}

/** One request: where it stands in a line, what the user may do, and its details on demand. */
export function RunRequestItem(props: RunRequestItemProps) {
  const { request, definition, currentUser, showName, onChange } = props;
  const [open, setOpen] = useState(false);
  const detailsId = `run-request-${request.id}-details`;
  return (
    <Box component="li" py={1}>
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 8 }}
      >
        <Typography variant="body2">
          {showName && <strong>{request.definition.name}: </strong>}
          <RequestStatus request={request} />
        </Typography>
        <Button
          size="small"
          onClick={() => setOpen(!open)}
          aria-expanded={open}
          aria-controls={detailsId}
        >
          {open ? 'Hide details' : 'Details'}
        </Button>
        <Box flexGrow={1} />
        <RunRequestActions
          request={request}
          currentUser={currentUser}
          onChange={onChange}
        />
      </Box>
      {open && (
        <div id={detailsId}>
          <RunRequestFacts request={request} definition={definition} />
        </div>
      )}
    </Box>
  );
}

/** Props of {@link RunRequestsList}. */
export interface RunRequestsListProps {
  requests: RunRequest[];
  /** The definition as it is now, for the technical details of its requests. */
  definition?: JobDefinition;
  currentUser?: string;
  showName?: boolean;
  /** Called after a request was approved, rejected or cancelled. */
  onChange: () => void;
}

/**
 * "Waiting runs": runs asked for that wait for their time or their approvals, with Cancel,
 * Approve and Reject for those who may; and, behind a toggle, earlier requests and how they
 * ended (rejected, expired, cancelled, not started and why). Nothing when there is neither.
 */
export function RunRequestsList(props: RunRequestsListProps) {
  const { requests, definition, currentUser, showName, onChange } = props;
  const [showEarlier, setShowEarlier] = useState(false);
  const waiting = requests.filter(r => isPendingRequestState(r.state));
  const earlier = requests.filter(r => !isPendingRequestState(r.state));
  if (requests.length === 0) {
    return null;
  }
  const item = (request: RunRequest) => (
    <RunRequestItem
      key={request.id}
      request={request}
      definition={definition}
      currentUser={currentUser}
      showName={showName}
      onChange={onChange}
    />
  );
  return (
    <section aria-label="Waiting runs">
      <Typography variant="h6" component="h3">
        Waiting runs
      </Typography>
      {waiting.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No run waits for its time or for approval.
        </Typography>
      ) : (
        <Box component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
          {waiting.map(item)}
        </Box>
      )}
      {earlier.length > 0 && (
        <>
          <Button
            size="small"
            onClick={() => setShowEarlier(!showEarlier)}
            aria-expanded={showEarlier}
          >
            {showEarlier
              ? 'Hide earlier requests'
              : `Earlier requests (${earlier.length})`}
          </Button>
          {showEarlier && (
            <Box
              component="ul"
              m={0}
              p={0}
              style={{ listStyle: 'none' }}
              aria-label="Earlier requests"
            >
              {earlier.map(item)}
            </Box>
          )}
        </>
      )}
    </section>
  );
}
