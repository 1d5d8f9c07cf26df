import {
  DefinitionLocation,
  ParameterValue,
  RunRequest,
  RunRequestApproval,
} from '@job-assistant/plugin-kubernetes-jobs-common';

/** A request as stored: what the API shows, and what only the backend reads. */
export interface StoredRunRequest extends RunRequest {
  /** The definition object the request was made for. */
  definitionUid: string;
  /** A hash of the definition's Job spec when the request was made. */
  specFingerprint: string;
  /** Set while (or once) a replica starts it. */
  claimedAt?: string;
}

/** A request to record. */
export interface NewRunRequest {
  id: string;
  key: DefinitionLocation;
  definitionUid: string;
  specFingerprint: string;
  entityRef: string;
  requestedBy: string;
  requestedAt: Date;
  parameters?: Record<string, ParameterValue>;
  notBefore?: Date;
  approval?: RunRequestApproval;
  expiresAt?: Date;
  state: 'WaitingForApproval' | 'Scheduled';
}

/** One person's decision on a request waiting for approval. */
export interface NewDecision {
  by: string;
  at: Date;
  decision: 'approve' | 'reject';
  comment?: string;
  /** For a rejection: what the request's `stateReason` says. */
  reason?: string;
}

/** What became of a decision. The store decides atomically; the service says it in words. */
export type DecisionOutcome =
  | { status: 'not-found' }
  /** The request no longer waits for approval (decided, cancelled, expired, started). */
  | { status: 'not-waiting'; request: StoredRunRequest }
  /** It waits, but past its expiry: the sweep has not got to it yet. */
  | { status: 'expired'; request: StoredRunRequest }
  /** This person already decided on it. */
  | { status: 'already-decided'; request: StoredRunRequest }
  /** Approved, and more approvals are needed. */
  | { status: 'recorded'; request: StoredRunRequest }
  /** The last needed approval: the request is now `Scheduled`. */
  | { status: 'approved'; request: StoredRunRequest }
  /** Rejected: the request is now `Rejected`. */
  | { status: 'rejected'; request: StoredRunRequest };

/**
 * Run requests and their decisions. Every change of state is one atomic update guarded by the
 * state it changes from, so replicas and concurrent callers cannot both make it: two approvers
 * approving at once are counted one after the other, a due request is claimed by one replica,
 * a claimed request can no longer be cancelled.
 */
export interface RunRequestStore {
  create(request: NewRunRequest): Promise<StoredRunRequest>;
  get(id: string): Promise<StoredRunRequest | undefined>;
  /** A definition's requests: those still waiting first, then the newest. */
  listForDefinition(
    key: DefinitionLocation,
    options: { limit: number },
  ): Promise<StoredRunRequest[]>;
  /** Requests still waiting (for approval only, with `waitingForApproval`), newest first. */
  listPending(options: {
    waitingForApproval?: boolean;
    limit: number;
  }): Promise<StoredRunRequest[]>;
  /**
   * Records an approval or a rejection of a request waiting for approval and not expired at
   * `at`; on the last needed approval the request becomes `Scheduled`, on a rejection `Rejected`.
   */
  decide(id: string, decision: NewDecision): Promise<DecisionOutcome>;
  /**
   * Cancels a request still waiting that no replica is starting. False when it was not so
   * (the caller reads it again to say why).
   */
  cancel(id: string, options: { reason: string; at: Date }): Promise<boolean>;
  /** Expires the requests waiting for approval past their expiry; answers those it expired. */
  expireDue(now: Date): Promise<StoredRunRequest[]>;
  /** Ids of `Scheduled` requests due at `now` that no replica has claimed. */
  dueIds(now: Date, limit: number): Promise<string[]>;
  /**
   * Claims a due request for starting it: true for exactly one caller, across replicas (an
   * update guarded by `state = 'Scheduled' AND claimed_at IS NULL`, affecting one row or none).
   */
  claim(id: string, at: Date): Promise<boolean>;
  /** Gives a claim back, when the start may be tried again (the cluster could not be reached). */
  unclaim(id: string): Promise<void>;
  /** Records how a claimed request ended: its run, or why it did not start. */
  finish(
    id: string,
    outcome:
      | { state: 'Started'; runName: string }
      | { state: 'NotStarted'; reason: string },
    at: Date,
  ): Promise<StoredRunRequest | undefined>;
  /** Claimed requests still `Scheduled` whose claim is older than `before` (a replica died). */
  staleClaims(before: Date): Promise<StoredRunRequest[]>;
  /** Retention: deletes requests that ended before `olderThan`. */
  cleanup(olderThan: Date): Promise<number>;
}
