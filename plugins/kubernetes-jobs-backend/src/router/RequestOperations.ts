import {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  DefinitionLocation,
  ParameterValue,
  RunRequest,
  RunRequestList,
  kubernetesJobsApprovePermission,
  kubernetesJobsKillPermission,
  kubernetesJobsReadPermission,
  kubernetesJobsRunPermission,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { ClusterAccess } from '../service/ClusterAccess';
import { Decider, RunRequests } from '../service/RunRequests';
import { Caller, EntityGuard, actorOf } from './guard';

/** Dependencies of {@link RequestOperations}. */
export interface RequestOperationsOptions {
  guard: EntityGuard;
  clusters: Pick<ClusterAccess, 'assertKnown'>;
  requests: RunRequests;
  userInfo: UserInfoService;
}

const resultMeta = (r: RunRequest): Record<string, string> => ({
  requestId: r.id,
  state: r.state,
  ...(r.run ? { run: r.run.name } : {}),
  ...(r.stateReason ? { stateReason: r.stateReason } : {}),
});

/**
 * Run requests, through the same door as everything else (the HTTP routes and the actions):
 * the entity resolved and the caller authorized on it (see {@link EntityGuard}), changes
 * audited whether they succeed or fail. What each layer checks:
 *
 * - ask for a run: `kubernetes-jobs.run` on the entity;
 * - read a request or a definition's requests: `kubernetes-jobs.read`;
 * - approve or reject: `kubernetes-jobs.approve` (the policy), a signed-in person (a service is
 *   not a second pair of eyes), then in the service: not the requester (always), a member of
 *   the request's approver groups when it names some (groups the policy cannot see: they come
 *   from the definition), the request still waiting and not expired, one decision per person;
 * - cancel: the requester, or `kubernetes-jobs.kill` on the entity (who may stop its runs);
 * - requests waiting for me: those whose entity the caller may read and approve, asked by
 *   someone else, in the caller's approver groups, not yet decided on by the caller.
 */
export class RequestOperations {
  constructor(private readonly options: RequestOperationsOptions) {}

  /** Asks for a run later, or after approval (audited as `job-run-request`). */
  async request(
    caller: Caller,
    location: DefinitionLocation,
    input: {
      entityRef: string;
      parameters?: Record<string, ParameterValue>;
      at?: string;
    },
  ): Promise<RunRequest> {
    const { guard, clusters, requests } = this.options;
    const { entityRef, parameters, at } = input;
    return guard.audited(
      caller,
      'job-run-request',
      {
        action: 'request',
        entityRef,
        ...location,
        ...(at ? { at } : {}),
        ...(parameters ? { parameters: JSON.stringify(parameters) } : {}),
      },
      async () => {
        clusters.assertKnown(location.cluster);
        const selector = await guard.authorizeOnEntity(
          caller.credentials,
          kubernetesJobsRunPermission,
          entityRef,
        );
        return requests.request(selector, location, {
          requestedBy: actorOf(caller.credentials),
          parameters,
          at: at ? new Date(at) : undefined,
        });
      },
      resultMeta,
    );
  }

  /** A definition's requests asked through this entity. */
  async listForDefinition(
    credentials: BackstageCredentials,
    location: DefinitionLocation,
    entityRef: string,
  ): Promise<RunRequestList> {
    this.options.clusters.assertKnown(location.cluster);
    const selector = await this.options.guard.authorizeOnEntity(
      credentials,
      kubernetesJobsReadPermission,
      entityRef,
    );
    return this.options.requests.listForDefinition(selector, location);
  }

  async get(
    credentials: BackstageCredentials,
    id: string,
    entityRef: string,
  ): Promise<RunRequest> {
    await this.options.guard.authorizeOnEntity(
      credentials,
      kubernetesJobsReadPermission,
      entityRef,
    );
    return this.options.requests.get(id, entityRef);
  }

  /**
   * Requests still waiting whose entity the caller may read; with `waitingForMe`, only those the
   * caller may approve now (see the class comment). Nothing the caller may not read is counted.
   */
  async listPending(
    credentials: BackstageCredentials,
    options: { waitingForMe?: boolean },
  ): Promise<RunRequestList> {
    const { guard, requests } = this.options;
    const waitingForMe = Boolean(options.waitingForMe);
    const pending = await requests.listPending({
      waitingForApproval: waitingForMe,
    });
    const entityRefs = [...new Set(pending.map(r => r.entityRef))];
    const readable = await guard.allowed(
      credentials,
      kubernetesJobsReadPermission,
      entityRefs,
    );
    const mayRead = new Set(entityRefs.filter((_e, i) => readable[i]));
    if (!waitingForMe) {
      return { items: pending.filter(r => mayRead.has(r.entityRef)) };
    }
    const decider = await this.decider(credentials, 'approve').catch(
      () => undefined,
    );
    if (!decider) return { items: [] };
    const candidates = [...mayRead];
    const approvable = await guard.allowed(
      credentials,
      kubernetesJobsApprovePermission,
      candidates,
    );
    const mayApprove = new Set(candidates.filter((_e, i) => approvable[i]));
    return {
      items: pending.filter(
        r =>
          mayApprove.has(r.entityRef) &&
          r.requestedBy !== decider.by &&
          !r.decisions.some(d => d.by === decider.by) &&
          RunRequests.inApproverGroups(r, decider.memberOf),
      ),
    };
  }

  /** Approves a request (audited as `job-run-request-approve`). */
  approve(
    caller: Caller,
    id: string,
    input: { entityRef: string; comment?: string },
  ): Promise<RunRequest> {
    return this.decide(caller, id, input, 'approve');
  }

  /** Rejects a request (audited as `job-run-request-reject`). */
  reject(
    caller: Caller,
    id: string,
    input: { entityRef: string; comment?: string },
  ): Promise<RunRequest> {
    return this.decide(caller, id, input, 'reject');
  }

  /** Cancels a request still waiting (audited as `job-run-request-cancel`). */
  cancel(
    caller: Caller,
    id: string,
    input: { entityRef: string },
  ): Promise<RunRequest> {
    const { guard, requests } = this.options;
    const { entityRef } = input;
    return guard.audited(
      caller,
      'job-run-request-cancel',
      { action: 'cancel', requestId: id, entityRef },
      async () => {
        await guard.authorizeOnEntity(
          caller.credentials,
          kubernetesJobsReadPermission,
          entityRef,
        );
        return requests.cancel(
          id,
          entityRef,
          actorOf(caller.credentials),
          async () =>
            (
              await guard.allowed(
                caller.credentials,
                kubernetesJobsKillPermission,
                [entityRef],
              )
            )[0],
        );
      },
      resultMeta,
    );
  }

  private decide(
    caller: Caller,
    id: string,
    input: { entityRef: string; comment?: string },
    decision: 'approve' | 'reject',
  ): Promise<RunRequest> {
    const { guard, requests } = this.options;
    const { entityRef, comment } = input;
    return guard.audited(
      caller,
      `job-run-request-${decision}`,
      {
        action: decision,
        requestId: id,
        entityRef,
        ...(comment ? { comment } : {}),
      },
      async () => {
        await guard.authorizeOnEntity(
          caller.credentials,
          kubernetesJobsApprovePermission,
          entityRef,
        );
        const decider = await this.decider(caller.credentials, decision);
        return decision === 'approve'
          ? requests.approve(id, entityRef, decider, comment)
          : requests.reject(id, entityRef, decider, comment);
      },
      resultMeta,
    );
  }

  /** A person, with their groups: a service token is not a second pair of eyes. */
  private async decider(
    credentials: BackstageCredentials,
    decision: 'approve' | 'reject',
  ): Promise<Decider> {
    if ((credentials.principal as { type?: string }).type !== 'user') {
      throw new NotAllowedError(
        `You are not allowed to ${decision} a run without signing in: an approval is a person's decision`,
      );
    }
    const info = await this.options.userInfo.getUserInfo(
      credentials as BackstageCredentials<{
        type: 'user';
        userEntityRef: string;
      }>,
    );
    return { by: actorOf(credentials), memberOf: info.ownershipEntityRefs };
  }
}
