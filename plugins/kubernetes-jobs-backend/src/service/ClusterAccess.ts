import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import { ClusterClient, ClusterClientFactory } from '../cluster/ClusterClient';
import { ClusterRegistry } from '../cluster/ClusterRegistry';
import { KubernetesClusterClient } from '../cluster/KubernetesClusterClient';
import { ClusterConnections } from '../cluster/ClusterConnections';

/**
 * The one way into clusters: only configured ones (an unknown name is a 404, never a new
 * connection), each call with fresh credentials. Tests inject their own client factory.
 */
export class ClusterAccess {
  readonly client: ClusterClientFactory;
  /** Connections kept open between calls, per cluster. */
  private readonly connections = new ClusterConnections();

  constructor(
    private readonly registry: ClusterRegistry,
    options: {
      logger: LoggerService;
      /** How long one cluster call may take. */
      requestTimeoutMs?: number;
      clientFactory?: ClusterClientFactory;
    },
  ) {
    this.client =
      options.clientFactory ??
      (async (cluster: string): Promise<ClusterClient> => {
        const configured = this.registry.get(cluster);
        try {
          return new KubernetesClusterClient(
            cluster,
            await configured.getKubeConfig(),
            options.requestTimeoutMs,
            this.connections,
          );
        } catch (error) {
          // Credential helpers can fail (expired cloud credentials, missing in-cluster token);
          // the message names the cluster but not what the helper printed.
          options.logger.warn(
            `kubernetes-jobs: could not get credentials for cluster '${cluster}': ${
              (error as Error).name
            }`,
          );
          throw new ServiceUnavailableError(
            `Could not get credentials for cluster '${cluster}'`,
          );
        }
      });
  }

  /** Throws a NotFoundError for a cluster that is not configured. */
  assertKnown(cluster: string): void {
    this.registry.get(cluster);
  }

  names(): string[] {
    return this.registry.list().map(c => c.name);
  }

  /** Closes the open connections (at shutdown). */
  close(): void {
    this.connections.close();
  }
}
