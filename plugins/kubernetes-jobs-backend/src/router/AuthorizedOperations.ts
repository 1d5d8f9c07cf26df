import {
  AuditorService,
  AuthService,
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
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
import { EntitySelector } from '../service/entitySelector';
import { KubernetesEntities } from '../service/KubernetesEntities';
import { RunActions } from '../service/RunActions';
import { RunDetails } from '../service/RunDetails';
import { RunReader } from '../service/RunReader';
import { RunRequests } from '../service/RunRequests';
import { DefinitionLists } from './DefinitionLists';
import { Caller, EntityGuard, actorOf } from './guard';
import { RequestOperations } from './RequestOperations';
import { ViewDecisions } from './viewDecisions';

export type { Caller } from './guard';

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
  /** The plugin's copy of the catalog for views; without it, every view asks the catalog. */
  entities?: KubernetesEntities;
  /** The callers' decisions for views, kept a while; without it, every view asks the policy. */
  views?: ViewDecisions;
  /** To read entities as the plugin, and decide here (see {@link EntityGuard}). */
  auth?: AuthService;
}

/**
 * Everything a caller may ask of the plugin, each checked the same way whichever edge it comes
 * through (the HTTP routes, the registered actions): the cluster must be configured (404), the
 * entity is resolved (404, also for an entity the caller may not read in the catalog) and the
 * caller is authorized on it (403, see {@link EntityGuard}) before a service touches a cluster. Runs, kills and schedule changes are
 * audited whether they succeed or fail. Input is parsed by the edge, before it gets here.
 */
export class AuthorizedOperations {
  private readonly guard: EntityGuard;
  /** Run requests (run later, run after approval), checked and audited the same way. */
  readonly requests: RequestOperations;

  /** The lists of definitions, with their ETags and shared answers. */
  private readonly lists: DefinitionLists;

  constructor(private readonly options: AuthorizedOperationsOptions) {
    this.guard = new EntityGuard(options);
    this.lists = new DefinitionLists({
      guard: this.guard,
      definitions: options.definitions,
      version: options.version,
    });
    this.requests = new RequestOperations({
      guard: this.guard,
      clusters: options.clusters,
      requests: options.requests,
      userInfo: options.userInfo,
    });
  }

  /** One entity's definitions, or every definition of every entity the caller may read. */
  listDefinitions(
    credentials: BackstageCredentials,
    entityRef?: string,
    page?: DefinitionPageQuery,
  ): Promise<DefinitionListResponse> {
    return this.lists.listDefinitions(credentials, entityRef, page);
  }

  /** {@link DefinitionLists.listDefinitionsTagged}: the list as JSON, with its ETag. */
  listDefinitionsTagged(
    credentials: BackstageCredentials,
    entityRef: string | undefined,
    page: DefinitionPageQuery | undefined,
    known: string | undefined,
  ): Promise<{ etag: string; body?: string }> {
    return this.lists.listDefinitionsTagged(
      credentials,
      entityRef,
      page,
      known,
    );
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
