import {
  AuditorService,
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DefinitionDetails,
  DefinitionListResponse,
  DefinitionLocation,
  DefinitionPageQuery,
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
import { ClusterAccess } from '../service/ClusterAccess';
import { DefinitionReader } from '../service/DefinitionReader';
import { ListVersion } from '../service/ListVersion';
import {
  EntitySelector,
  KUBERNETES_ENTITIES_FILTER,
  entitySelectorOf,
} from '../service/entitySelector';
import { RunActions } from '../service/RunActions';
import { RunDetails } from '../service/RunDetails';
import { RunReader } from '../service/RunReader';
import { RunRequests } from '../service/RunRequests';
import { Caller, EntityGuard, actorOf } from './guard';
import { RequestOperations } from './RequestOperations';

export type { Caller } from './guard';

/** How many tagged answers are kept to be shared (a page of 50 is ~50 KB). */
const MAX_SHARED_ANSWERS = 200;

/** Whose Jobs a caller may see: one entity's, or those of the readable entities. */
type ListScope =
  | { entity: EntitySelector }
  | {
      selectors: EntitySelector[];
      readable: Set<string>;
      includeUnlinked: boolean;
    };

/** What a scope's answer depends on, for its tag. */
function fingerprint(scope: ListScope) {
  const selector = (s: EntitySelector) => [
    s.entityRef,
    s.ownerRef,
    s.labelSelector.source,
    s.namespace,
    s.cluster,
  ];
  if ('entity' in scope) return selector(scope.entity);
  return [
    scope.selectors.map(selector),
    [...scope.readable].sort(),
    scope.includeUnlinked,
  ];
}

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
  /** Run requests: later, and after approval. */
  requests: RunRequests;
  /** The caller's groups, for requests that name their approver groups. */
  userInfo: UserInfoService;
  /** Tags list answers, so that an unchanged one costs nothing; without it, none is tagged. */
  version?: ListVersion;
}

/**
 * Everything a caller may ask of the plugin, each checked the same way whichever edge it comes
 * through (the HTTP routes, the registered actions): the cluster must be configured (404), the
 * entity is resolved through the catalog with the caller's credentials (404) and the caller is
 * authorized on it (403) before a service touches a cluster. Runs, kills and schedule changes are
 * audited whether they succeed or fail. Input is parsed by the edge, before it gets here.
 */
export class AuthorizedOperations {
  private readonly guard: EntityGuard;
  /** Run requests (run later, run after approval), checked and audited the same way. */
  readonly requests: RequestOperations;

  constructor(private readonly options: AuthorizedOperationsOptions) {
    this.guard = new EntityGuard(options);
    this.requests = new RequestOperations({
      guard: this.guard,
      clusters: options.clusters,
      requests: options.requests,
      userInfo: options.userInfo,
    });
  }

  /** One entity's definitions, or every definition of every entity the caller may read. */
  async listDefinitions(
    credentials: BackstageCredentials,
    entityRef?: string,
    page?: DefinitionPageQuery,
  ): Promise<DefinitionListResponse> {
    return this.listIn(await this.listScope(credentials, entityRef), page);
  }

  /**
   * {@link AuthorizedOperations.listDefinitions}, tagged: the tag says what the answer is (the
   * caller's scope, the question, and the list version), and when the caller already holds
   * that answer (`known`, its If-None-Match), nothing is built and `answer` is absent.
   * Authorization comes first either way.
   */
  async listDefinitionsTagged(
    credentials: BackstageCredentials,
    entityRef: string | undefined,
    page: DefinitionPageQuery | undefined,
    known: string | undefined,
  ): Promise<{ tag?: string; answer?: DefinitionListResponse }> {
    const scope = await this.listScope(credentials, entityRef);
    const { version } = this.options;
    // Read before the answer is built: a change meanwhile makes the next tag differ.
    const tag = version?.tag(fingerprint(scope), page ?? null);
    if (!tag) {
      return { answer: await this.listIn(scope, page) };
    }
    if (known === tag) {
      return { tag };
    }
    // Browsers that heard the same hint ask the same at once: one answer serves them all.
    let answer = this.answers.get(tag);
    if (!answer) {
      answer = this.listIn(scope, page);
      this.answers.set(tag, answer);
      answer.catch(() => this.answers.delete(tag));
      if (this.answers.size > MAX_SHARED_ANSWERS) {
        this.answers.delete(this.answers.keys().next().value!);
      }
    }
    return { tag, answer: await answer };
  }

  /** Answers by tag, oldest first: a tag names one answer, so it can be shared. */
  private readonly answers = new Map<string, Promise<DefinitionListResponse>>();

  /** Whose Jobs the caller may see, resolved and authorized. */
  private async listScope(
    credentials: BackstageCredentials,
    entityRef: string | undefined,
  ): Promise<ListScope> {
    const { catalog, permissions } = this.options;
    if (entityRef) {
      const selector = await this.guard.authorizeOnEntity(
        credentials,
        kubernetesJobsReadPermission,
        entityRef,
      );
      return { entity: selector };
    }
    // Every entity the caller may read, then only those whose Jobs the caller may see.
    const { items: entities } = await catalog.getEntities(
      { filter: KUBERNETES_ENTITIES_FILTER },
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
    // Definitions no entity claims have no owner to check against: shown only when the policy
    // allows reading outright, without conditions.
    const [unlinked] = await permissions.authorizeConditional(
      [{ permission: kubernetesJobsReadPermission }],
      { credentials },
    );
    return {
      selectors,
      readable: new Set(
        selectors
          .filter((_s, i) => decisions[i].result === AuthorizeResult.ALLOW)
          .map(s => s.entityRef),
      ),
      includeUnlinked: unlinked.result === AuthorizeResult.ALLOW,
    };
  }

  private listIn(
    scope: ListScope,
    page: DefinitionPageQuery | undefined,
  ): Promise<DefinitionListResponse> {
    const { definitions } = this.options;
    if ('entity' in scope) {
      return definitions.listForEntity(scope.entity);
    }
    // Filtered before paging and counting: neither a page nor a total reveals what the caller
    // may not see.
    return definitions.listAll(scope.selectors, {
      includeUnlinked: scope.includeUnlinked,
      readable: scope.readable,
      page,
    });
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
    return this.guard.audited(
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
        const selector = await this.guard.authorizeOnEntity(
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
    return this.guard.audited(
      caller,
      'job-kill',
      { action: 'kill', entityRef, ...location },
      async () => {
        this.options.clusters.assertKnown(location.cluster);
        const selector = await this.guard.authorizeOnEntity(
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
    return this.guard.audited(
      caller,
      'job-schedule',
      {
        action: suspend ? 'suspend-schedule' : 'resume-schedule',
        entityRef,
        ...location,
      },
      async () => {
        this.options.clusters.assertKnown(location.cluster);
        const selector = await this.guard.authorizeOnEntity(
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
    return this.guard.authorizeOnEntity(
      credentials,
      kubernetesJobsReadPermission,
      entityRef,
    );
  }
}
