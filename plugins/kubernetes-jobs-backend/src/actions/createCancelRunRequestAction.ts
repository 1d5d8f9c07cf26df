import { ActionOptions, registerAction } from './actionHelpers';
import { runRequestSchema } from './schemas';

/** Registers `kubernetes-jobs:cancel-run-request`. */
export function createCancelRunRequestAction(options: ActionOptions): void {
  registerAction(options, {
    name: 'cancel-run-request',
    title: 'Cancel a run request of a Kubernetes Job',
    description: `Cancels a run request that still waits (WaitingForApproval or Scheduled): its run will not start. The requester may cancel their own request; anyone else needs the permission to stop the entity's runs. Refused once it started or ended, or while it is starting (ConflictError).`,
    attributes: { readOnly: false, destructive: false, idempotent: false },
    address: 'request',
    output: runRequestSchema,
    call: ({ operations, caller, location, entityRef }) =>
      operations.requests.cancel(caller, location.id, { entityRef }),
  });
}
