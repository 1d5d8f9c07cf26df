import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  DefinitionLocation,
  RunLocation,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { AuthorizedOperations, Caller } from '../router/AuthorizedOperations';
import {
  decisionBody as decisionBodySchema,
  definitionParams,
  entityQuery,
  parse,
  requestParams,
  runParams,
} from '../router/validation';
import { Zod, ZodObject } from './schemas';

/** What every action of the plugin is made with. */
export interface ActionOptions {
  registry: ActionsRegistryService;
  /** The same authorization, audit and services as the HTTP routes. */
  operations: AuthorizedOperations;
}

/** Attributes of an action that only reads. */
export const READ = { readOnly: true, destructive: false, idempotent: true };

type ZodString = ReturnType<Zod['string']>;
type ZodEnum = ReturnType<Zod['enum']>;

// Input fields. Their rules are the routes' (router/validation.ts), applied inside each action so a
// refusal names the field and says why; here they describe what to pass, for an assistant.

export const entityRefField = (z: Zod): ZodString =>
  z
    .string()
    .describe(
      'The catalog entity whose Jobs these are, as kind:namespace/name, for example component:default/shop. Take it from list-definitions (definition.entityRef).',
    );

const requestIdField = (z: Zod): ZodString =>
  z
    .string()
    .describe(
      'Id of the run request, as answered by request-run or listed by list-run-requests (id).',
    );

const runLocationFields = (
  z: Zod,
): { cluster: ZodString; namespace: ZodString; name: ZodString } => ({
  cluster: z
    .string()
    .describe(
      'Name of the cluster as configured in Backstage (run.cluster, or definition.cluster of list-definitions).',
    ),
  namespace: z.string().describe('Kubernetes namespace of the run.'),
  name: z
    .string()
    .describe(
      'Name of the run: its Kubernetes Job name, as answered by run-definition or listed in a definition’s runs.',
    ),
});

const definitionLocationFields = (
  z: Zod,
): {
  cluster: ZodString;
  namespace: ZodString;
  kind: ZodEnum;
  name: ZodString;
} => ({
  cluster: z
    .string()
    .describe(
      'Name of the cluster as configured in Backstage (definition.cluster of list-definitions).',
    ),
  namespace: z.string().describe('Kubernetes namespace of the definition.'),
  kind: z
    .enum(['Job', 'CronJob'])
    .describe('Kind of the definition (definition.kind).'),
  name: z
    .string()
    .describe('Kubernetes name of the Job or CronJob (definition.name).'),
});

/** A definition's address and entity, checked by the routes' rules. */
export function definitionInput(input: Record<string, any>) {
  const location = parse(
    definitionParams,
    {
      cluster: input.cluster,
      namespace: input.namespace,
      kind: String(input.kind).toLowerCase(),
      name: input.name,
    },
    'input',
  );
  return { entityRef: entityRefInput(input.entityRef), location };
}

/** A run's address and entity, checked by the routes' rules. */
function runInput(input: Record<string, any>) {
  const location = parse(
    runParams,
    { cluster: input.cluster, namespace: input.namespace, name: input.name },
    'input',
  );
  return { entityRef: entityRefInput(input.entityRef), location };
}

/** A run request's id and entity, checked by the routes' rules. */
function requestInput(input: Record<string, any>) {
  const location = parse(requestParams, { id: input.id }, 'input');
  return { entityRef: entityRefInput(input.entityRef), location };
}

/** The comment of an approval or a rejection. */
export const decisionInput = (z: Zod): Record<string, any> => ({
  comment: z
    .string()
    .optional()
    .describe(
      'What the approver says, shown with the decision (at most 1000 characters).',
    ),
});

/** An approval's or a rejection's body, checked by the routes' rules. */
export function decisionBody(input: Record<string, any>) {
  return parse(
    decisionBodySchema,
    { entityRef: input.entityRef, comment: input.comment },
    'input',
  );
}

/** An entity reference, checked by the routes' rules. */
export function entityRefInput(entityRef: string): string {
  return parse(entityQuery, { entityRef }, 'input').entityRef;
}

/** What an action's call is handed: its input, checked, and who calls. */
export interface ActionCall<L> {
  operations: AuthorizedOperations;
  credentials: BackstageCredentials;
  /** The caller as the audit names it: these credentials, through this action. */
  caller: Caller;
  /** The entity and the address the input names, checked by the routes' rules. */
  entityRef: string;
  location: L;
  /** The whole input, for the fields the action adds (check them with the routes' rules). */
  input: Record<string, any>;
}

type Address = 'definition' | 'run' | 'request' | 'none';
type LocationOf<A extends Address> = A extends 'definition'
  ? DefinitionLocation
  : A extends 'run'
  ? RunLocation
  : A extends 'request'
  ? { id: string }
  : undefined;

/**
 * Registers one of the plugin's actions: what every action does (take an address and an entity,
 * check them with the routes' rules, call one of {@link AuthorizedOperations} as the caller, and
 * answer) in one place, so that each action file says only what it is and what it calls. Errors
 * pass on as they are: they are Backstage's kinds with their HTTP status (errors.ts), so the
 * registry, MCP and templates read a failure as the routes answer it.
 */
export function registerAction<A extends Address>(
  options: ActionOptions,
  spec: {
    name: string;
    title: string;
    description: string;
    attributes: {
      readOnly: boolean;
      destructive: boolean;
      idempotent: boolean;
    };
    /** What the action addresses: its input then takes those fields and `entityRef`. */
    address: A;
    /** Input fields beyond the address. */
    input?: (z: Zod) => Record<string, any>;
    output: (z: Zod) => ZodObject;
    call: (call: ActionCall<LocationOf<A>>) => Promise<unknown>;
  },
): void {
  const { registry, operations } = options;
  const addressFields = (z: Zod): Record<string, ZodString | ZodEnum> => {
    if (spec.address === 'definition') {
      return { entityRef: entityRefField(z), ...definitionLocationFields(z) };
    }
    if (spec.address === 'run') {
      return { entityRef: entityRefField(z), ...runLocationFields(z) };
    }
    if (spec.address === 'request') {
      return { entityRef: entityRefField(z), id: requestIdField(z) };
    }
    return {};
  };
  registry.register({
    name: spec.name,
    title: spec.title,
    description: spec.description,
    attributes: spec.attributes,
    schema: {
      input: z => z.object({ ...addressFields(z), ...spec.input?.(z) }),
      output: spec.output,
    },
    action: async ({ input, credentials }) => {
      let address: { entityRef: string; location: unknown } = {
        entityRef: '',
        location: undefined,
      };
      if (spec.address === 'definition') address = definitionInput(input);
      if (spec.address === 'run') address = runInput(input);
      if (spec.address === 'request') address = requestInput(input);
      const output = await spec.call({
        operations,
        credentials,
        caller: { credentials, actionId: `kubernetes-jobs:${spec.name}` },
        entityRef: address.entityRef,
        location: address.location as LocationOf<A>,
        input,
      });
      return { output: output as any };
    },
  });
}
