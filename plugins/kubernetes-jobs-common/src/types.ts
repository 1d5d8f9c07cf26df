/**
 * Kind of object a definition is.
 *
 * @public
 */
export type DefinitionKind = 'Job' | 'CronJob';

/**
 * Where a Kubernetes object lives.
 *
 * @public
 */
export interface ObjectLocation {
  cluster: string;
  namespace: string;
  name: string;
}

/**
 * Type of a run-time parameter.
 *
 * @public
 */
export type ParameterType =
  | 'string'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'enum'
  | 'date';

/**
 * A run-time parameter a definition declares (annotation `job-assistant/parameters`). Its value
 * reaches the run as an environment variable named `name`, in `containers` (default: all).
 *
 * @public
 */
export interface ParameterDeclaration {
  /** An environment variable name: letters, digits and `_`, not starting with a digit. */
  name: string;
  title?: string;
  description?: string;
  type: ParameterType;
  required?: boolean;
  default?: ParameterValue;
  /** For `enum`. */
  options?: string[];
  /** For `string`: a regular expression the whole value must match. */
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  /** For `number` and `integer`. */
  minimum?: number;
  maximum?: number;
  /** Containers that get it; default: all of them. */
  containers?: string[];
}

/**
 * A parameter value: a `date` is `YYYY-MM-DD`.
 *
 * @public
 */
export type ParameterValue = string | number | boolean;

/**
 * A Job or CronJob annotated as runnable.
 *
 * @public
 */
export interface JobDefinition extends ObjectLocation {
  kind: DefinitionKind;
  uid: string;
  /** The catalog entity the definition belongs to, when one matches it. */
  entityRef?: string;
  /** The owner (`spec.owner`) of that entity, as an entity ref. */
  entityOwnerRef?: string;
  /** From the `job-assistant/description` annotation. */
  description?: string;
  /** CronJob schedule (and time zone, when set). */
  schedule?: string;
  timeZone?: string;
  /** `spec.suspend` of the definition itself (a suspended CronJob does not fire on schedule). */
  suspended: boolean;
  allowParallelRuns: boolean;
  containers: Array<{ name: string; image?: string }>;
  backoffLimit?: number;
  activeDeadlineSeconds?: number;
  createdAt?: string;
  /** The run-time parameters it declares (none when absent). */
  parameters?: ParameterDeclaration[];
  /**
   * Set when its parameters annotation cannot be used: it cannot run until its author fixes it
   * ("parameters annotation invalid: ...").
   */
  parametersError?: string;
  /** A CronJob whose schedule portal users may suspend and resume. */
  scheduleControl?: boolean;
  /** A CronJob's last scheduled time, and the next one (from its schedule and time zone). */
  lastScheduleTime?: string;
  nextScheduleTime?: string;
}

/**
 * State of a run as portal users see it.
 *
 * @public
 */
export type RunState =
  | 'Pending'
  | 'Running'
  | 'Succeeded'
  | 'Failed'
  | 'Killed';

/**
 * How a run was started.
 *
 * @public
 */
export type RunTrigger = 'portal' | 'schedule' | 'outside';

/**
 * One run: a Job created from a definition (or the definition itself, when it ran).
 *
 * @public
 */
export interface JobRun extends ObjectLocation {
  uid: string;
  definition: { kind: DefinitionKind; name: string; uid?: string };
  /** True when this run is the definition Job itself (it ran before or without us). */
  isDefinition: boolean;
  state: RunState;
  createdAt?: string;
  startedAt?: string;
  finishedAt?: string;
  durationSeconds?: number;
  /**
   * Who started the run from the portal: from the backend's own record, written when it
   * created the run. Never taken from the Job (anyone who may write Jobs could set that).
   */
  triggeredBy?: string;
  triggeredAt?: string;
  /**
   * How the run was started: `portal` (recorded by this backend), `schedule` (a CronJob's
   * schedule), `outside` (kubectl, another tool). Absent when history is unavailable.
   */
  trigger?: RunTrigger;
  /**
   * Who the run Job's annotation says started it, when no record confirms it: a claim, shown
   * as such ("started outside the portal, claims: ...").
   */
  claimedTriggeredBy?: string;
  /** Who stopped the run from the portal, from the backend's own record. */
  killedBy?: string;
  killedAt?: string;
  /**
   * For a failed run, one line in plain words: the failed container's termination message or
   * last log lines, its exit code and the attempts made. Kubernetes' reason stays in `failure`.
   */
  failureSummary?: string;
  /** Pods started for this run (retries included). */
  attempts?: number;
  /** The parameter values it ran with. */
  parameters?: Record<string, ParameterValue>;
  /**
   * When the run's logs (tails) and events were saved with its record: they are served from
   * there once Kubernetes has deleted the pods.
   */
  evidenceSavedAt?: string;
  pods: {
    active: number;
    ready: number;
    succeeded: number;
    failed: number;
    terminating: number;
  };
  failure?: { reason?: string; message?: string };
  /**
   * The Job is gone from the cluster (TTL, cleanup, definition deleted); this run comes from the
   * plugin's history records.
   */
  removedFromCluster?: boolean;
}

