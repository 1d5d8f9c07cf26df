import type { RunRequestApproval } from './runRequests';

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
  /** Name of the cluster, as configured for the plugin. */
  cluster: string;
  /** Kubernetes namespace of the object. */
  namespace: string;
  /** Name of the object (`metadata.name`). */
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
  /** Label of the field in the Run dialog; `name` when absent. */
  title?: string;
  /** Help text shown with the field. */
  description?: string;
  /** What kind of value it takes; values are checked against it before a run is created. */
  type: ParameterType;
  /** A run must have a value for it (given, or its `default`). */
  required?: boolean;
  /** Value used when a run gives none. */
  default?: ParameterValue;
  /** For `enum`. */
  options?: string[];
  /** For `string`: a regular expression the whole value must match. */
  pattern?: string;
  /** For `string`: the shortest value allowed. */
  minLength?: number;
  /** For `string`: the longest value allowed. */
  maxLength?: number;
  /** For `number` and `integer`. */
  minimum?: number;
  /** For `number` and `integer`: the largest value allowed. */
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
  /** A Job (run by copying it) or a CronJob (run from its `jobTemplate`). */
  kind: DefinitionKind;
  /** Kubernetes UID of the definition object. */
  uid: string;
  /** The catalog entity the definition belongs to, when one matches it. */
  entityRef?: string;
  /** The owner (`spec.owner`) of that entity, as an entity ref. */
  entityOwnerRef?: string;
  /** From the `job-assistant/description` annotation. */
  description?: string;
  /** CronJob schedule (and time zone, when set). */
  schedule?: string;
  /** The CronJob's `spec.timeZone`, when set. */
  timeZone?: string;
  /** `spec.suspend` of the definition itself (a suspended CronJob does not fire on schedule). */
  suspended: boolean;
  /** Whether several runs may be active at once (annotation `job-assistant/allow-parallel-runs`, else the backend default). */
  allowParallelRuns: boolean;
  /** The Job template's containers and their images. */
  containers: Array<{ name: string; image?: string }>;
  /** `spec.backoffLimit`: pod retries before a run counts as failed. */
  backoffLimit?: number;
  /** `spec.activeDeadlineSeconds`: how long a run may take before Kubernetes stops it. */
  activeDeadlineSeconds?: number;
  /** When the definition object was created (ISO 8601). */
  createdAt?: string;
  /** The run-time parameters it declares (none when absent). */
  parameters?: ParameterDeclaration[];
  /**
   * Set when its parameters annotation cannot be used: it cannot run until its author fixes it
   * ("parameters annotation invalid: ...").
   */
  parametersError?: string;
  /**
   * The approval a run needs (annotations `job-assistant/approval` and `job-assistant/approvers`,
   * and the backend's `kubernetesJobs.approvals`): when set, Run is refused and runs are asked
   * for (`POST .../requests`).
   */
  approval?: RunRequestApproval;
  /**
   * Set when its approval annotations cannot be used: it cannot run until its author fixes them.
   */
  approvalError?: string;
  /** A CronJob whose schedule portal users may suspend and resume. */
  scheduleControl?: boolean;
  /** A CronJob's last scheduled time, and the next one (from its schedule and time zone). */
  lastScheduleTime?: string;
  /** A CronJob's next scheduled time (ISO 8601), from its schedule and time zone. */
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
  /** Kubernetes UID of the run's Job. */
  uid: string;
  /** The definition the run belongs to. */
  definition: { kind: DefinitionKind; name: string; uid?: string };
  /** True when this run is the definition Job itself (it ran before or without us). */
  isDefinition: boolean;
  /** Its state as portal users see it. */
  state: RunState;
  /** When its Job was created (ISO 8601). */
  createdAt?: string;
  /** When its Job started (`status.startTime`, ISO 8601). */
  startedAt?: string;
  /** When it succeeded, failed or was stopped (ISO 8601). */
  finishedAt?: string;
  /** Seconds from `startedAt` to `finishedAt`; absent until it has finished. */
  durationSeconds?: number;
  /**
   * Who started the run from the portal: from the backend's own record, written when it
   * created the run. Never taken from the Job (anyone who may write Jobs could set that).
   */
  triggeredBy?: string;
  /** When it was started from the portal, from the same record as `triggeredBy`. */
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
  /** When it was stopped from the portal, from the same record as `killedBy`. */
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
  /** Who approved the run, when it came from a run request that needed approval (from the backend's record). */
  approvedBy?: string[];
  /** The run request it came from (`GET /requests/:id`), from the backend's record. */
  requestId?: string;
  /**
   * When the run's logs (tails) and events were saved with its record: they are served from
   * there once Kubernetes has deleted the pods.
   */
  evidenceSavedAt?: string;
  /** Its pods by state, from the Job's status. */
  pods: {
    active: number;
    ready: number;
    succeeded: number;
    failed: number;
    terminating: number;
  };
  /** Kubernetes' reason and message for a failed run (the Job's `Failed` condition). */
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
  /** The most recent run. */
  lastRun?: JobRun;
  /** Runs by outcome over the recorded history; `active` are those Pending or Running. */
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
  /**
   * A run taking longer than this many seconds is "taking longer than usual": the 90th
   * percentile of the same runs, never below the median. Absent with fewer than
   * `USUAL_MIN_RUNS` succeeded runs: too little history to say.
   */
  slowAfterSeconds?: number;
}

