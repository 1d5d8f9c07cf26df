import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  DefinitionDetails,
  DefinitionListResponse,
  DefinitionPageQuery,
  DefinitionLocation,
  JobDefinition,
  JobRun,
  ParameterValue,
  RunEventList,
  RunHistoryPage,
  RunLocation,
  RunLogs,
  RunPodList,
  RunRequest,
  RunRequestList,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import {
  GetRunHistoryOptions,
  GetRunLogsOptions,
  KubernetesJobsApi,
  RequestRunOptions,
} from './KubernetesJobsApi';

/**
 * Default implementation of {@link KubernetesJobsApi}, over the backend's REST API.
 *
 * @public
 */
export class KubernetesJobsClient implements KubernetesJobsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  /** Finds the backend with `discoveryApi` and calls it with the user's `fetchApi`. */
  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  /** {@inheritDoc KubernetesJobsApi.getDefinitions} */
  async getDefinitions(options?: {
    entityRef?: string;
    page?: DefinitionPageQuery;
  }): Promise<DefinitionListResponse> {
    const page = options?.page;
    return this.request('GET', '/definitions', {
      query: {
        entityRef: options?.entityRef,
        ...(page && {
          limit: String(page.limit),
          cursor: page.cursor,
          q: page.search,
          cluster: page.cluster,
          namespace: page.namespace,
          owner: page.owner,
          state: page.state,
          sort: page.sort,
        }),
      },
    });
  }

  /** {@inheritDoc KubernetesJobsApi.getDefinition} */
  async getDefinition(
    definition: DefinitionLocation,
    entityRef: string,
  ): Promise<DefinitionDetails> {
    return this.request('GET', definitionPath(definition), {
      query: { entityRef },
    });
  }

  /** {@inheritDoc KubernetesJobsApi.getRunHistory} */
  async getRunHistory(
    definition: DefinitionLocation,
    entityRef: string,
    options: GetRunHistoryOptions,
  ): Promise<RunHistoryPage> {
    return this.request('GET', `${definitionPath(definition)}/runs`, {
      query: {
        entityRef,
        cursor: options.cursor,
        limit: options.limit?.toString(),
      },
    });
  }

  /** {@inheritDoc KubernetesJobsApi.runDefinition} */
  async runDefinition(
    definition: DefinitionLocation,
    entityRef: string,
    parameters?: Record<string, ParameterValue>,
  ): Promise<JobRun> {
    return this.request('POST', `${definitionPath(definition)}/runs`, {
      body: { entityRef, ...(parameters && { parameters }) },
    });
  }

  /** {@inheritDoc KubernetesJobsApi.setSchedule} */
  async setSchedule(
    definition: DefinitionLocation,
    entityRef: string,
    suspend: boolean,
  ): Promise<JobDefinition> {
    return this.request('POST', `${definitionPath(definition)}/schedule`, {
      body: { entityRef, suspend },
    });
  }

  /** {@inheritDoc KubernetesJobsApi.requestRun} */
  async requestRun(
    definition: DefinitionLocation,
    entityRef: string,
    options?: RequestRunOptions,
  ): Promise<RunRequest> {
    return this.request('POST', `${definitionPath(definition)}/requests`, {
      body: {
        entityRef,
        ...(options?.parameters && { parameters: options.parameters }),
        ...(options?.at && { at: options.at }),
      },
    });
  }

  /** {@inheritDoc KubernetesJobsApi.getRunRequests} */
  async getRunRequests(
    definition: DefinitionLocation,
    entityRef: string,
  ): Promise<RunRequestList> {
    const response = await this.request<Partial<RunRequestList>>(
      'GET',
      `${definitionPath(definition)}/requests`,
      { query: { entityRef } },
    );
    return { items: response.items ?? [] };
  }

  /** {@inheritDoc KubernetesJobsApi.listRunRequests} */
  async listRunRequests(options?: {
    waitingForMe?: boolean;
  }): Promise<RunRequestList> {
    const response = await this.request<Partial<RunRequestList>>(
      'GET',
      '/requests',
      { query: { waitingForMe: options?.waitingForMe ? 'true' : undefined } },
    );
    return { items: response.items ?? [] };
  }

  /** {@inheritDoc KubernetesJobsApi.getRunRequest} */
  async getRunRequest(id: string, entityRef: string): Promise<RunRequest> {
    return this.request('GET', requestPath(id), { query: { entityRef } });
  }

  /** {@inheritDoc KubernetesJobsApi.approveRunRequest} */
  async approveRunRequest(
    id: string,
    entityRef: string,
    comment?: string,
  ): Promise<RunRequest> {
    return this.request('POST', `${requestPath(id)}/approve`, {
      body: { entityRef, ...(comment && { comment }) },
    });
  }

  /** {@inheritDoc KubernetesJobsApi.rejectRunRequest} */
  async rejectRunRequest(
    id: string,
    entityRef: string,
    comment?: string,
  ): Promise<RunRequest> {
    return this.request('POST', `${requestPath(id)}/reject`, {
      body: { entityRef, ...(comment && { comment }) },
    });
  }

  /** {@inheritDoc KubernetesJobsApi.cancelRunRequest} */
  async cancelRunRequest(id: string, entityRef: string): Promise<RunRequest> {
    return this.request('POST', `${requestPath(id)}/cancel`, {
      body: { entityRef },
    });
  }

  /** {@inheritDoc KubernetesJobsApi.getRun} */
  async getRun(run: RunLocation, entityRef: string): Promise<JobRun> {
    return this.request('GET', runPath(run), { query: { entityRef } });
  }

  /** {@inheritDoc KubernetesJobsApi.killRun} */
  async killRun(run: RunLocation, entityRef: string): Promise<JobRun> {
    return this.request('POST', `${runPath(run)}/kill`, {
      body: { entityRef },
    });
  }

  /** {@inheritDoc KubernetesJobsApi.getRunEvents} */
  async getRunEvents(
    run: RunLocation,
    entityRef: string,
  ): Promise<RunEventList> {
    const response = await this.request<Partial<RunEventList>>(
      'GET',
      `${runPath(run)}/events`,
      { query: { entityRef } },
    );
    return listAnswer(response);
  }

  /** {@inheritDoc KubernetesJobsApi.getRunPods} */
  async getRunPods(run: RunLocation, entityRef: string): Promise<RunPodList> {
    const response = await this.request<Partial<RunPodList>>(
      'GET',
      `${runPath(run)}/pods`,
      { query: { entityRef } },
    );
    return listAnswer(response);
  }

  /** {@inheritDoc KubernetesJobsApi.getRunLogs} */
  async getRunLogs(
    run: RunLocation,
    entityRef: string,
    options?: GetRunLogsOptions,
  ): Promise<RunLogs> {
    return this.request('GET', `${runPath(run)}/logs`, {
      query: {
        entityRef,
        pod: options?.pod,
        container: options?.container,
        tailLines: options?.tailLines?.toString(),
      },
    });
  }

  private async request<T>(
    method: 'GET' | 'POST',
    path: string,
    options: {
      query?: Record<string, string | undefined>;
      body?: unknown;
    },
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('kubernetes-jobs');
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) {
        params.set(key, value);
      }
    }
    const query = params.toString();
    const url = `${baseUrl}${path}${query ? `?${query}` : ''}`;

    const response = await this.fetchApi.fetch(url, {
      method,
      ...(options.body !== undefined && {
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(options.body),
      }),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

/**
 * A list answer as the frontend uses it: `items` always set, `savedAt` only when the backend
 * says the items were saved when the run ended (older backends never say so).
 */
function listAnswer<T>(response: { items?: T[]; savedAt?: string }): {
  items: T[];
  savedAt?: string;
} {
  return {
    items: response.items ?? [],
    ...(response.savedAt ? { savedAt: response.savedAt } : {}),
  };
}

function definitionPath(definition: DefinitionLocation): string {
  return `/definitions/${[
    definition.cluster,
    definition.namespace,
    definition.kind.toLocaleLowerCase('en-US'),
    definition.name,
  ]
    .map(encodeURIComponent)
    .join('/')}`;
}

function runPath(run: RunLocation): string {
  return `/runs/${[run.cluster, run.namespace, run.name]
    .map(encodeURIComponent)
    .join('/')}`;
}

function requestPath(id: string): string {
  return `/requests/${encodeURIComponent(id)}`;
}
