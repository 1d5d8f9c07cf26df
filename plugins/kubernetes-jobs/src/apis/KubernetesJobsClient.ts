import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  DefinitionDetails,
  DefinitionListResponse,
  DefinitionLocation,
  JobRun,
  RunEvent,
  RunHistoryPage,
  RunLocation,
  RunLogs,
  RunPod,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import {
  GetRunHistoryOptions,
  GetRunLogsOptions,
  KubernetesJobsApi,
} from './KubernetesJobsApi';

/**
 * Default implementation of {@link KubernetesJobsApi}, over the backend's REST API.
 *
 * @public
 */
export class KubernetesJobsClient implements KubernetesJobsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getDefinitions(options?: {
    entityRef?: string;
  }): Promise<DefinitionListResponse> {
    return this.request('GET', '/definitions', {
      query: { entityRef: options?.entityRef },
    });
  }

  async getDefinition(
    definition: DefinitionLocation,
    entityRef: string,
  ): Promise<DefinitionDetails> {
    return this.request('GET', definitionPath(definition), {
      query: { entityRef },
    });
  }

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

  async runDefinition(
    definition: DefinitionLocation,
    entityRef: string,
  ): Promise<JobRun> {
    return this.request('POST', `${definitionPath(definition)}/runs`, {
      body: { entityRef },
    });
  }

  async getRun(run: RunLocation, entityRef: string): Promise<JobRun> {
    return this.request('GET', runPath(run), { query: { entityRef } });
  }

  async killRun(run: RunLocation, entityRef: string): Promise<JobRun> {
    return this.request('POST', `${runPath(run)}/kill`, {
      body: { entityRef },
    });
  }

  async getRunEvents(run: RunLocation, entityRef: string): Promise<RunEvent[]> {
    const response = await this.request<{ items: RunEvent[] }>(
      'GET',
      `${runPath(run)}/events`,
      { query: { entityRef } },
    );
    return response.items;
  }

  async getRunPods(run: RunLocation, entityRef: string): Promise<RunPod[]> {
    const response = await this.request<{ items: RunPod[] }>(
      'GET',
      `${runPath(run)}/pods`,
      { query: { entityRef } },
    );
    return response.items;
  }

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
