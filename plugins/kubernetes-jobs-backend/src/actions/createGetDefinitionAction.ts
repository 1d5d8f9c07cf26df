import { ActionOptions, registerAction, READ } from './actionHelpers';
import { definitionSchema, runSchema, statsSchema } from './schemas';

/** Registers `kubernetes-jobs:get-definition`, which shows one definition. */
export function createGetDefinitionAction(options: ActionOptions): void {
  registerAction(options, {
    name: 'get-definition',
    title: 'Show a runnable Kubernetes Job',
    description: `Shows one pre-approved Job or CronJob: its containers, schedule, the run-time parameters it declares (types, defaults, allowed values), statistics over its whole history, and its most recent runs, newest first.
Call it before run-definition to learn which parameters a definition takes.`,
    attributes: READ,
    address: 'definition',
    output: z =>
      z.object({
        definition: definitionSchema(z),
        stats: statsSchema(z),
        runs: z.array(runSchema(z)).describe('Its newest runs, newest first.'),
        nextCursor: z.string().optional(),
      }),
    call: ({ operations, credentials, location, entityRef }) =>
      operations.getDefinition(credentials, location, entityRef),
  });
}
