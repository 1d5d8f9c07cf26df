import {
  ActionOptions,
  READ,
  answer,
  entityRefField,
  entityRefInput,
} from './actionHelpers';
import { clusterErrorSchema, definitionSchema, statsSchema } from './schemas';

/** Registers `kubernetes-jobs:list-definitions`, which lists the definitions a caller may see. */
export function createListDefinitionsAction(options: ActionOptions): void {
  const { registry, operations } = options;
  registry.register({
    name: 'list-definitions',
    title: 'List runnable Kubernetes Jobs',
    description: `Lists the pre-approved Kubernetes Jobs and CronJobs ("definitions") that the caller may see, each with run statistics and its last run.
Give entityRef (for example component:default/shop) for the Jobs of one catalog entity, or leave it out for every definition of every entity the caller may read.
Each item's definition carries cluster, namespace, kind, name and entityRef: the address every other kubernetes-jobs action takes.`,
    attributes: READ,
    schema: {
      input: z =>
        z.object({
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
    },
    action: async ({ input, credentials }) =>
      answer(() => {
        const entityRef =
          input.entityRef === undefined
            ? undefined
            : entityRefInput(input.entityRef);
        return operations.listDefinitions(credentials, entityRef);
      }),
  });
}
