import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  DefinitionLocation,
  RunRequest,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import type { ApprovalRule } from '../config';
import { RunStore } from '../database/RunStore';
import { RunRequestStore, StoredRunRequest } from '../database/RunRequestStore';
import { ActiveRunError, ClusterTimeoutError, statusCodeOf } from '../errors';
import { approvalFor } from './approvalPolicy';
import { EntitySelector } from './entitySelector';
import { specFingerprint } from './fingerprint';
import { DefinitionObject } from './model';
import { RunActions } from './RunActions';

/** What happened to a request, for notifications and signals. */
export type RequestChange =
  | 'requested'
  | 'approved-once'
  | 'approved'
  | 'rejected'
  | 'cancelled'
  | 'expired'
  | 'started'
  | 'not-started';

/** Told of every change of a request: notifications to people, hints to browsers. */
export interface RequestListener {
  requestChanged(request: RunRequest, change: RequestChange): void;
}

/** A due request found this long after its time is not started: the moment has passed. */
export const MISSED_AFTER_MS = 60 * 60 * 1000;
/** A claim this old without an outcome: the replica starting it stopped. */
const STALE_CLAIM_MS = 5 * 60 * 1000;

/** Options of {@link RequestStarter}. */
export interface RequestStarterOptions {
  store: RunRequestStore;
  runs: Pick<RunStore, 'findRunOfRequest'>;
  actions: Pick<RunActions, 'run'>;
  /** The entity a request was made through, resolved now (the catalog, as the backend). */
  entities: (entityRef: string) => Promise<EntitySelector | undefined>;
  approvals: ApprovalRule[];
  listener?: RequestListener;
  /** Audits what the backend does by itself (expire, start), as the backend. */
  auditor?: AuditorService;
  logger: LoggerService;
  now: () => Date;
}

/** A request that cannot start, with the reason in words (never leaves this file). */
class NotStartable extends ConflictError {}

/** The location of a request's definition. */
export function locationOf(request: RunRequest): DefinitionLocation {
  return {
    cluster: request.cluster,
    namespace: request.namespace,
    kind: request.definition.kind,
    name: request.definition.name,
  };
}

/** What the API shows of a stored request. */
export function publicView(request: StoredRunRequest): RunRequest {
  const {
    definitionUid: _uid,
    specFingerprint: _fingerprint,
    claimedAt: _claimed,
    ...view
  } = request;
  return view;
}

/**
 * Starts due run requests exactly once, across replicas: a request is claimed with an atomic
 * update that one caller wins, then started as Run starts a run (the definition read fresh,
 * parameters checked against it as it is then, the one-active-run rule), with the requester as
 * the one who triggered it and its approvers recorded. A request that cannot start ends
 * `NotStarted` with the reason in words.
 */
export class RequestStarter {
  constructor(private readonly options: RequestStarterOptions) {}

  /**
   * One pass: expires requests not approved in time, settles claims of replicas that stopped,
   * and starts the due ones. Any replica may run it at any time.
   */
  async sweep(): Promise<void> {
    const { store, now } = this.options;
    for (const expired of await store.expireDue(now())) {
      await this.audit('job-run-request-expire', expired, async () => ({}));
      this.tell(expired, 'expired');
    }
    await this.settleStaleClaims();
    for (const id of await store.dueIds(now(), 20)) {
      await this.claimAndStart(id);
    }
  }

  /** Starts a due request if this caller wins its claim; answers it as it then stands. */
  async claimAndStart(id: string): Promise<StoredRunRequest | undefined> {
    const { store, now } = this.options;
    if (!(await store.claim(id, now()))) return store.get(id);
    const request = await store.get(id);
    if (!request) return undefined;
    return this.start(request);
  }

  private async start(request: StoredRunRequest) {
    const { store, now } = this.options;
    let outcome:
      | { state: 'Started'; runName: string }
      | { state: 'NotStarted'; reason: string }
      | undefined;
    await this.audit('job-run-request-start', request, async () => {
      try {
        const run = await this.run(request);
        outcome = { state: 'Started', runName: run.name };
        return { run: run.name };
      } catch (error) {
        if (this.mayRetry(request, error)) {
          await store.unclaim(request.id);
          throw error;
        }
        outcome = { state: 'NotStarted', reason: reasonOf(error) };
        throw error;
      }
    }).catch(() => undefined);
    if (!outcome) return store.get(request.id); // given back, tried again next sweep
    const finished = await store.finish(request.id, outcome, now());
    if (finished) {
      this.tell(
        finished,
        outcome.state === 'Started' ? 'started' : 'not-started',
      );
    }
    return finished;
  }

