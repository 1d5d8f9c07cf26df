/**
 * A permission policy for the kubernetes-jobs plugins, installed into the permission backend:
 * owners of a component may run, stop and pause its Jobs, members of the admin groups may do
 * everything, everyone else may look.
 *
 * @packageDocumentation
 */

export { kubernetesJobsPolicyModule as default } from './module';
export { JobAssistantPermissionPolicy } from './JobAssistantPermissionPolicy';
