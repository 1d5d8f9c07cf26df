/**
 * Backstage backend plugin that lists, runs, kills and inspects pre-approved Kubernetes Jobs.
 *
 * @packageDocumentation
 */

export { kubernetesJobsPlugin as default } from './plugin';
