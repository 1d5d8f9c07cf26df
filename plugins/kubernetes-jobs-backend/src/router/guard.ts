import {
  AuditorService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  ENTITY_ANNOTATIONS,
  kubernetesJobsApprovePermission,
  kubernetesJobsKillPermission,
  kubernetesJobsReadPermission,
  kubernetesJobsRunPermission,
  kubernetesJobsSchedulePermission,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { Request } from 'express';
import { EntitySelector, entitySelectorOf } from '../service/entitySelector';

/**
 * Who asks for a change, and how to audit it: through the REST API (the auditor reads the actor
 * from the request) or through the actions registry (an MCP client, a template), where there is
 * no request to read it from.
 */
export type Caller =
  | { credentials: BackstageCredentials; request: Request }
  | { credentials: BackstageCredentials; actionId: string };

const VERBS: Record<string, string> = {
  [kubernetesJobsReadPermission.name]: 'see',
  [kubernetesJobsRunPermission.name]: 'run',
  [kubernetesJobsKillPermission.name]: 'stop',
  [kubernetesJobsSchedulePermission.name]: 'pause or resume',
  [kubernetesJobsApprovePermission.name]: 'approve runs of',
};

/**
 * What every operation does before and around its service call, in one place: resolve the
 * entity through the catalog with the caller's credentials (404), authorize the caller on it
 * (403), and audit a change whether it succeeds or fails.
 */
export class EntityGuard {
  constructor(
    private readonly options: {
      permissions: PermissionsService;
      auditor: AuditorService;
      catalog: CatalogService;
    },
  ) {}

  /** Resolves the entity and authorizes the caller on it; returns its selector. */
  async authorizeOnEntity(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entityRef: string,
  ): Promise<EntitySelector> {
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(`Entity ${entityRef} not found in the catalog`);
    }
    if (!(await this.allowed(credentials, permission, [entityRef]))[0]) {
      throw new NotAllowedError(
        `You are not allowed to ${
          VERBS[permission.name]
        } the Jobs of ${entityRef}`,
      );
    }
    const selector = entitySelectorOf(entity);
    if (!selector) {
      throw new InputError(
        `Entity ${entityRef} has no Kubernetes annotation: add ${ENTITY_ANNOTATIONS.kubernetesId} or ${ENTITY_ANNOTATIONS.labelSelector} to its catalog-info.yaml`,
      );
    }
    return selector;
  }

  /** Whether the caller holds `permission` on each entity, in one call to the policy. */
  async allowed(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entityRefs: string[],
  ): Promise<boolean[]> {
    if (!entityRefs.length) return [];
    const decisions = await this.options.permissions.authorize(
      entityRefs.map(resourceRef => ({ permission, resourceRef })),
      { credentials },
    );
    return decisions.map(d => d.result === AuthorizeResult.ALLOW);
  }

  /** Audits a change around `fn`, failures (including refusals) too. */
  async audited<T>(
    caller: Caller,
    eventId: string,
    meta: Record<string, string>,
    fn: () => Promise<T>,
    resultMeta: (result: T) => Record<string, string>,
  ): Promise<T> {
    const event = await this.options.auditor.createEvent(
      'request' in caller
        ? { eventId, severityLevel: 'medium', request: caller.request, meta }
        : {
            eventId,
            severityLevel: 'medium',
            // Without a request the auditor names this plugin as the actor: say who asked.
            meta: {
              ...meta,
              actionId: caller.actionId,
              onBehalfOf: actorOf(caller.credentials),
            },
          },
    );
    try {
      const result = await fn();
      await event.success({ meta: resultMeta(result) });
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }
}

/** Who did it, as recorded on the run: the user's entity ref, or the calling service. */
export function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as
    | { type: 'user'; userEntityRef: string }
    | { type: 'service'; subject: string }
    | { type: 'none' };
  switch (principal.type) {
    case 'user':
      return principal.userEntityRef;
    case 'service':
      return principal.subject;
    default:
      return 'unknown';
  }
}
