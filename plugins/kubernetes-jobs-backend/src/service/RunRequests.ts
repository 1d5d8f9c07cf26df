import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  DefinitionLocation,
  PARAMETERS_ANNOTATION,
  ParameterValue,
  RunRequest,
  RunRequestList,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { randomUUID } from 'node:crypto';
import { WatchCaches } from '../cache/WatchCaches';
import { ClusterClientFactory } from '../cluster/ClusterClient';
import type { ApprovalRule, RunRequestOptions } from '../config';
import { RunRequestStore, StoredRunRequest } from '../database/RunRequestStore';
import { DefinitionInvalidError } from '../errors';
import { approvalFor } from './approvalPolicy';
import { EntitySelector } from './entitySelector';
import { specFingerprint } from './fingerprint';
import { checkDefinition, readDefinition } from './ownership';
import { declaredParameters, valuesForRun } from './parameters';
import { RequestListener, RequestStarter, publicView } from './RequestStarter';

/** Options of {@link RunRequests}. */
export interface RunRequestsOptions {
  client: ClusterClientFactory;
  caches: Pick<WatchCaches, 'get'>;
  store: RunRequestStore;
  starter: RequestStarter;
  annotationKey: string;
  approvals: ApprovalRule[];
  config: RunRequestOptions;
  listener?: RequestListener;
  /** Told when a request is scheduled for a time: the sweep may be asked to run then. */
  dueAt?: (at: Date) => void;
  /** Clock, for tests. */
  now?: () => Date;
}

/** Who decides, as the service checks them. */
export interface Decider {
  /** Their user entity ref. */
  by: string;
  /** Their ownership entity refs (themselves and their groups). */
  memberOf: string[];
}

const HOUR_MS = 3600 * 1000;

/**
 * Run requests: runs asked for at a later time, or waiting for approval (four-eyes), or both.
 * What the permission policy cannot know is decided here, whatever the policy says: nobody
 * approves their own request; only members of the approver groups approve a request that names
 * them; only the requester, or someone who may stop the Job's runs, cancels. The caller (the
 * authorized operations) has authorized the caller on the entity first.
 */
export class RunRequests {
  private readonly now: () => Date;