/**
 * A definition with its stats, as listed on the Jobs tab and page.
 *
 * @public
 */
export interface DefinitionSummary {
  /** The definition. */
  definition: JobDefinition;
  /** Aggregates over its recorded runs. */
  stats: DefinitionStats;
}

/**
 * A cluster that could not be read while listing; the rest of the list is still returned.
 *
 * @public
 */
export interface ClusterError {
  /** Name of the cluster. */
  cluster: string;
  /** What went wrong, in words that name the cluster. */
  message: string;
  /** HTTP status of the failed call to the cluster, when there was one. */
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
  /** The definitions the user may see, with their stats. */
  items: DefinitionSummary[];
  /** Clusters (or kinds of object in them) that could not be read. */
  errors: ClusterError[];
  /** How current each cluster's data is; a stale cluster's items are what was last known. */
  clusters?: ClusterStatus[];
  /**
   * Set when run history cannot be read (its database is unreachable): stats and runs are only
   * what the clusters still show, and runs cannot be started until history is back.
   */
  historyUnavailable?: boolean;
  /**
   * Paged answers only (`limit` given): how many definitions match the filters, all pages
   * together.
   */
  total?: number;
  /** Paged answers only: how many definitions the caller may see, whatever the filters. */
  available?: number;
  /** Paged answers only: the cursor of the next page, when there is one. */
  nextCursor?: string;
  /**
   * Paged answers only: the clusters, namespaces and owners of every definition the caller may
   * see, whatever the filters (the choices of the page's filters).
   */
  facets?: { clusters: string[]; namespaces: string[]; owners: string[] };
}

/**
 * A definition with its stats and runs, newest first.
 *
 * @public
 */
export interface DefinitionDetails extends DefinitionSummary {
  /** The first page of its runs, newest first. */
  runs: JobRun[];
  /** Cursor of the next page of older runs (`GET .../runs?cursor=`), when there are more. */
  nextCursor?: string;
  /**
   * Set when run history cannot be read (its database is unreachable): stats and runs are only
   * what the clusters still show, and runs cannot be started until history is back.
   */
  historyUnavailable?: boolean;
}

/**
 * A page of a definition's run history, newest first.
 *
 * @public
 */
export interface RunHistoryPage {
  /** Runs, newest first. */
  items: JobRun[];
  /** Cursor of the next page of older runs, when there are more. */
  nextCursor?: string;
}

/**
 * A Kubernetes event about a run or its pods.
 *
 * @public
 */
export interface RunEvent {
  /** `Normal` or `Warning`. */
  type: string;
  /** Kubernetes' short reason, such as `BackOff` or `Started`. */
  reason?: string;
  /** Kubernetes' message. */
  message?: string;
  /** How many times it happened. */
  count: number;
  /** When it first happened (ISO 8601). */
  firstTimestamp?: string;
  /** When it last happened (ISO 8601). */
  lastTimestamp?: string;
  /** What it is about: the Job or one of its pods. */
  involvedObject: { kind?: string; name?: string };
}

/**
 * A pod of a run and its containers.
 *
 * @public
 */
export interface RunPod {
  /** Name of the pod. */
  name: string;
  /** Pod phase: `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`. */
  phase?: string;
  /** Names of its containers, main containers first, then init containers. */
  containers: string[];
  /** When the pod was created (ISO 8601). */
  createdAt?: string;
}

/**
 * A run's pods: live from the cluster, or as saved when the run ended.
 *
 * @public
 */
export interface RunPodList {
  /** The pods. */
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
  /** Name of the pod. */
  pod: string;
  /** Name of the container. */
  container: string;
  /** The log text. */
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
  /** The events. */
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
  /** Job or CronJob. */
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
  /** Name of the cluster. */
  cluster: string;
  /** The first full list has arrived: answers are complete. */
  synced: boolean;
  /** Since when the data may be out of date (the watch is down, or the cluster stopped answering). */
  staleSince?: string;
  /** The last error talking to the cluster, in words that name the cluster. */
  lastError?: string;
}
