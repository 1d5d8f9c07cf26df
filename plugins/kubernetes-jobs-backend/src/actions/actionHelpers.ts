import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { AuthorizedOperations } from '../router/AuthorizedOperations';
import {
  definitionParams,
  entityQuery,
  parse,
  runParams,
} from '../router/validation';
import { Zod } from './schemas';

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

export const runLocationFields = (
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

export const definitionLocationFields = (
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
export function definitionInput(input: {
  entityRef: string;
  cluster: string;
  namespace: string;
  /** Job or CronJob: checked here, as the route checks its path. */
  kind: string;
  name: string;
}) {
  const location = parse(
    definitionParams,
    {
      cluster: input.cluster,
      namespace: input.namespace,
      kind: input.kind.toLowerCase(),
      name: input.name,
    },
    'input',
  );
  return { entityRef: entityRefInput(input.entityRef), location };
}

/** A run's address and entity, checked by the routes' rules. */
export function runInput(input: {
  entityRef: string;
  cluster: string;
  namespace: string;
  name: string;
}) {
  const location = parse(
    runParams,
    { cluster: input.cluster, namespace: input.namespace, name: input.name },
    'input',
  );
  return { entityRef: entityRefInput(input.entityRef), location };
}

/** An entity reference, checked by the routes' rules. */
export function entityRefInput(entityRef: string): string {
  return parse(entityQuery, { entityRef }, 'input').entityRef;
}

/**
 * The action's answer. Errors pass on as they are: they are Backstage's kinds with their HTTP
 * status (errors.ts), so the registry, MCP and templates read a failure as the routes answer it.
 */
export async function answer(
  fn: () => Promise<unknown>,
): Promise<{ output: any }> {
  return { output: await fn() };
}
