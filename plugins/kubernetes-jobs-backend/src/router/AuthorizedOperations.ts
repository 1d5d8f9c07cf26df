import {
  AuditorService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DefinitionDetails,
  DefinitionListResponse,
  DefinitionLocation,
  ENTITY_ANNOTATIONS,
  JobDefinition,
  JobRun,
  ParameterValue,
  RunEventList,
  RunHistoryPage,
  RunLocation,
  RunLogs,
  RunPodList,
  kubernetesJobsKillPermission,
  kubernetesJobsReadPermission,
  kubernetesJobsRunPermission,
  kubernetesJobsSchedulePermission,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { Request } from 'express';
import { ClusterAccess } from '../service/ClusterAccess';
import { DefinitionReader } from '../service/DefinitionReader';
import { EntitySelector, entitySelectorOf } from '../service/entitySelector';
import { RunActions } from '../service/RunActions';
import { RunDetails } from '../service/RunDetails';
import { RunReader } from '../service/RunReader';

/**
 * Who asks for a change, and how to audit it: through the REST API (the auditor reads the actor
 * from the request) or through the actions registry (an MCP client, a template), where there is
 * no request to read it from.
 */
export type Caller =
  | { credentials: BackstageCredentials; request: Request }
  | { credentials: BackstageCredentials; actionId: string };

/** Dependencies of {@link AuthorizedOperations}. */
export interface AuthorizedOperationsOptions {
  permissions: PermissionsService;
  auditor: AuditorService;
  catalog: CatalogService;
  /** Only to refuse unknown clusters (404) before anything else. */
  clusters: Pick<ClusterAccess, 'assertKnown'>;
  definitions: DefinitionReader;
  runs: RunReader;
  actions: RunActions;
  details: RunDetails;
}

const VERBS: Record<string, string> = {
  [kubernetesJobsReadPermission.name]: 'see',
  [kubernetesJobsRunPermission.name]: 'run',
  [kubernetesJobsKillPermission.name]: 'stop',
  [kubernetesJobsSchedulePermission.name]: 'pause or resume',
};

/**
 * Everything a caller may ask of the plugin, each checked the same way whichever edge it comes
 * through (the HTTP routes, the registered actions): the cluster must be configured (404), the
 * entity is resolved through the catalog with the caller's credentials (404) and the caller is
 * authorized on it (403) before a service touches a cluster. Runs, kills and schedule changes are
 * audited whether they succeed or fail. Input is parsed by the edge, before it gets here.
 */
export class AuthorizedOperations {
  constructor(private readonly options: AuthorizedOperationsOptions) {}

  /** One entity's definitions, or every definition of every entity the caller may read. */
  async listDefinitions(
    credentials: BackstageCredentials,
    entityRef?: string,
  ): Promise<DefinitionListResponse> {
    const { definitions, catalog, permissions } = this.options;
    if (entityRef) {
      const selector = await this.authorizeOnEntity(
        credentials,
        kubernetesJobsReadPermission,
        entityRef,
      );
      return definitions.listForEntity(selector);
    }
    // Every entity the caller may read, then only those whose Jobs the caller may see.
    const { items: entities } = await catalog.getEntities(
      {
        filter: [
          {
            [`metadata.annotations.${ENTITY_ANNOTATIONS.kubernetesId}`]:
              CATALOG_FILTER_EXISTS,
          },
          {
            [`metadata.annotations.${ENTITY_ANNOTATIONS.labelSelector}`]:
              CATALOG_FILTER_EXISTS,
          },
        ],
      },
      { credentials },
    );
    const selectors = entities.flatMap(entity => {
      try {
        const selector = entitySelectorOf(entity);
        return selector ? [selector] : [];
      } catch {
        return []; // an entity with a broken selector hides only its own Jobs
      }
    });
    const decisions = selectors.length
      ? await permissions.authorize(
          selectors.map(s => ({
            permission: kubernetesJobsReadPermission,
            resourceRef: s.entityRef,
          })),
          { credentials },
        )
      : [];
    const readable = selectors.filter(
      (_s, i) => decisions[i].result === AuthorizeResult.ALLOW,
    );
    // Definitions no entity claims have no owner to check against: shown only when the policy
    // allows reading outright, without conditions.
    const [unlinked] = await permissions.authorizeConditional(
      [{ permission: kubernetesJobsReadPermission }],
      { credentials },
    );
    const result = await definitions.listAll(selectors, {
      includeUnlinked: unlinked.result === AuthorizeResult.ALLOW,
    });
    const readableRefs = new Set(readable.map(s => s.entityRef));
    return {
      items: result.items.filter(item =>
        item.definition.entityRef
          ? readableRefs.has(item.definition.entityRef)
          : true,
      ),
      errors: result.errors,
      clusters: result.clusters,
    };
  }

  async getDefinition(
    credentials: BackstageCredentials,
    location: DefinitionLocation,
    entityRef: string,
  ): Promise<DefinitionDetails> {
    const selector = await this.readable(credentials, location, entityRef);
    return this.options.definitions.getDefinition(selector, location);
  }

  async history(
    credentials: BackstageCredentials,
    location: DefinitionLocation,
    entityRef: string,
    page: { limit: number; cursor?: string },
  ): Promise<RunHistoryPage> {
    const selector = await this.readable(credentials, location, entityRef);
    return this.options.runs.history(selector, location, page);
  }

  async getRun(
    credentials: BackstageCredentials,
    location: RunLocation,
    entityRef: string,
  ): Promise<JobRun> {
    const selector = await this.readable(credentials, location, entityRef);
    return this.options.runs.getRun(selector, location);
  }

  async events(
    credentials: BackstageCredentials,
    location: RunLocation,
    entityRef: string,
  ): Promise<RunEventList> {
    const selector = await this.readable(credentials, location, entityRef);
    return this.options.details.events(selector, location);
  }

  async pods(
    credentials: BackstageCredentials,
    location: RunLocation,
    entityRef: string,
  ): Promise<RunPodList> {
    const selector = await this.readable(credentials, location, entityRef);
    return this.options.details.pods(selector, location);
  }

  async logs(
    credentials: BackstageCredentials,
    location: RunLocation,
    entityRef: string,
    options: { pod?: string; container?: string; tailLines?: number },
  ): Promise<RunLogs> {
    const selector = await this.readable(credentials, location, entityRef);
    return this.options.details.logs(selector, location, options);
  }

  /** Starts a run of the definition (audited as `job-run`). */
  async run(
    caller: Caller,
    location: DefinitionLocation,
    input: { entityRef: string; parameters?: Record<string, ParameterValue> },
  ): Promise<JobRun> {
    const { entityRef, parameters } = input;
    return this.audited(
      caller,
      'job-run',
      {
        action: 'run',
        entityRef,
        ...location,
        ...(parameters ? { parameters: JSON.stringify(parameters) } : {}),
      },
      async () => {
        this.options.clusters.assertKnown(location.cluster);
        const selector = await this.authorizeOnEntity(
          caller.credentials,
          kubernetesJobsRunPermission,
          entityRef,
        );
        return this.options.actions.run(selector, location, {
          triggeredBy: actorOf(caller.credentials),
          parameters,
        });
      },
      r => ({ run: r.name }),
    );
  }

  /** Stops an active run (audited as `job-kill`). */
  async kill(
    caller: Caller,
    location: RunLocation,
    entityRef: string,
  ): Promise<JobRun> {
    return this.audited(
      caller,
      'job-kill',
      { action: 'kill', entityRef, ...location },
      async () => {
        this.options.clusters.assertKnown(location.cluster);
        const selector = await this.authorizeOnEntity(
          caller.credentials,
          kubernetesJobsKillPermission,
          entityRef,
        );
        return this.options.actions.kill(selector, location, {
          killedBy: actorOf(caller.credentials),
        });
      },
      r => ({ run: r.name, state: r.state }),
    );
  }

  /** Pauses or resumes a CronJob's schedule (audited as `job-schedule`). */
  async setSchedule(
    caller: Caller,
    location: DefinitionLocation,
    input: { entityRef: string; suspend: boolean },
  ): Promise<JobDefinition> {
    const { entityRef, suspend } = input;
    return this.audited(
      caller,
      'job-schedule',
      {
        action: suspend ? 'suspend-schedule' : 'resume-schedule',
        entityRef,
        ...location,
      },
      async () => {
        this.options.clusters.assertKnown(location.cluster);
        const selector = await this.authorizeOnEntity(
          caller.credentials,
          kubernetesJobsSchedulePermission,
          entityRef,
        );
        return this.options.actions.setSchedule(selector, location, {
          suspend,
          by: actorOf(caller.credentials),
        });
      },
      d => ({ suspended: String(d.suspended) }),
    );
  }

  /** For reads: the cluster must be configured and the caller may read the entity's Jobs. */
  private async readable(
    credentials: BackstageCredentials,
    location: { cluster: string },
    entityRef: string,
  ): Promise<EntitySelector> {
    this.options.clusters.assertKnown(location.cluster);
    return this.authorizeOnEntity(
      credentials,
      kubernetesJobsReadPermission,
      entityRef,
    );
  }

  /** Resolves the entity and authorizes the caller on it; returns its selector. */
  private async authorizeOnEntity(
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
    const [decision] = await this.options.permissions.authorize(
      [{ permission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
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

  /** Audits a change around `fn`, failures (including refusals) too. */
  private async audited<T>(
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
function actorOf(credentials: BackstageCredentials): string {
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
