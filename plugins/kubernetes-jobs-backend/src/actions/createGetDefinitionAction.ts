import {
  ActionOptions,
  answer,
  READ,
  entityRefField,
  definitionLocationFields,
  definitionInput,
} from './actionHelpers';
import { definitionSchema, runSchema, statsSchema } from './schemas';

/** Registers `kubernetes-jobs:get-definition`, which shows one definition. */
export function createGetDefinitionAction(options: ActionOptions): void {
  const { registry, operations } = options;
  registry.register({
    name: 'get-definition',
    title: 'Show a runnable Kubernetes Job',
    description: `Shows one pre-approved Job or CronJob: its containers, schedule, the run-time parameters it declares (types, defaults, allowed values), statistics over its whole history, and its most recent runs, newest first.
Call it before run-definition to learn which parameters a definition takes.`,
    attributes: READ,
    schema: {
      input: z =>
        z.object({
          entityRef: entityRefField(z),
          ...definitionLocationFields(z),
        }),
      output: z =>
        z.object({
          definition: definitionSchema(z),
          stats: statsSchema(z),
          runs: z
            .array(runSchema(z))
            .describe('Its newest runs, newest first.'),
          nextCursor: z.string().optional(),
        }),
    },
    action: async ({ input, credentials }) =>
      answer(() => {
        const { entityRef, location } = definitionInput(input);
        return operations.getDefinition(credentials, location, entityRef);
      }),
  });
}
