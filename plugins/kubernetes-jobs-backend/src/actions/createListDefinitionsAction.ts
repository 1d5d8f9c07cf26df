import {
  ActionOptions,
  registerAction,
  READ,
  entityRefField,
  entityRefInput,
} from './actionHelpers';
import { clusterErrorSchema, definitionSchema, statsSchema } from './schemas';

/** Registers `kubernetes-jobs:list-definitions`, which lists the definitions a caller may see. */
export function createListDefinitionsAction(options: ActionOptions): void {
  registerAction(options, {
    name: 'list-definitions',
    title: 'List runnable Kubernetes Jobs',
    description: `Lists the pre-approved Kubernetes Jobs and CronJobs ("definitions") that the caller may see, each with run statistics and its last run.
Give entityRef (for example component:default/shop) for the Jobs of one catalog entity, or leave it out for every definition of every entity the caller may read.
Each item's definition carries cluster, namespace, kind, name and entityRef: the address every other kubernetes-jobs action takes.`,
    attributes: READ,
    address: 'none',
    input: z => ({
      entityRef: entityRefField(z)
        .optional()
        .describe(
          'Only the Jobs of this catalog entity, for example component:default/shop. Leave out for all.',
        ),
    }),
    output: z =>
      z.object({
        items: z.array(
          z.object({
            definition: definitionSchema(z),
            stats: statsSchema(z),
          }),
        ),
        errors: z.array(clusterErrorSchema(z)),
        clusters: z
          .array(
            z
              .object({ cluster: z.string(), synced: z.boolean() })
              .passthrough(),
          )
          .optional()
          .describe('How current each cluster’s data is.'),
      }),
    call: ({ operations, credentials, input }) =>
      operations.listDefinitions(
        credentials,
        input.entityRef === undefined
          ? undefined
          : entityRefInput(input.entityRef),
      ),
  });
}
