import { Fragment } from 'react';
import Typography from '@material-ui/core/Typography';
import { JobRun } from '@job-assistant/plugin-kubernetes-jobs-common';
import { useRunRequest } from '../../hooks/useRunRequest';
import { Person } from '../Person/Person';

/** Props of {@link RunApproval}. */
export interface RunApprovalProps {
  run: JobRun;
  entityRef: string;
}

/**
 * For a run that was asked for (at a time, or needing approval): "Asked by Jane Doe, approved
 * by Sam (“Checked the backup”)". The names come from the run's record; the comments from its
 * request, read when there is one.
 */
export function RunApproval(props: RunApprovalProps) {
  const { run, entityRef } = props;
  const request = useRunRequest(run.requestId, entityRef);
  if (!run.requestId && !run.approvedBy?.length) {
    return null;
  }
  const requester = request.value?.requestedBy ?? run.triggeredBy;
  const approvals =
    request.value?.decisions.filter(d => d.decision === 'approve') ??
    (run.approvedBy ?? []).map(by => ({ by, comment: undefined }));
  return (
    <Typography variant="body2" style={{ marginTop: 16 }}>
      {requester ? (
        <>
          Asked by <Person entityRef={requester} />
        </>
      ) : (
        'Asked for'
      )}
      {approvals.length > 0 ? ', approved by ' : ''}
      {approvals.map((approval, i) => (
        <Fragment key={approval.by}>
          {i > 0 && (i === approvals.length - 1 ? ' and ' : ', ')}
          <Person entityRef={approval.by} />
          {approval.comment && <> (“{approval.comment}”)</>}
        </Fragment>
      ))}
      {request.value?.notBefore && !approvals.length
        ? ', to run at a chosen time'
        : ''}
    </Typography>
  );
}
