import { DefinitionKind, ParameterValue } from './types';

/**
 * Where a run request stands.
 *
 * - `WaitingForApproval`: it needs approvals it does not have yet (it expires at `expiresAt`);
 * - `Scheduled`: approved (or needing none), it waits for its time (`notBefore`);
 * - `Started`: its run was created (`run`);
 * - `Rejected`: an approver refused it;
 * - `Expired`: it was not approved in time;
 * - `Cancelled`: the requester, or someone who may stop the Job's runs, called it off;
 * - `NotStarted`: its time came but the run could not start (`stateReason` says why).
 *
 * @public
 */
export type RunRequestState =
  | 'WaitingForApproval'
  | 'Scheduled'
  | 'Started'
  | 'Rejected'
  | 'Expired'
  | 'Cancelled'
  | 'NotStarted';

/**
 * The states of a request that still waits (for approvals, or for its time): it may still
 * start, and can be cancelled.
 *
 * @public
 */
export const PENDING_REQUEST_STATES: readonly RunRequestState[] = [
  'WaitingForApproval',
  'Scheduled',
];

/**
 * The one rule for "still waiting" ({@link PENDING_REQUEST_STATES}). Backend and frontend both use it.
 *
 * @public
 */
export function isPendingRequestState(
  state: RunRequestState | undefined,
): boolean {
  return state !== undefined && PENDING_REQUEST_STATES.includes(state);
}

/**
 * The approval a run request needs: from the definition's annotations
 * (`job-assistant/approval`, `job-assistant/approvers`) and the backend's config
 * (`kubernetesJobs.approvals`), the stricter winning.
 *
 * @public
 */
export interface RunRequestApproval {
  /** How many different people (never the requester) must approve. */
  required: number;
  /**
   * Entity refs of the groups whose members may approve (`group:default/team-sre`); empty when
   * anyone the permission policy allows may approve.
   */
  approverGroups: string[];
  /**
   * Why, in plain words: "the Job asks for one approval", "every run on cluster production needs
   * approval", or both joined with "and".
   */
  reason: string;
}

/**
 * One approver's decision on a run request.
 *
 * @public
 */
export interface RunRequestDecision {
  /** The approver's user entity ref. */
  by: string;
  /** When (ISO 8601, UTC). */
  at: string;
  /** Approved or rejected. */
  decision: 'approve' | 'reject';
  /** What the approver said. */
  comment?: string;
}

/**
 * A request for a run that waits for a time (run later), for approvals (four-eyes), or both,
 * and then starts exactly one run, with the requester as the one who triggered it. Requests stay
 * as history: who asked, who approved or refused, when it started or why it did not.
 *
 * @public
 */
export interface RunRequest {
  /** Its id: what the `/requests/:id` routes take. */
  id: string;
  /** Cluster of the definition. */
  cluster: string;
  /** Namespace of the definition. */
  namespace: string;
  /** The definition it asks to run. */
  definition: { kind: DefinitionKind; name: string };
  /** The catalog entity it was asked through (permissions are checked on it). */
  entityRef: string;
  /** Who asked (a user entity ref). */
  requestedBy: string;
  /** When (ISO 8601, UTC). */
  requestedAt: string;
  /** The parameter values, as checked when it was asked for. */
  parameters?: Record<string, ParameterValue>;
  /** Not before this time (ISO 8601, UTC); absent: as soon as it may. */
  notBefore?: string;
  /** The approval it needs; absent when it needs none. */
  approval?: RunRequestApproval;
  /** Approvals and rejections, oldest first. */
  decisions: RunRequestDecision[];
  /** When a request waiting for approval expires (ISO 8601, UTC). */
  expiresAt?: string;
  /** Where it stands. */
  state: RunRequestState;
  /**
   * Why it ended so, in plain words: "the Job changed after it was approved", "another run was
   * still going: migrate-x7k2p", "cancelled by user:default/jane".
   */
  stateReason?: string;
  /** The run it started. */
  run?: { name: string };
  /** When it last changed (ISO 8601, UTC). */
  updatedAt: string;
}

/**
 * A list of run requests.
 *
 * @public
 */
export interface RunRequestList {
  /** The requests: those still waiting first, then the newest. */
  items: RunRequest[];
}
