/**
 * The kubernetes-jobs frontend plugin for Backstage's new frontend system.
 *
 * @packageDocumentation
 */

import { kubernetesJobsPlugin } from './alpha/plugin';

export {
  kubernetesJobsApi,
  kubernetesJobsPage,
  entityKubernetesJobsContent,
  entityKubernetesJobsCard,
} from './alpha/plugin';

export default kubernetesJobsPlugin;
