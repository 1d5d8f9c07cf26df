import { ActionOptions, registerAction } from './actionHelpers';
import { runSchema } from './schemas';

/** Registers `kubernetes-jobs:kill-run`, which stops a run. */
export function createKillRunAction(options: ActionOptions): void {
  registerAction(options, {
    name: 'kill-run',
    title: 'Stop a run of a Kubernetes Job',
    description: `Stops an active run (Pending or Running): suspends its Job, so Kubernetes stops its pods gracefully, and records who stopped it. The run stays in the history as Killed, with its logs saved.
Only runs can be stopped, never a definition. Refused for a run that has already finished (ConflictError). Needs the caller's permission to stop the entity's Jobs.`,
    attributes: { readOnly: false, destructive: true, idempotent: true },
    address: 'run',
    output: runSchema,
    call: ({ operations, caller, location, entityRef }) =>
      operations.kill(caller, location, entityRef),
  });
}
