import { Config } from '@backstage/config';
import { DEFAULT_DEFINITION_ANNOTATION } from '@job-assistant/plugin-kubernetes-jobs-common';
import { DEFAULT_WATCH_TIMING, WatchTiming } from './cache/ResourceWatch';
import { ConnectRetry } from './database/ConnectingRunStore';

/** Options read from `kubernetesJobs.notifications`. */
export interface NotificationOptions {
  /** Tell the person who triggered a run when it finishes. Default true. */
  enabled: boolean;
  /** Also tell the owner of the entity when a run fails. Default false. */
  notifyOwnerOnFailure: boolean;
}

/** The plugin's own options, read once at startup. */
export interface PluginOptions {
  annotationKey: string;
  allowParallelRunsByDefault: boolean;
  history: {
    /** Finished runs older than this many days are deleted from history. */
    maxAgeDays: number;
    /** At most this many runs are kept per definition. */
    maxRunsPerDefinition: number;
    /** Log text kept per run when it ends, for when its pods are gone. */
    maxLogBytesPerRun: number;
  };
  watch: WatchTiming & { syncTimeoutMs: number };
  /** How long one call to a cluster may take before it is a 504. */
  requestTimeoutMs: number;
  notifications: NotificationOptions;
  database: { retry: ConnectRetry };
}

// A Kubernetes annotation key: optional DNS-subdomain prefix and '/', then a name of at most 63.
const ANNOTATION_KEY =
  /^(([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** Reads `kubernetesJobs.*`; a bad value fails startup with a message naming the key. */
export function readPluginOptions(config: Config): PluginOptions {
  const annotationKey =
    config.getOptionalString('kubernetesJobs.definitionAnnotation') ??
    DEFAULT_DEFINITION_ANNOTATION;
  if (!ANNOTATION_KEY.test(annotationKey)) {
    throw new Error(
      `kubernetesJobs.definitionAnnotation: '${annotationKey}' is not a valid Kubernetes annotation key`,
    );
  }
  const positive = (key: string, fallback: number) => {
    const value = config.getOptionalNumber(key) ?? fallback;
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(
        `${key}: must be a whole number of at least 1, got ${value}`,
      );
    }
    return value;
  };
  return {
    annotationKey,
    allowParallelRunsByDefault:
      config.getOptionalBoolean('kubernetesJobs.allowParallelRunsByDefault') ??
      false,
    history: {
      maxAgeDays: positive('kubernetesJobs.history.maxAgeDays', 365),
      maxRunsPerDefinition: positive(
        'kubernetesJobs.history.maxRunsPerDefinition',
        1000,
      ),
      maxLogBytesPerRun: positive(
        'kubernetesJobs.history.maxLogBytesPerRun',
        256 * 1024,
      ),
    },
    watch: {
      ...DEFAULT_WATCH_TIMING,
      pageSize: positive(
        'kubernetesJobs.watch.pageSize',
        DEFAULT_WATCH_TIMING.pageSize,
      ),
      watchTimeoutSeconds: positive(
        'kubernetesJobs.watch.timeoutSeconds',
        DEFAULT_WATCH_TIMING.watchTimeoutSeconds,
      ),
      stallMs:
        positive(
          'kubernetesJobs.watch.stallSeconds',
          DEFAULT_WATCH_TIMING.stallMs / 1000,
        ) * 1000,
      probeAfterMs:
        positive(
          'kubernetesJobs.watch.probeAfterSeconds',
          DEFAULT_WATCH_TIMING.probeAfterMs / 1000,
        ) * 1000,
      probeTimeoutMs:
        positive(
          'kubernetesJobs.watch.probeTimeoutSeconds',
          DEFAULT_WATCH_TIMING.probeTimeoutMs / 1000,
        ) * 1000,
      syncTimeoutMs:
        positive('kubernetesJobs.watch.syncTimeoutSeconds', 10) * 1000,
    },
    requestTimeoutMs:
      positive('kubernetesJobs.requestTimeoutSeconds', 10) * 1000,
    database: {
      retry: {
        firstDelayMs: 1000,
        maxDelayMs:
          positive('kubernetesJobs.database.maxRetrySeconds', 30) * 1000,
      },
    },
    notifications: {
      enabled:
        config.getOptionalBoolean('kubernetesJobs.notifications.enabled') ??
        true,
      notifyOwnerOnFailure:
        config.getOptionalBoolean(
          'kubernetesJobs.notifications.notifyOwnerOnFailure',
        ) ?? false,
    },
  };
}
