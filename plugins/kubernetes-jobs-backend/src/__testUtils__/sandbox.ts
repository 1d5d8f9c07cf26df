import {
  SANDBOX_ADMIN_TOKEN,
  SandboxCluster,
  SandboxUser,
  startSandboxCluster,
} from '@job-assistant/sandbox-cluster';
import { Entity } from '@backstage/catalog-model';

/** Talks to the sandbox directly, as an admin would with kubectl: setup and raw checks. */
export class SandboxAdmin {
  constructor(readonly sandbox: SandboxCluster) {}

  static async start(
    options: { tokens?: Record<string, SandboxUser> } = {},
  ): Promise<SandboxAdmin> {
    // Simulated time runs 20x faster: `sleep 20` in a container takes one real second.
    return new SandboxAdmin(
      await startSandboxCluster({
        timeScale: 0.05,
        tokens: options.tokens && {
          [SANDBOX_ADMIN_TOKEN]: { name: 'sandbox-admin' },
          ...options.tokens,
        },
      }),
    );
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ) {
    const response = await fetch(`${this.sandbox.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${SANDBOX_ADMIN_TOKEN}`,
        'content-type': contentType,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`${method} ${path} -> ${response.status}: ${text}`);
    }
    return JSON.parse(text);
  }

  async createNamespace(name: string) {
    await this.request('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    });
  }

  /** A suspended definition Job; `script` is what its container's `sh -c` runs. */
  async createDefinitionJob(options: {
    namespace: string;
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    script?: string;
    suspend?: boolean;
    backoffLimit?: number;
  }) {
    return this.request(
      'POST',
      `/apis/batch/v1/namespaces/${options.namespace}/jobs`,
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name: options.name,
          labels: options.labels ?? { 'backstage.io/kubernetes-id': 'shop' },
          annotations: options.annotations ?? { 'job-assistant': 'enable' },
        },
        spec: {
          suspend: options.suspend ?? true,
          backoffLimit: options.backoffLimit ?? 0,
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [
                {
                  name: 'main',
                  image: 'busybox:1.36',
                  command: [
                    'sh',
                    '-c',
                    options.script ?? 'echo hello; sleep 2; echo done',
                  ],
                },
              ],
            },
          },
        },
      },
    );
  }

  async createDefinitionCronJob(options: {
    namespace: string;
    name: string;
    labels?: Record<string, string>;
    script?: string;
  }) {
    const labels = options.labels ?? { 'backstage.io/kubernetes-id': 'shop' };
    return this.request(
      'POST',
      `/apis/batch/v1/namespaces/${options.namespace}/cronjobs`,
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: {
          name: options.name,
          labels,
          annotations: { 'job-assistant': 'true' },
        },
        spec: {
          schedule: '0 2 * * *',
          suspend: true,
          jobTemplate: {
            metadata: { labels },
            spec: {
              backoffLimit: 0,
              template: {
                spec: {
                  restartPolicy: 'Never',
                  containers: [
                    {
                      name: 'export',
                      image: 'busybox:1.36',
                      command: [
                        'sh',
                        '-c',
                        options.script ?? 'echo exporting; sleep 2',
                      ],
                    },
                  ],
                },
              },
            },
          },
        },
      },
    );
  }

  getJob(namespace: string, name: string) {
    return this.request(
      'GET',
      `/apis/batch/v1/namespaces/${namespace}/jobs/${name}`,
    );
  }

  async listJobs(namespace: string, labelSelector: string) {
    const list = await this.request(
      'GET',
      `/apis/batch/v1/namespaces/${namespace}/jobs?labelSelector=${encodeURIComponent(
        labelSelector,
      )}`,
    );
    return list.items as any[];
  }

  /**
   * Requests a page view could have caused, since `since` (an index into requests): not the
   * long-lived watches, nor the watches' own checks that a silent cluster still answers (a list
   * of one item, at most once per interval per cluster).
   */
  readsSince(since: number) {
    return this.sandbox.requests
      .slice(since)
      .filter(
        r =>
          !/(^|&)watch=true(&|$)/.test(r.query) &&
          !/(^|&)limit=1(&|$)/.test(r.query),
      );
  }

  /** Requests that could have changed the cluster, since `since` (an index into requests). */
  mutatingRequestsSince(since: number) {
    return this.sandbox.requests
      .slice(since)
      .filter(r => !['GET', 'HEAD'].includes(r.method));
  }

  /** Backstage config with this sandbox as cluster `sandbox` (and more names, other tokens). */
  config(extraClusters: Array<{ name: string; token: string }> = []) {
    return {
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              { name: 'sandbox', token: SANDBOX_ADMIN_TOKEN },
              ...extraClusters,
            ].map(c => ({
              name: c.name,
              url: this.sandbox.url,
              authProvider: 'serviceAccount',
              serviceAccountToken: c.token,
              // The sandbox speaks plain HTTP, which @kubernetes/client-node only allows so.
              skipTLSVerify: true,
            })),
          },
        ],
      },
    };
  }

  close() {
    return this.sandbox.close();
  }
}

export function component(
  name: string,
  annotations: Record<string, string>,
  owner = 'team-shop',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner },
  };
}

/** Polls until `check` returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 10000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(
    `condition not met within ${timeoutMs} ms${last ? `: ${last}` : ''}`,
  );
}
