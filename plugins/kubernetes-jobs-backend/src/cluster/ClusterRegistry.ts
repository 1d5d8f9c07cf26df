import { Config } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
// A backend plugin importing from another backend plugin is what Backstage's
// `@backstage/no-mixed-plugin-imports` rule discourages (it checks workspace packages only, so it
// reports nothing for this npm dependency). Kept on purpose: the AWS IAM, Azure, Google service
// account and service account strategies exist only in @backstage/plugin-kubernetes-backend;
// @backstage/plugin-kubernetes-node has their interface (`AuthenticationStrategy`) and an
// extension point for adding strategies to the kubernetes plugin, not the implementations.
// Reusing them keeps cluster authentication identical to the kubernetes plugin's, for the same
// `kubernetes.clusterLocatorMethods` config, instead of a second copy of cloud token signing.
import {
  AwsIamStrategy,
  AzureIdentityStrategy,
  DispatchStrategy,
  GoogleServiceAccountStrategy,
  ServiceAccountStrategy,
} from '@backstage/plugin-kubernetes-backend';
import {
  ANNOTATION_KUBERNETES_AUTH_PROVIDER,
  ANNOTATION_KUBERNETES_AWS_ASSUME_ROLE,
  ANNOTATION_KUBERNETES_AWS_EXTERNAL_ID,
} from '@backstage/plugin-kubernetes-common';
import type {
  AuthenticationStrategy,
  ClusterDetails,
  KubernetesCredential,
} from '@backstage/plugin-kubernetes-node';
import { KubeConfig } from '@kubernetes/client-node';

/**
 * A cluster the plugin may talk to. Requests name clusters by `name`; nothing else is reachable.
 */
export interface ConfiguredCluster {
  name: string;
  title?: string;
  /** A KubeConfig with fresh credentials, for one request. */
  getKubeConfig(): Promise<KubeConfig>;
}

/**
 * Auth providers that work without the signed-in user's own cloud token: the plugin acts as
 * its backend identity, as Runs happen server-side.
 */
const SERVER_SIDE_AUTH_PROVIDERS = [
  'serviceAccount',
  'aws',
  'azure',
  'googleServiceAccount',
];

/**
 * ServiceAccountStrategy's behaviour, answering a configured `serviceAccountToken` directly.
 * The wrapped strategy loads @kubernetes/client-node with a dynamic import(), which Jest's module
 * system cannot run; only the in-cluster case (no configured token) needs it.
 */
class ConfiguredTokenStrategy implements AuthenticationStrategy {
  constructor(private readonly inCluster: AuthenticationStrategy) {}

  async getCredential(
    details: ClusterDetails,
    auth: Parameters<AuthenticationStrategy['getCredential']>[1],
  ): Promise<KubernetesCredential> {
    const token = details.authMetadata.serviceAccountToken;
    if (token) return { type: 'bearer token', token };
    return this.inCluster.getCredential(details, auth);
  }

  validateCluster(): Error[] {
    return [];
  }

  presentAuthMetadata(): Record<string, string> {
    return {};
  }
}

/**
 * The clusters configured for the plugin, read once at startup. An unknown name is a 404, never
 * a new connection.
 */
export class ClusterRegistry {
  private readonly clusters: Map<string, ConfiguredCluster>;

  static fromConfig(
    config: Config,
    options: { logger: LoggerService },
  ): ClusterRegistry {
    const { logger } = options;
    const strategy = new DispatchStrategy({
      authStrategyMap: {
        serviceAccount: new ConfiguredTokenStrategy(
          new ServiceAccountStrategy(),
        ),
        aws: new AwsIamStrategy({ config }),
        azure: new AzureIdentityStrategy(logger),
        googleServiceAccount: new GoogleServiceAccountStrategy({ config }),
      },
    });
    const clusters: ConfiguredCluster[] = [];

    const methods =
      config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
    methods.forEach((method, methodIndex) => {
      const key = `kubernetes.clusterLocatorMethods[${methodIndex}]`;
      const type = method.getString('type');
      if (type === 'config') {
        (method.getOptionalConfigArray('clusters') ?? []).forEach((c, i) => {
          const cluster = readConfigCluster(
            c,
            `${key}.clusters[${i}]`,
            strategy,
            logger,
          );
          if (cluster) clusters.push(cluster);
        });
      } else if (type === 'localKubectlProxy') {
        clusters.push(
          fromDetails(
            {
              name: 'local',
              url: 'http://localhost:8001',
              authMetadata: {},
              skipTLSVerify: true,
            },
            async () => ({ type: 'anonymous' }),
          ),
        );
      } else {
        logger.warn(
          `${key}: cluster locator type '${type}' is not used by kubernetes-jobs; only 'config' and 'localKubectlProxy' are`,
        );
      }
    });

    (config.getOptionalConfigArray('kubernetesJobs.clusters') ?? []).forEach(
      (c, i) => {
        const key = `kubernetesJobs.clusters[${i}]`;
        const type = c.getString('type');
        if (type === 'kubeconfig') {
          clusters.push(readKubeconfigCluster(c, key));
        } else if (type === 'inCluster') {
          const name = c.getString('name');
          clusters.push({
            name,
            async getKubeConfig() {
              const kc = new KubeConfig();
              kc.loadFromCluster();
              return kc;
            },
          });
        } else {
          throw new Error(
            `${key}.type: unknown cluster source '${type}'; expected 'kubeconfig' or 'inCluster'`,
          );
        }
      },
    );

    const seen = new Set<string>();
    for (const cluster of clusters) {
      if (seen.has(cluster.name)) {
        throw new Error(
          `kubernetes-jobs: duplicate cluster name '${cluster.name}'; cluster names must be unique`,
        );
      }
      seen.add(cluster.name);
    }
    if (clusters.length === 0) {
      logger.warn(
        'kubernetes-jobs: no clusters configured (kubernetes.clusterLocatorMethods); no Jobs will be found',
      );
    }
    return new ClusterRegistry(clusters);
  }

