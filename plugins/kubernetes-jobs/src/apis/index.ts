export { kubernetesJobsApiRef } from './KubernetesJobsApi';
export type {
  DefinitionLocator,
  GetRunLogsOptions,
  KubernetesJobsApi,
} from './KubernetesJobsApi';
export { KubernetesJobsClient } from './KubernetesJobsClient';
