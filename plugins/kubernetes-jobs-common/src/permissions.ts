import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The resource type of the kubernetes-jobs permissions: the catalog entity a definition belongs
 * to, so that a policy can use the catalog's own rules (for example `isEntityOwner`).
 *
 * @public
 */
export const KUBERNETES_JOBS_RESOURCE_TYPE = 'catalog-entity';

/**
 * See the definitions, runs, stats, events and logs of an entity's Jobs.
 *
 * @public
 */
export const kubernetesJobsReadPermission = createPermission({
  name: 'kubernetes-jobs.read',
  attributes: { action: 'read' },
  resourceType: KUBERNETES_JOBS_RESOURCE_TYPE,
});

/**
 * Start a new run of one of an entity's definitions.
 *
 * @public
 */
export const kubernetesJobsRunPermission = createPermission({
  name: 'kubernetes-jobs.run',
  attributes: { action: 'create' },
  resourceType: KUBERNETES_JOBS_RESOURCE_TYPE,
});

/**
 * Stop an active run of one of an entity's definitions.
 *
 * @public
 */
export const kubernetesJobsKillPermission = createPermission({
  name: 'kubernetes-jobs.kill',
  attributes: { action: 'update' },
  resourceType: KUBERNETES_JOBS_RESOURCE_TYPE,
});

/**
 * Suspend or resume a CronJob definition's schedule: the one action that changes a definition,
 * allowed only where the definition opts in (`job-assistant/allow-schedule-control: "true"`).
 *
 * @public
 */
export const kubernetesJobsSchedulePermission = createPermission({
  name: 'kubernetes-jobs.schedule',
  attributes: { action: 'update' },
  resourceType: KUBERNETES_JOBS_RESOURCE_TYPE,
});

/**
 * Approve or reject a run request of one of an entity's definitions. Nobody approves their own
 * request, whatever the policy says: the backend refuses it.
 *
 * @public
 */
export const kubernetesJobsApprovePermission = createPermission({
  name: 'kubernetes-jobs.approve',
  attributes: { action: 'update' },
  resourceType: KUBERNETES_JOBS_RESOURCE_TYPE,
});

/**
 * Every permission of the kubernetes-jobs plugins.
 *
 * @public
 */
export const kubernetesJobsPermissions = [
  kubernetesJobsReadPermission,
  kubernetesJobsRunPermission,
  kubernetesJobsKillPermission,
  kubernetesJobsSchedulePermission,
  kubernetesJobsApprovePermission,
];
