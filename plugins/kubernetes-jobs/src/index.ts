/**
 * Frontend plugin for the Kubernetes Job Assistant: a Jobs tab on catalog entities and a Jobs
 * page, to run, follow and stop pre-approved Kubernetes Jobs.
 *
 * @packageDocumentation
 */

export {
  kubernetesJobsPlugin,
  KubernetesJobsPage,
  EntityKubernetesJobsContent,
  EntityKubernetesJobsCard,
} from './plugin';
export { isKubernetesJobsAvailable } from './isKubernetesJobsAvailable';
export { kubernetesJobsApiRef, KubernetesJobsClient } from './apis';
export type {
  GetRunHistoryOptions,
  GetRunLogsOptions,
  RequestRunOptions,
  KubernetesJobsApi,
} from './apis';
export * from './hooks';
export { RunStatus } from './components/RunStatus/RunStatus';
export type { RunStatusProps } from './components/RunStatus/RunStatus';
export type { EntityKubernetesJobsCardProps } from './components/EntityKubernetesJobsCard/EntityKubernetesJobsCard';
