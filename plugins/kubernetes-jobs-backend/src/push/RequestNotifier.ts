import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { RunRequest } from '@job-assistant/plugin-kubernetes-jobs-common';
import { NotificationOptions } from '../config';
import { RequestChange, RequestListener } from '../service/RequestStarter';

type Payload = {
  title: string;
  description: string;
  severity?: 'critical' | 'high' | 'normal' | 'low';
};

/**
 * Backstage notifications about run requests. Approvers hear of a request that waits for them
 * (its approver groups, else the entity, which the notifications backend resolves to its owner;
 * never the requester), and that notification is updated when the request is decided or
 * expires (one per request: its scope). The requester hears what became of the request: approved,
 * rejected, expired, cancelled by someone else, started, or not started and why.
 */
export class RequestNotifier implements RequestListener {
  private failing = false;

  constructor(
    private readonly options: {
      notifications: NotificationService;
      logger: LoggerService;
      config: NotificationOptions;
    },
  ) {}

  requestChanged(request: RunRequest, change: RequestChange): void {
    if (!this.options.config.enabled) return;
    const toApprovers = this.forApprovers(request, change);
    if (toApprovers) {
      const groups = request.approval?.approverGroups ?? [];
      void this.send(
        request,
        groups.length ? groups : [request.entityRef],
        'approvers',
        toApprovers,
      );
    }
    const toRequester = this.forRequester(request, change);
    if (toRequester && request.requestedBy.startsWith('user:')) {
      void this.send(request, [request.requestedBy], 'requester', toRequester);
    }
  }

  private forApprovers(
    request: RunRequest,
    change: RequestChange,
  ): Payload | undefined {
    const { name } = request.definition;
    if (!request.approval) return undefined;
    const by = lastDecider(request);
    switch (change) {
      case 'requested':
        return {
          title: `${name} waits for your approval`,
          description: `${request.requestedBy} asks to run ${name} on cluster ${
            request.cluster
          }${request.notBefore ? ` at ${request.notBefore}` : ''}: ${
            request.approval.reason
          }. It expires at ${request.expiresAt}.`,
        };
      case 'approved':
        return decided(`${name} was approved by ${by}`);
      case 'rejected':
        return decided(`${name} was rejected by ${by}`);
      case 'expired':
        return decided(`The request to run ${name} expired`);
      case 'cancelled':
        return decided(`The request to run ${name} was cancelled`);
      default:
        return undefined;
    }
  }

  private forRequester(
    request: RunRequest,
    change: RequestChange,
  ): Payload | undefined {
    const { name } = request.definition;
    const by = lastDecider(request);
    switch (change) {
      case 'approved':
        return request.notBefore
          ? {
              title: `${name} was approved`,
              description: `${by} approved your run of ${name}; it runs at ${request.notBefore}.`,
            }
          : undefined; // it starts now: "started" follows
      case 'rejected':
        return {
          title: `${name} was rejected`,
          description: `Your run of ${name} will not start: ${request.stateReason}.`,
          severity: 'high',
        };
      case 'expired':
        return {
          title: `Your request to run ${name} expired`,
          description: `Your run of ${name} will not start: ${request.stateReason}.`,
          severity: 'high',
        };
      case 'cancelled':
        return request.stateReason === `cancelled by ${request.requestedBy}`
          ? undefined
          : {
              title: `Your run of ${name} was cancelled`,
              description: `Your run of ${name} will not start: ${request.stateReason}.`,
            };
      case 'started':
        return {
          title: `${name} started`,
          description: `Your run of ${name} on cluster ${request.cluster} started: ${request.run?.name}.`,
        };
      case 'not-started':
        return {
          title: `${name} did not start`,
          description: `Your run of ${name} did not start: ${request.stateReason}.`,
          severity: 'high',
        };
      default:
        return undefined;
    }
  }

  private async send(
    request: RunRequest,
    recipients: string[],
    audience: 'approvers' | 'requester',
    payload: Payload,
  ): Promise<void> {
    const { cluster, namespace, definition } = request;
    const link = `/kubernetes-jobs/${encodeURIComponent(
      cluster,
    )}/${encodeURIComponent(
      namespace,
    )}/${definition.kind.toLowerCase()}/${encodeURIComponent(
      definition.name,
    )}?request=${encodeURIComponent(request.id)}`;
    try {
      await this.options.notifications.send({
        recipients: {
          type: 'entity',
          entityRef: recipients,
          ...(audience === 'approvers'
            ? { excludeEntityRef: request.requestedBy }
            : {}),
        },
        payload: {
          severity: 'normal',
          ...payload,
          link,
          topic: 'kubernetes-jobs',
          scope: `kubernetes-jobs:request:${request.id}:${audience}`,
        },
      });
      this.failing = false;
    } catch (error) {
      if (this.failing) return;
      this.failing = true;
      this.options.logger.warn(
        `kubernetes-jobs: could not send a run request notification (is the notifications backend installed?): ${
          (error as Error).message
        }`,
      );
    }
  }
}

/** A decided request, as the approvers' notification then reads: nothing left to do. */
function decided(title: string): Payload {
  return {
    title,
    description: `${title}. Nothing is left to do.`,
    severity: 'low',
  };
}

function lastDecider(request: RunRequest): string {
  return request.decisions[request.decisions.length - 1]?.by ?? 'someone';
}
