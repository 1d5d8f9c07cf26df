export { kubernetesJobsApiRef } from './KubernetesJobsApi';
export type {
  GetRunHistoryOptions,
  GetRunLogsOptions,
  RequestRunOptions,
  KubernetesJobsApi,
} from './KubernetesJobsApi';
export { KubernetesJobsClient } from './KubernetesJobsClient';