/**
 * Aggregates over the recorded runs of a definition (its whole history, not only what the cluster still shows).
 *
 * @public
 */
export interface DefinitionStats {
  lastRun?: JobRun;
  counts: {
    total: number;
    active: number;
    succeeded: number;
    failed: number;
    killed: number;
  };
  /**
   * Succeeded / (succeeded + failed), absent when none of those. A killed run is a person's
   * decision, not a failure of the Job, and does not count.
   */
  successRate?: number;
  /** Median duration of the last 20 succeeded runs, in seconds. */
  typicalDurationSeconds?: number;
}

/**
 * A definition with its stats, as listed on the Jobs tab and page.
 *
 * @public
 */
export interface DefinitionSummary {
  definition: JobDefinition;
  stats: DefinitionStats;
}

/**
 * A cluster that could not be read while listing; the rest of the list is still returned.
 *
 * @public
 */
export interface ClusterError {
  cluster: string;
  message: string;
  statusCode?: number;
  /** What could not be read, when only that kind was refused (the rest is in the list). */
  kind?: DefinitionKind;
}

/**
 * Response of the definition list routes.
 *
 * @public
 */
export interface DefinitionListResponse {
  items: DefinitionSummary[];
  errors: ClusterError[];
  /** How current each cluster's data is; a stale cluster's items are what was last known. */
  clusters?: ClusterStatus[];
}

/**
 * A definition with its stats and runs, newest first.
 *
 * @public
 */
export interface DefinitionDetails extends DefinitionSummary {
  runs: JobRun[];
  /** Cursor of the next page of older runs (`GET .../runs?cursor=`), when there are more. */
  nextCursor?: string;
}

/**
 * A page of a definition's run history, newest first.
 *
 * @public
 */
export interface RunHistoryPage {
  items: JobRun[];
  nextCursor?: string;
}

/**
 * A Kubernetes event about a run or its pods.
 *
 * @public
 */
export interface RunEvent {
  type: string;
  reason?: string;
  message?: string;
  count: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  involvedObject: { kind?: string; name?: string };
}

/**
 * A pod of a run and its containers.
 *
 * @public
 */
export interface RunPod {
  name: string;
  phase?: string;
  containers: string[];
  createdAt?: string;
}

/**
 * A run's pods: live from the cluster, or as saved when the run ended.
 *
 * @public
 */
export interface RunPodList {
  items: RunPod[];
  /** Set when these are the pods saved when the run ended (Kubernetes no longer has them). */
  savedAt?: string;
}

/**
 * Logs of one container of one pod of a run.
 *
 * @public
 */
export interface RunLogs {
  pod: string;
  container: string;
  text: string;
  /**
   * Why there is no log yet: the container has not started (Kubernetes' waiting reason, such as
   * ContainerCreating). Kubernetes answers such a log request with an error; this is not one.
   */
  waiting?: string;
  /** Set when the text is the tail saved when the run ended (its pods are gone). */
  savedAt?: string;
}

/**
 * A run's events: live from the cluster, or those saved when the run ended.
 *
 * @public
 */
export interface RunEventList {
  items: RunEvent[];
  /** Set when these are the events saved when the run ended (Kubernetes no longer has them). */
  savedAt?: string;
}

/**
 * Where a definition lives, as the API addresses it.
 *
 * @public
 */
export interface DefinitionLocation extends ObjectLocation {
  kind: DefinitionKind;
}

/**
 * Where a run lives, as the API addresses it.
 *
 * @public
 */
export type RunLocation = ObjectLocation;

/**
 * How current the backend's view of one cluster is. The backend watches each cluster and
 * answers reads from memory; when the watch is broken it keeps answering with what it last
 * knew, and says so here.
 *
 * @public
 */
export interface ClusterStatus {
  cluster: string;
  /** The first full list has arrived: answers are complete. */
  synced: boolean;
  /** Since when the data may be out of date (the watch is down and reconnecting). */
  staleSince?: string;
  /** The last error talking to the cluster, in words that name the cluster. */
  lastError?: string;
}