  constructor(private readonly options: RunRequestsOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Asks for a run of a definition: at a time (`at`), after approval (when the definition or
   * the cluster needs it), or both. The definition is read fresh and the parameters checked
   * against it now; a request needing neither starts at once.
   */
  async request(
    selector: EntitySelector,
    location: DefinitionLocation,
    input: {
      requestedBy: string;
      parameters?: Record<string, ParameterValue>;
      at?: Date;
    },
  ): Promise<RunRequest> {
    const { config, annotationKey } = this.options;
    const now = this.now();
    if (input.at && input.at.getTime() < now.getTime()) {
      throw new InputError(
        `at: ${input.at.toISOString()} is in the past; choose a later time, or leave it out to run as soon as possible`,
      );
    }
    const horizon = now.getTime() + config.horizonDays * 24 * HOUR_MS;
    if (input.at && input.at.getTime() > horizon) {
      throw new InputError(
        `at: ${input.at.toISOString()} is more than ${
          config.horizonDays
        } days ahead; runs can be asked for up to ${new Date(
          horizon,
        ).toISOString()}`,
      );
    }
    const client = await this.options.client(location.cluster);
    const definition = await readDefinition(
      client,
      selector,
      location,
      annotationKey,
    );
    const values = valuesForRun(
      declaredParameters(
        definition.metadata?.annotations?.[PARAMETERS_ANNOTATION],
      ),
      input.parameters,
    );
    const need = approvalFor(
      location.cluster,
      definition,
      this.options.approvals,
    );
    if (need.error !== undefined) {
      throw new DefinitionInvalidError(`cannot run: ${need.error}`);
    }
    let expiresAt: Date | undefined;
    if (need.approval) {
      // Never later than its time: an approval after the time it was to run would start it late.
      const expiry = now.getTime() + config.approvalExpiryHours * HOUR_MS;
      expiresAt = new Date(Math.min(expiry, input.at?.getTime() ?? expiry));
    }
    const stored = await this.options.store.create({
      id: randomUUID(),
      key: location,
      definitionUid: definition.metadata?.uid ?? '',
      specFingerprint: specFingerprint(definition),
      entityRef: selector.entityRef,
      requestedBy: input.requestedBy,
      requestedAt: now,
      parameters: values,
      notBefore: input.at,
      approval: need.approval,
      expiresAt,
      state: need.approval ? 'WaitingForApproval' : 'Scheduled',
    });
    this.tell(stored, 'requested');
    return publicView(await this.startIfDue(stored));
  }

  /** A request, as seen through the entity it was asked through. */
  async get(id: string, entityRef: string): Promise<RunRequest> {
    return publicView(await this.find(id, entityRef));
  }

  /** A definition's requests asked through this entity: those still waiting first, then the newest. */
  async listForDefinition(
    selector: EntitySelector,
    location: DefinitionLocation,
  ): Promise<RunRequestList> {
    // Answered from the watch cache and the database: a read asks no apiserver.
    const kind = location.kind;
    const object = this.options.caches
      .get(location.cluster)
      .get(kind, location.namespace, location.name);
    if (object) {
      checkDefinition(selector, location, object, this.options.annotationKey);
    }
    const items = await this.options.store.listForDefinition(location, {
      limit: 100,
    });
    return {
      items: items
        .filter(r => r.entityRef === selector.entityRef)
        .map(publicView),
    };
  }

  /**
   * Requests still waiting (for approval only, with `waitingForApproval`), newest first; the
   * caller filters them by what the person may read and approve.
   */
  async listPending(options: {
    waitingForApproval?: boolean;
  }): Promise<RunRequest[]> {
    const now = this.now().getTime();
    const items = await this.options.store.listPending({
      waitingForApproval: options.waitingForApproval,
      limit: 500,
    });
    return items
      .filter(
        r =>
          r.state !== 'WaitingForApproval' ||
          !r.expiresAt ||
          new Date(r.expiresAt).getTime() > now,
      )
      .map(publicView);
  }

  /** Whether this person may decide on the request by its approver groups (not by the policy). */
  static inApproverGroups(request: RunRequest, memberOf: string[]): boolean {
    const groups = request.approval?.approverGroups ?? [];
    return !groups.length || groups.some(g => memberOf.includes(g));
  }

  /**
   * Approves a request waiting for approval. On the last needed approval it starts, or waits
   * for its time. Refused: one's own request (always), a request no longer waiting or expired,
   * a second decision by the same person, someone outside the approver groups.
   */
  async approve(
    id: string,
    entityRef: string,
    decider: Decider,
    comment?: string,
  ): Promise<RunRequest> {
    const request = await this.decidable(id, entityRef, decider, 'approve');
    const outcome = await this.options.store.decide(request.id, {
      by: decider.by,
      at: this.now(),
      decision: 'approve',
      comment,
    });
    switch (outcome.status) {
      case 'recorded':
        this.tell(outcome.request, 'approved-once');
        return publicView(outcome.request);
      case 'approved':
        this.tell(outcome.request, 'approved');
        return publicView(await this.startIfDue(outcome.request));
      default:
        throw this.refusal(outcome, decider);
    }
  }

  /** Rejects a request waiting for approval: it will not run. Refused as {@link RunRequests.approve} is. */
  async reject(
    id: string,
    entityRef: string,
    decider: Decider,
    comment?: string,
  ): Promise<RunRequest> {
    const request = await this.decidable(id, entityRef, decider, 'reject');
    const outcome = await this.options.store.decide(request.id, {
      by: decider.by,
      at: this.now(),
      decision: 'reject',
      comment,
      reason: `rejected by ${decider.by}${comment ? `: ${comment}` : ''}`,
    });
    if (outcome.status !== 'rejected') throw this.refusal(outcome, decider);
    this.tell(outcome.request, 'rejected');
    return publicView(outcome.request);
  }

  /**
   * Cancels a request still waiting: by its requester, or by someone who may stop the Job's
   * runs (`mayStopRuns`, asked only for someone else). A request being started cannot be.
   */
  async cancel(
    id: string,
    entityRef: string,
    by: string,
    mayStopRuns: () => Promise<boolean>,
  ): Promise<RunRequest> {
    const request = await this.find(id, entityRef);
    if (request.requestedBy !== by && !(await mayStopRuns())) {
      throw new NotAllowedError(
        `You are not allowed to cancel this run request: only ${request.requestedBy}, who asked for it, or someone who may stop the runs of ${entityRef}'s Jobs may`,
      );
    }
    const cancelled = await this.options.store.cancel(id, {
      reason: `cancelled by ${by}`,
      at: this.now(),
    });
    const after = await this.find(id, entityRef);
    if (!cancelled) {
      throw new ConflictError(
        `This run request can no longer be cancelled: it ${describe(after)}`,
      );
    }
    this.tell(after, 'cancelled');
    return publicView(after);
  }

  private async find(id: string, entityRef: string): Promise<StoredRunRequest> {
    const request = await this.options.store.get(id);
    if (!request) throw new NotFoundError(`Run request '${id}' not found`);
    if (request.entityRef !== entityRef) {
      throw new NotAllowedError(
        `Run request '${id}' does not belong to ${entityRef}`,
      );
    }
    return request;
  }

  /** The checks of a decision that need no lock: the store checks the state again, atomically. */
  private async decidable(
    id: string,
    entityRef: string,
    decider: Decider,
    decision: 'approve' | 'reject',
  ): Promise<StoredRunRequest> {
    const request = await this.find(id, entityRef);
    if (request.requestedBy === decider.by) {
      throw new NotAllowedError(
        decision === 'approve'
          ? 'Nobody approves their own request: someone else must approve it'
          : 'Nobody decides on their own request: cancel it instead',
      );
    }
    if (request.state !== 'WaitingForApproval') {
      throw new ConflictError(
        `This run request is not waiting for approval: it ${describe(request)}`,
      );
    }
    if (request.expiresAt && new Date(request.expiresAt) <= this.now()) {
      throw new ConflictError(
        `This run request expired at ${request.expiresAt}: ask for the run again`,
      );
    }
    if (!RunRequests.inApproverGroups(request, decider.memberOf)) {
      throw new NotAllowedError(
        `Only members of ${request.approval!.approverGroups.join(
          ', ',
        )} may ${decision} this run`,
      );
    }
    return request;
  }

  private refusal(
    outcome: Awaited<ReturnType<RunRequestStore['decide']>>,
    decider: Decider,
  ): Error {
    switch (outcome.status) {
      case 'not-found':
        return new NotFoundError('Run request not found');
      case 'already-decided':
        return new ConflictError(
          `${decider.by} already decided on this run request; one decision per person`,
        );
      case 'expired':
        return new ConflictError(
          `This run request expired at ${outcome.request.expiresAt}: ask for the run again`,
        );
      default:
        return new ConflictError(
          `This run request is not waiting for approval: it ${describe(
            outcome.request,
          )}`,
        );
    }
  }

  /** A scheduled request due now starts at once (exactly once: through the claim). */
  private async startIfDue(request: StoredRunRequest) {
    if (request.state !== 'Scheduled') return request;
    if (request.notBefore && new Date(request.notBefore) > this.now()) {
      this.options.dueAt?.(new Date(request.notBefore));
      return request;
    }
    return (await this.options.starter.claimAndStart(request.id)) ?? request;
  }

  private tell(
    request: StoredRunRequest,
    change: Parameters<RequestListener['requestChanged']>[1],
  ) {
    this.options.listener?.requestChanged(publicView(request), change);
  }
}

/** Where a request stands, in words: "was rejected", "started run migrate-x7k2p". */
function describe(request: RunRequest): string {
  switch (request.state) {
    case 'WaitingForApproval':
      return 'is waiting for approval';
    case 'Scheduled':
      return `is approved and ${
        request.notBefore ? `waits for ${request.notBefore}` : 'is starting'
      }`;
    case 'Started':
      return `started run ${request.run?.name}`;
    case 'Rejected':
      return 'was rejected';
    case 'Expired':
      return 'expired';
    case 'Cancelled':
      return 'was cancelled';
    default:
      return `did not start${
        request.stateReason ? ` (${request.stateReason})` : ''
      }`;
  }
}
