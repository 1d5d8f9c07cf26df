import {
  ActionOptions,
  decisionBody,
  decisionInput,
  registerAction,
} from './actionHelpers';
import { runRequestSchema } from './schemas';

/** Registers `kubernetes-jobs:reject-run-request`. */
export function createRejectRunRequestAction(options: ActionOptions): void {
  registerAction(options, {
    name: 'reject-run-request',
    title: 'Reject a run of a Kubernetes Job',
    description: `Rejects a run request waiting for approval, as the caller, with a comment saying why: it will not run, and the requester is told. Nobody decides on their own request (the requester cancels it instead). Needs the caller's permission to approve runs of the entity's Jobs, and membership of the request's approver groups when it names some. Refused for a request no longer waiting or expired (ConflictError).`,
    attributes: { readOnly: false, destructive: false, idempotent: false },
    address: 'request',
    input: decisionInput,
    output: runRequestSchema,
    call: ({ operations, caller, location, input }) =>
      operations.requests.reject(caller, location.id, decisionBody(input)),
  });
}
