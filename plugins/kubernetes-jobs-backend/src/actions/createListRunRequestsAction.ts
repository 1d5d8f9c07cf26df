import { InputError } from '@backstage/errors';
import {
  ActionOptions,
  READ,
  definitionInput,
  entityRefField,
  registerAction,
} from './actionHelpers';
import { runRequestSchema } from './schemas';

/** Registers `kubernetes-jobs:list-run-requests`: requests waiting for me, or of a definition. */
export function createListRunRequestsAction(options: ActionOptions): void {
  registerAction(options, {
    name: 'list-run-requests',
    title: 'List run requests of Kubernetes Jobs',
    description: `Lists run requests: runs asked for later or waiting for approval.
With waitingForMe: true, the requests the caller may approve now (asked by someone else, not yet decided on by the caller). With a definition's address (entityRef, cluster, namespace, kind, name), that definition's requests, those still waiting first, then the newest (with their outcome). With neither, every request still waiting whose Jobs the caller may see.`,
    attributes: READ,
    address: 'none',
    input: z => ({
      waitingForMe: z
        .boolean()
        .optional()
        .describe('Only the requests waiting for the caller’s approval.'),
      entityRef: entityRefField(z)
        .optional()
        .describe('With the address below: the entity of the definition.'),
      cluster: z.string().optional().describe('Cluster of the definition.'),
      namespace: z.string().optional().describe('Namespace of the definition.'),
      kind: z
        .enum(['Job', 'CronJob'])
        .optional()
        .describe('Kind of the definition.'),
      name: z.string().optional().describe('Name of the definition.'),
    }),
    output: z => z.object({ items: z.array(runRequestSchema(z)) }),
    call: ({ operations, credentials, input }) => {
      const address = ['cluster', 'namespace', 'kind', 'name'].filter(
        key => input[key] !== undefined,
      );
      if (!address.length) {
        return operations.requests.listPending(credentials, {
          waitingForMe: input.waitingForMe,
        });
      }
      if (address.length < 4 || input.entityRef === undefined) {
        throw new InputError(
          'Invalid input: a definition is named by entityRef, cluster, namespace, kind and name together',
        );
      }
      const { location, entityRef } = definitionInput(input);
      return operations.requests.listForDefinition(
        credentials,
        location,
        entityRef,
      );
    },
  });
}
