import { ActionOptions, registerAction } from './actionHelpers';
import { parse, requestBody } from '../router/validation';
import { runRequestSchema } from './schemas';

/** Registers `kubernetes-jobs:request-run`, which asks for a run later, or after approval. */
export function createRequestRunAction(options: ActionOptions): void {
  registerAction(options, {
    name: 'request-run',
    title: 'Ask for a run of a Kubernetes Job, later or after approval',
    description: `Asks for a run of a pre-approved Job or CronJob at a chosen time (at), or of one that needs approval (definition.approval of get-definition), or both, with the caller's own permissions (the same as run-definition's). The run starts by itself: at its time, once the approvals it needs are given by other people. The caller is recorded as the one who triggered it.
at is a date and time with its zone (2026-12-24T02:00:00Z); leave it out for as soon as possible. A time in the past, or beyond the backend's horizon (30 days by default), is refused. Parameters are checked now, and again when the run starts.
Answers the request: WaitingForApproval (approvers are notified; it expires if nobody approves), Scheduled (waits for its time), or Started (needing neither, it started at once: follow run.name with get-run). Cancel it with cancel-run-request.`,
    attributes: { readOnly: false, destructive: false, idempotent: false },
    address: 'definition',
    input: z => ({
      parameters: z
        .record(z.union([z.string(), z.number(), z.boolean()]))
        .optional()
        .describe(
          'Values for the run-time parameters the definition declares (definition.parameters of get-definition), by parameter name.',
        ),
      at: z
        .string()
        .optional()
        .describe(
          'When to run, as an ISO 8601 date and time with its zone, for example 2026-12-24T02:00:00+01:00. Leave out for as soon as possible.',
        ),
    }),
    output: runRequestSchema,
    call: ({ operations, caller, location, input }) =>
      operations.requests.request(
        caller,
        location,
        parse(
          requestBody,
          {
            entityRef: input.entityRef,
            parameters: input.parameters,
            at: input.at,
          },
          'input',
        ),
      ),
  });
}
