import {
  EntityDisplayName,
  EntityRefLink,
} from '@backstage/plugin-catalog-react';
import { JobRun } from '@job-assistant/plugin-kubernetes-jobs-common';

/** Props of {@link Person}. */
export interface PersonProps {
  /** A user (or group) entity ref. */
  entityRef: string;
  /** Links to the catalog page of the person (default); plain text inside dialogs and claims. */
  link?: boolean;
  defaultKind?: 'user' | 'group';
}

/**
 * A person or team as the catalog presents them ("Guest (team-shop)"): the one way the plugin
 * shows people, so a name reads the same in lists, details and dialogs.
 */
export function Person(props: PersonProps) {
  const { entityRef, link = true, defaultKind = 'user' } = props;
  return link ? (
    <EntityRefLink entityRef={entityRef} defaultKind={defaultKind} hideIcon />
  ) : (
    <EntityDisplayName
      entityRef={entityRef}
      defaultKind={defaultKind}
      hideIcon
      disableTooltip
    />
  );
}

/** Props of {@link RunTrigger}. */
export interface RunTriggerProps {
  run: JobRun;
  /** Links the person to their catalog page (default). */
  link?: boolean;
}

/**
 * How a run was started, as a phrase that follows a time: "by Guest (team-shop)", "by
 * schedule", "started outside the portal (claims: …)". Who started a run comes from the
 * backend's own record only; what the Job's annotation claims is shown as a claim, never as the
 * person who started it, since anyone who may write Jobs in the cluster can write it.
 */
export function RunTrigger(props: RunTriggerProps) {
  const { run, link } = props;
  if (run.trigger === 'schedule') {
    return <>by schedule</>;
  }
  if (run.trigger === 'outside') {
    return (
      <>
        started outside the portal
        {run.claimedTriggeredBy && (
          <>
            {' '}
            (claims: <Person entityRef={run.claimedTriggeredBy} link={false} />)
          </>
        )}
      </>
    );
  }
  if (run.triggeredBy) {
    return (
      <>
        by <Person entityRef={run.triggeredBy} link={link} />
      </>
    );
  }
  return run.trigger === 'portal' ? <>from the portal</> : null;
}

/** Props of {@link OnlyMembersCan}. */
export interface OnlyMembersCanProps {
  /** The owner of the entity (`spec.owner`), when known. */
  ownerRef?: string;
  action:
    | 'run this Job'
    | 'stop this run'
    | 'pause this schedule'
    | 'resume this schedule';
}

/**
 * Why a user may not act, saying who may: "Only members of team-shop can run this Job". Without
 * a known owner, only that the user may not.
 */
export function OnlyMembersCan(props: OnlyMembersCanProps) {
  const { ownerRef, action } = props;
  if (!ownerRef) {
    return <>You are not allowed to {action}</>;
  }
  return (
    <>
      Only members of{' '}
      <Person entityRef={ownerRef} defaultKind="group" link={false} /> can{' '}
      {action}
    </>
  );
}
