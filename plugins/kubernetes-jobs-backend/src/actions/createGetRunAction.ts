import { ActionOptions, registerAction, READ } from './actionHelpers';
import { runSchema } from './schemas';

/** Registers `kubernetes-jobs:get-run`, which shows one run. */
export function createGetRunAction(options: ActionOptions): void {
  registerAction(options, {
    name: 'get-run',
    title: 'Show a run of a Kubernetes Job',
    description: `Shows one run (a Kubernetes Job started from a definition): its state (Pending, Running, Succeeded, Failed or Killed), times, duration, who started or stopped it, the parameters it ran with and, for a failed run, failureSummary: one line saying why it failed.
A run whose Job Kubernetes has already deleted is answered from the run history. Call it again to follow a run until its state is final.`,
    attributes: READ,
    address: 'run',
    output: runSchema,
    call: ({ operations, credentials, location, entityRef }) =>
      operations.getRun(credentials, location, entityRef),
  });
}
