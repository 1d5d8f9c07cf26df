import {
  ActionOptions,
  decisionBody,
  decisionInput,
  registerAction,
} from './actionHelpers';
import { runRequestSchema } from './schemas';

/** Registers `kubernetes-jobs:approve-run-request`. */
export function createApproveRunRequestAction(options: ActionOptions): void {
  registerAction(options, {
    name: 'approve-run-request',
    title: 'Approve a run of a Kubernetes Job',
    description: `Approves a run request waiting for approval, as the caller: one of the approvals it needs (see its approval). On the last needed approval the run starts, or waits for its time. Nobody approves their own request: an assistant acting for a user approves only as that user, so never that user's own request. Needs the caller's permission to approve runs of the entity's Jobs, and membership of the request's approver groups when it names some. Refused for a request no longer waiting, expired, or already decided on by the caller (ConflictError). Answers the request as it then stands (Started with run.name, Scheduled, or still WaitingForApproval).`,
    attributes: { readOnly: false, destructive: false, idempotent: false },
    address: 'request',
    input: decisionInput,
    output: runRequestSchema,
    call: ({ operations, caller, location, input }) =>
      operations.requests.approve(caller, location.id, decisionBody(input)),
  });
}
