import { ActionOptions, registerAction } from './actionHelpers';
import { runBody, parse } from '../router/validation';
import { Zod, runSchema } from './schemas';

const parametersField = (z: Zod) =>
  z
    .record(z.union([z.string(), z.number(), z.boolean()]))
    .optional()
    .describe(
      'Values for the run-time parameters the definition declares (definition.parameters of get-definition), by parameter name, for example { "EXPORT_DATE": "2026-01-31", "DRY_RUN": true }. Dates are YYYY-MM-DD. Leave out for a definition that declares none; a declared default applies when a value is left out.',
    );

/** Registers `kubernetes-jobs:run-definition`, which starts a run. */
export function createRunDefinitionAction(options: ActionOptions): void {
  registerAction(options, {
    name: 'run-definition',
    title: 'Run a pre-approved Kubernetes Job',
    description: `Starts a new run of a pre-approved Job or CronJob: creates a new Kubernetes Job from the definition, as the Run button in Backstage does, with the caller's own permissions (by default, only owners of the entity may run its Jobs). The definition itself is never changed.
Unless the definition allows parallel runs, it is refused while another run is active (ConflictError naming that run). If the definition declares parameters (see get-definition), pass their values in parameters; they are checked against the declaration.
Every call starts another run. Answers the new run: follow it with get-run and get-run-logs, stop it with kill-run.`,
    attributes: { readOnly: false, destructive: false, idempotent: false },
    address: 'definition',
    input: z => ({
      parameters: parametersField(z),
    }),
    output: runSchema,
    call: ({ operations, caller, location, input }) =>
      operations.run(
        caller,
        location,
        parse(
          runBody,
          { entityRef: input.entityRef, parameters: input.parameters },
          'input',
        ),
      ),
  });
}
