/**
 * Default annotation key that marks a Job or CronJob as a runnable definition.
 * The key is configurable (`kubernetesJobs.definitionAnnotation`); the accepted values are not.
 *
 * @public
 */
export const DEFAULT_DEFINITION_ANNOTATION = 'job-assistant';

/**
 * Values of the definition annotation that mark a definition.
 *
 * @public
 */
export const DEFINITION_ANNOTATION_VALUES: readonly string[] = [
  'enable',
  'true',
];

/**
 * Annotation on a definition allowing more than one active run at a time (`"true"`).
 *
 * @public
 */
export const ALLOW_PARALLEL_RUNS_ANNOTATION =
  'job-assistant/allow-parallel-runs';

/**
 * Run-time parameters a definition declares: a YAML or JSON list of {@link ParameterDeclaration}.
 * On a run Job, the values it ran with (JSON).
 *
 * @public
 */
export const PARAMETERS_ANNOTATION = 'job-assistant/parameters';

/**
 * Annotation on a CronJob definition allowing portal users (with the schedule permission) to
 * suspend and resume its schedule (`"true"`).
 *
 * @public
 */
export const ALLOW_SCHEDULE_CONTROL_ANNOTATION =
  'job-assistant/allow-schedule-control';

/**
 * Annotation on a definition asking for approval before each run: `required` (one approval) or a
 * number of approvals (`"2"`). Runs are then asked for and start once approved by people other
 * than the requester.
 *
 * @public
 */
export const APPROVAL_ANNOTATION = 'job-assistant/approval';

/**
 * Annotation on a definition naming the groups whose members may approve its runs, as a comma
 * list of entity refs (`group:default/team-sre, group:default/dba`). A definition naming
 * approvers needs one approval even without {@link APPROVAL_ANNOTATION}.
 *
 * @public
 */
export const APPROVERS_ANNOTATION = 'job-assistant/approvers';

/**
 * Optional human description of what a definition does, shown to portal users.
 *
 * @public
 */
export const DESCRIPTION_ANNOTATION = 'job-assistant/description';

/**
 * Label on a run naming the definition it was created from. Label values are limited to
 * 63 characters, which every Job and CronJob name satisfies.
 *
 * @public
 */
export const DEFINITION_LABEL = 'job-assistant/definition';

/**
 * Label on a run giving the kind of its definition (`Job` or `CronJob`).
 *
 * @public
 */
export const DEFINITION_KIND_LABEL = 'job-assistant/definition-kind';

/**
 * Annotations that a run carries about who did what, and when.
 *
 * @public
 */
export const RUN_ANNOTATIONS = {
  triggeredBy: 'job-assistant/triggered-by',
  triggeredAt: 'job-assistant/triggered-at',
  killedBy: 'job-assistant/killed-by',
  killedAt: 'job-assistant/killed-at',
  approvedBy: 'job-assistant/approved-by',
  requestId: 'job-assistant/request-id',
} as const;

/**
 * Catalog entity annotations shared with Backstage's Kubernetes plugin.
 *
 * @public
 */
export const ENTITY_ANNOTATIONS = {
  kubernetesId: 'backstage.io/kubernetes-id',
  labelSelector: 'backstage.io/kubernetes-label-selector',
  namespace: 'backstage.io/kubernetes-namespace',
  cluster: 'backstage.io/kubernetes-cluster',
} as const;
