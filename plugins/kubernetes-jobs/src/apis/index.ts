export { kubernetesJobsApiRef } from './KubernetesJobsApi';
export type {
  GetRunHistoryOptions,
  GetRunLogsOptions,
  KubernetesJobsApi,
} from './KubernetesJobsApi';
export { KubernetesJobsClient } from './KubernetesJobsClient';