  constructor(clusters: ConfiguredCluster[]) {
    this.clusters = new Map(clusters.map(c => [c.name, c]));
  }

  /** All clusters, in configuration order. */
  list(): ConfiguredCluster[] {
    return [...this.clusters.values()];
  }

  /** The named cluster; a NotFoundError for a name that is not configured. */
  get(name: string): ConfiguredCluster {
    const cluster = this.clusters.get(name);
    if (!cluster) {
      throw new NotFoundError(`Cluster '${name}' is not configured`);
    }
    return cluster;
  }
}

function readConfigCluster(
  c: Config,
  key: string,
  strategy: AuthenticationStrategy,
  logger: LoggerService,
): ConfiguredCluster | undefined {
  const name = c.getString('name');
  const url = c.getString('url');
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new Error('not http(s)');
    }
  } catch {
    throw new Error(
      `${key}.url: '${url}' is not a valid http(s) URL for cluster '${name}'`,
    );
  }
  const authMetadataBlock =
    c.getOptional<Record<string, string>>('authMetadata');
  const authProvider =
    authMetadataBlock?.[ANNOTATION_KUBERNETES_AUTH_PROVIDER] ??
    c.getOptionalString('authProvider');
  if (!authProvider) {
    throw new Error(
      `${key}.authProvider: cluster '${name}' has no auth provider; set 'authProvider' (for example serviceAccount)`,
    );
  }
  if (!SERVER_SIDE_AUTH_PROVIDERS.includes(authProvider)) {
    // Valid for the Kubernetes plugin (which forwards the user's own token), but a Run is made by
    // the backend, which has no such token. Skipping keeps the rest of the portal starting.
    logger.warn(
      `${key}.authProvider: '${authProvider}' needs the signed-in user's own token; kubernetes-jobs skips cluster '${name}'. Use one of ${SERVER_SIDE_AUTH_PROVIDERS.join(
        ', ',
      )}.`,
    );
    return undefined;
  }
  const authMetadata: Record<string, string> = {
    [ANNOTATION_KUBERNETES_AUTH_PROVIDER]: authProvider,
    ...optional(
      'serviceAccountToken',
      c.getOptionalString('serviceAccountToken'),
    ),
    ...optional(
      ANNOTATION_KUBERNETES_AWS_ASSUME_ROLE,
      c.getOptionalString('assumeRole'),
    ),
    ...optional(
      ANNOTATION_KUBERNETES_AWS_EXTERNAL_ID,
      c.getOptionalString('externalId'),
    ),
    ...authMetadataBlock,
  };
  const details: ClusterDetails = {
    name,
    title: c.getOptionalString('title'),
    url,
    authMetadata,
    skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
    caData: c.getOptionalString('caData'),
    caFile: c.getOptionalString('caFile'),
  };
  const errors = strategy.validateCluster(authMetadata);
  if (errors.length) {
    throw new Error(
      `${key}: invalid cluster '${name}': ${errors
        .map(e => e.message)
        .join(', ')}`,
    );
  }
  return fromDetails(details, () => strategy.getCredential(details, {}));
}

function optional(key: string, value: string | undefined) {
  return value === undefined ? {} : { [key]: value };
}

function fromDetails(
  details: ClusterDetails,
  getCredential: () => Promise<KubernetesCredential>,
): ConfiguredCluster {
  return {
    name: details.name,
    title: details.title,
    async getKubeConfig() {
      const credential = await getCredential();
      const user: Record<string, string> = { name: 'kubernetes-jobs' };
      if (credential.type === 'bearer token') {
        user.token = credential.token;
      } else if (credential.type === 'x509 client certificate') {
        user.certData = Buffer.from(credential.cert).toString('base64');
        user.keyData = Buffer.from(credential.key).toString('base64');
      }
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [
          {
            name: details.name,
            server: details.url,
            caData: details.caData,
            caFile: details.caFile,
            skipTLSVerify: details.skipTLSVerify ?? false,
          },
        ],
        users: [user],
        contexts: [
          { name: details.name, cluster: details.name, user: user.name },
        ],
        currentContext: details.name,
      });
      return kc;
    },
  };
}

function readKubeconfigCluster(c: Config, key: string): ConfiguredCluster {
  const path = c.getOptionalString('path');
  const context = c.getOptionalString('context');
  const load = () => {
    const kc = new KubeConfig();
    if (path) kc.loadFromFile(path);
    else kc.loadFromDefault();
    if (context) {
      if (!kc.getContextObject(context)) {
        throw new Error(
          `${key}.context: context '${context}' not found in the kubeconfig`,
        );
      }
      kc.setCurrentContext(context);
    }
    return kc;
  };
  // Read once now so that a missing file or context fails at startup, naming the key.
  const initial = load();
  const name = c.getOptionalString('name') ?? initial.getCurrentContext();
  return {
    name,
    // Re-read on use: kubeconfig credentials (exec plugins, refreshed tokens) change over time.
    async getKubeConfig() {
      return load();
    },
  };
}