  private async run(request: StoredRunRequest) {
    const { now } = this.options;
    const late =
      request.notBefore &&
      now().getTime() - new Date(request.notBefore).getTime() > MISSED_AFTER_MS;
    if (late) {
      throw new NotStartable(
        `its time (${request.notBefore}) passed more than an hour before the backend could start it`,
      );
    }
    const selector = await this.options.entities(request.entityRef);
    if (!selector) {
      throw new NotStartable(
        `the catalog no longer has ${request.entityRef}, the entity it was asked through`,
      );
    }
    const approvedBy = request.decisions
      .filter(d => d.decision === 'approve')
      .map(d => d.by);
    return this.options.actions.run(selector, locationOf(request), {
      triggeredBy: request.requestedBy,
      parameters: request.parameters,
      request: {
        id: request.id,
        approvedBy,
        check: definition => this.check(request, definition, approvedBy),
      },
    });
  }

  /** An approval is for what was reviewed: the same object, the same spec, enough approvals. */
  private check(
    request: StoredRunRequest,
    definition: DefinitionObject,
    approvedBy: string[],
  ): void {
    const changed =
      definition.metadata?.uid !== request.definitionUid ||
      specFingerprint(definition) !== request.specFingerprint;
    if (changed) {
      throw new NotStartable(
        approvedBy.length
          ? 'the Job changed after it was approved'
          : 'the Job changed after it was asked for',
      );
    }
    const need = approvalFor(
      request.cluster,
      definition,
      this.options.approvals,
    );
    const required = need.approval?.required ?? 0;
    if (required > approvedBy.length) {
      throw new NotStartable(
        `the Job now needs ${required} approval${required === 1 ? '' : 's'} (${
          need.approval!.reason
        }); this request has ${approvedBy.length}`,
      );
    }
  }

  /** A cluster that could not be reached (and surely created nothing) is tried again. */
  private mayRetry(request: StoredRunRequest, error: unknown): boolean {
    if (!(error instanceof ServiceUnavailableError)) return false;
    if (error instanceof ClusterTimeoutError) return false; // the Job may exist
    const since = new Date(request.notBefore ?? request.updatedAt).getTime();
    return this.options.now().getTime() - since < MISSED_AFTER_MS;
  }

  /** A replica that claimed a request and stopped: its run exists, or it was never created. */
  private async settleStaleClaims(): Promise<void> {
    const { store, runs, now } = this.options;
    const stale = await store.staleClaims(
      new Date(now().getTime() - STALE_CLAIM_MS),
    );
    for (const request of stale) {
      const run = await runs.findRunOfRequest(request.id);
      const finished = await store.finish(
        request.id,
        run
          ? { state: 'Started', runName: run.name }
          : {
              state: 'NotStarted',
              reason:
                'the backend starting it stopped before the run was created',
            },
        now(),
      );
      if (finished) this.tell(finished, run ? 'started' : 'not-started');
    }
  }

  private tell(request: StoredRunRequest, change: RequestChange): void {
    try {
      this.options.listener?.requestChanged(publicView(request), change);
    } catch (error) {
      this.options.logger.warn(
        `kubernetes-jobs: could not announce run request ${request.id}: ${
          (error as Error).message
        }`,
      );
    }
  }

  /** An audit event with the backend as actor: nobody asked for this at this moment. */
  private async audit(
    eventId: string,
    request: StoredRunRequest,
    fn: () => Promise<Record<string, string>>,
  ): Promise<void> {
    const event = await this.options.auditor?.createEvent({
      eventId,
      severityLevel: 'medium',
      meta: {
        requestId: request.id,
        entityRef: request.entityRef,
        ...locationOf(request),
        requestedBy: request.requestedBy,
      },
    });
    try {
      const meta = await fn();
      await event?.success({ meta });
    } catch (error) {
      await event?.fail({ error: error as Error });
      throw error;
    }
  }
}

/** Why a start failed, in words for the requester. */
function reasonOf(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  if (error instanceof NotStartable) return message;
  if (error instanceof ActiveRunError) {
    return `another run was still going: ${error.activeRun}`;
  }
  if (error instanceof InputError) {
    return `its parameters are no longer valid for the Job: ${message}`;
  }
  if (error instanceof NotFoundError) return `the Job is gone: ${message}`;
  if (statusCodeOf(error) === 422) return `the Job cannot run: ${message}`;
  if (error instanceof ConflictError) {
    return `another run was still going (${message})`;
  }
  return `it could not start: ${message}`;
}
