/**
 * A local HTTP server speaking the Kubernetes API for the objects the Job
 * Assistant touches (Namespaces, Jobs, CronJobs, Pods and their logs,
 * Events), with a simulated Job controller, kubelet and garbage collector.
 *
 * Development and tests only: never point a production deployment at it.
 *
 * @packageDocumentation
 */

export { startSandboxCluster } from './cluster';
export type { SandboxCluster, SandboxClusterOptions } from './cluster';
export type { SandboxRbacRule, SandboxUser } from './server/auth';
export type { SandboxRequestRecord } from './server/server';
export type {
  SandboxActiveFault,
  SandboxFault,
  SandboxFaultMatch,
  SandboxFaults,
} from './server/faults';
export { SANDBOX_ADMIN_TOKEN, demoObjects, seedDemo } from './seed';
