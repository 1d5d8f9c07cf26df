import { Fragment } from 'react';
import {
  RunRequest,
  RunRequestApproval,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { describeWhen, formatRelativeTime, plural } from '../../utils/format';
import { Person } from '../Person/Person';

/** How many approvals a request still needs. */
export function approvalsMissing(request: RunRequest): number {
  const given = request.decisions.filter(d => d.decision === 'approve').length;
  return Math.max(0, (request.approval?.required ?? 0) - given);
}

/** Props of {@link ApproverGroups}. */
export interface ApproverGroupsProps {
  groups: string[];
}

/** "team-sre", "team-sre or dba", or who the policy allows when no group is named. */
export function ApproverGroups(props: ApproverGroupsProps) {
  const { groups } = props;
  if (groups.length === 0) {
    return <>someone allowed to approve it</>;
  }
  return (
    <>
      {groups.map((group, i) => (
        <Fragment key={group}>
          {i > 0 && (i === groups.length - 1 ? ' or ' : ', ')}
          <Person entityRef={group} defaultKind="group" link={false} />
        </Fragment>
      ))}
    </>
  );
}

/** Props of {@link ApprovalNeeded}. */
export interface ApprovalNeededProps {
  approval: RunRequestApproval;
  /** How many are still needed, when fewer than `approval.required`. */
  missing?: number;
  /** Leaves out why approval is needed. */
  withoutReason?: boolean;
}

/** "1 approval from team-sre (every run on cluster production needs approval)". */
export function ApprovalNeeded(props: ApprovalNeededProps) {
  const { approval, missing = approval.required, withoutReason } = props;
  return (
    <>
      {plural(missing, 'approval')} from{' '}
      <ApproverGroups groups={approval.approverGroups} />
      {!withoutReason && approval.reason && <> ({approval.reason})</>}
    </>
  );
}

/** Props of {@link RequestOutcome}. */
export interface RequestOutcomeProps {
  request: RunRequest;
  now?: number;
}

/**
 * What happens next to a request that was just asked for: "Asked. It needs 1 approval from
 * team-sre before it runs." or "It will run tonight at 02:00 (in 6 hours)."
 */
export function RequestOutcome(props: RequestOutcomeProps) {
  const { request, now } = props;
  const when = describeWhen(request.notBefore, { now });
  switch (request.state) {
    case 'WaitingForApproval':
      return (
        <>
          Asked. It needs{' '}
          {request.approval && (
            <ApprovalNeeded
              approval={request.approval}
              missing={approvalsMissing(request)}
              withoutReason
            />
          )}{' '}
          before it runs
          {when ? <>, then it will run {when}</> : null}. You will be told when
          it is decided.
        </>
      );
    case 'Scheduled':
      return <>It will run {when || 'soon'}.</>;
    case 'Started':
      return <>It started{request.run ? `: ${request.run.name}` : ''}.</>;
    default:
      return <RequestStatus request={request} now={now} />;
  }
}

/** Props of {@link RequestStatus}. */
export interface RequestStatusProps {
  request: RunRequest;
  now?: number;
  /** Links people to their catalog page. */
  link?: boolean;
}

/**
 * Where a request stands, in one line: "Runs tonight at 02:00 (in 6 hours), asked by Jane Doe",
 * "Waiting for approval from team-sre (asked by Jane Doe 5 minutes ago)", "Not started: the Job
 * changed after it was approved".
 */
export function RequestStatus(props: RequestStatusProps) {
  const { request, now, link = false } = props;
  const by = <Person entityRef={request.requestedBy} link={link} />;
  const when = describeWhen(request.notBefore, { now });
  const rejection = request.decisions.find(d => d.decision === 'reject');
  switch (request.state) {
    case 'Scheduled':
      return (
        <>
          Runs {when || 'as soon as possible'}, asked by {by}
        </>
      );
    case 'WaitingForApproval':
      return (
        <>
          Waiting for approval from{' '}
          <ApproverGroups groups={request.approval?.approverGroups ?? []} />{' '}
          (asked by {by} {formatRelativeTime(request.requestedAt, now)})
          {when && <>, to run {when}</>}
        </>
      );
    case 'Started':
      return (
        <>
          Started{request.run ? ` as ${request.run.name}` : ''}, asked by {by}
        </>
      );
    case 'Rejected':
      return (
        <>
          Rejected
          {rejection && (
            <>
              {' '}
              by <Person entityRef={rejection.by} link={link} />
              {rejection.comment && <> ({rejection.comment})</>}
            </>
          )}
          , asked by {by}
        </>
      );
    case 'Expired':
      return <>Expired: not approved in time, asked by {by}</>;
    case 'Cancelled': {
      // The backend says "cancelled by user:default/jane": the person, as the catalog names them.
      const canceller = /^cancelled by (\S+)$/.exec(request.stateReason ?? '');
      return (
        <>
          Cancelled
          {canceller && canceller[1] !== request.requestedBy && (
            <>
              {' '}
              by <Person entityRef={canceller[1]} link={link} />
            </>
          )}
          , asked by {by}
        </>
      );
    }
    case 'NotStarted':
      return (
        <>
          Not started: {request.stateReason ?? 'it could not start'}, asked by{' '}
          {by}
        </>
      );
    default:
      return null;
  }
}
