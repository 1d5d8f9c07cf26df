import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { DEFAULT_DEFINITION_ANNOTATION } from '@job-assistant/plugin-kubernetes-jobs-common';
import { DEFAULT_WATCH_TIMING, WatchTiming } from './cache/watchTypes';
import { ConnectRetry } from './database/ConnectingRunStore';

/** Options read from `kubernetesJobs.notifications`. */
export interface NotificationOptions {
  /** Tell the person who triggered a run when it finishes. Default true. */
  enabled: boolean;
  /** Also tell the owner of the entity when a run fails. Default false. */
  notifyOwnerOnFailure: boolean;
}

/** Options read from `kubernetesJobs.notifications.slowRuns`. */
export interface SlowRunOptions {
  /** Tell who started a run when it takes longer than usual. Default false. */
  enabled: boolean;
  /** Also tell the owners of the entity. Default false. */
  notifyOwner: boolean;
  /** How often running runs are checked, in seconds. Default 60. */
  checkSeconds: number;
}

/** One `kubernetesJobs.approvals` entry: every run on `cluster` needs approval. */
export interface ApprovalRule {
  cluster: string;
  /** How many approvals. Default 1. */
  count: number;
  /** Groups whose members may approve (entity refs); empty: whoever the policy allows. */
  approverGroups: string[];
}

/** Options read from `kubernetesJobs.runRequests`. */
export interface RunRequestOptions {
  /** How far ahead a run may be asked for, in days. Default 30. */
  horizonDays: number;
  /** How long a request waits for its approvals, in hours. Default 24. */
  approvalExpiryHours: number;
  /** How often due requests are started and old ones expired, in seconds. Default 10. */
  sweepSeconds: number;
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
  /** How old the catalog copy and the decisions a view rests on may be; 0: none kept. */
  viewCacheMs: number;
  notifications: NotificationOptions & { slowRuns: SlowRunOptions };
  database: { retry: ConnectRetry };
  approvals: ApprovalRule[];
  runRequests: RunRequestOptions;
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
    viewCacheMs: viewCacheMs(config),
    database: {
      retry: {
        firstDelayMs: 1000,
        maxDelayMs:
          positive('kubernetesJobs.database.maxRetrySeconds', 30) * 1000,
      },
    },
    approvals: readApprovalRules(config),
    runRequests: {
      horizonDays: positive('kubernetesJobs.runRequests.horizonDays', 30),
      approvalExpiryHours: positive(
        'kubernetesJobs.runRequests.approvalExpiryHours',
        24,
      ),
      sweepSeconds: positive('kubernetesJobs.runRequests.sweepSeconds', 10),
    },
    notifications: {
      enabled:
        config.getOptionalBoolean('kubernetesJobs.notifications.enabled') ??
        true,
      notifyOwnerOnFailure:
        config.getOptionalBoolean(
          'kubernetesJobs.notifications.notifyOwnerOnFailure',
        ) ?? false,
      slowRuns: {
        enabled:
          config.getOptionalBoolean(
            'kubernetesJobs.notifications.slowRuns.enabled',
          ) ?? false,
        notifyOwner:
          config.getOptionalBoolean(
            'kubernetesJobs.notifications.slowRuns.notifyOwner',
          ) ?? false,
        checkSeconds: positive(
          'kubernetesJobs.notifications.slowRuns.checkSeconds',
          60,
        ),
      },
    },
  };
}

/** `kubernetesJobs.viewCacheSeconds`: 0 or more, 10 by default. */
function viewCacheMs(config: Config): number {
  const key = 'kubernetesJobs.viewCacheSeconds';
  const value = config.getOptionalNumber(key) ?? 10;
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(
      `${key}: must be a number of seconds, 0 or more, got ${value}`,
    );
  }
  return value * 1000;
}

/** `kubernetesJobs.approvals`: clusters where every run needs approval. */
function readApprovalRules(config: Config): ApprovalRule[] {
  const entries = config.getOptionalConfigArray('kubernetesJobs.approvals');
  return (entries ?? []).map((entry, index) => {
    const at = `kubernetesJobs.approvals[${index}]`;
    const cluster = entry.getString('cluster');
    const count = entry.getOptionalNumber('count') ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 10) {
      throw new Error(
        `${at}.count: must be a whole number from 1 to 10, got ${count}`,
      );
    }
    const approverGroups = (
      entry.getOptionalStringArray('approverGroups') ?? []
    ).map(ref => {
      const parsed = approverRef(ref);
      if (!parsed) {
        throw new Error(
          `${at}.approverGroups: '${ref}' is not a group ref like group:default/team-sre`,
        );
      }
      return parsed;
    });
    return { cluster, count, approverGroups };
  });
}

/**
 * An approver group as a full entity ref (`team-sre` is `group:default/team-sre`), or undefined
 * when it is not a group (or user) ref. The one rule for config and annotations.
 */
export function approverRef(value: string): string | undefined {
  try {
    const ref = parseEntityRef(value.trim(), {
      defaultKind: 'group',
      defaultNamespace: 'default',
    });
    const kind = ref.kind.toLocaleLowerCase('en-US');
    if (kind !== 'group' && kind !== 'user') return undefined;
    return stringifyEntityRef(ref);
  } catch {
    return undefined;
  }
}
