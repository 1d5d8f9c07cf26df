import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import { ClusterTimeoutError } from '../cluster/errors';
import { AuthorizedOperations } from '../router/AuthorizedOperations';
import {
  definitionParams,
  entityQuery,
  logsQuery,
  parse,
  runBody,
  runParams,
  scheduleBody,
} from '../router/validation';
import { ParametersAnnotationError } from '../service/parameters';
import {
  Zod,
  clusterErrorSchema,
  definitionSchema,
  runSchema,
  statsSchema,
} from './schemas';

/** Dependencies of {@link registerActions}. */
export interface RegisterActionsOptions {
  /** The same authorization, audit and services as the HTTP routes. */
  operations: AuthorizedOperations;
}

const READ = { readOnly: true, destructive: false, idempotent: true };

// Input fields. Their rules are the routes' (router/validation.ts), applied inside each action so a
// refusal names the field and says why; here they describe what to pass, for an assistant.

const entityRefField = (z: Zod) =>
  z
    .string()
    .describe(
      'The catalog entity whose Jobs these are, as kind:namespace/name, for example component:default/shop. Take it from list-definitions (definition.entityRef).',
    );

const runLocationFields = (z: Zod) => ({
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

const definitionLocationFields = (z: Zod) => ({
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

const parametersField = (z: Zod) =>
  z
    .record(z.union([z.string(), z.number(), z.boolean()]))
    .optional()
    .describe(
      'Values for the run-time parameters the definition declares (definition.parameters of get-definition), by parameter name, for example { "EXPORT_DATE": "2026-01-31", "DRY_RUN": true }. Dates are YYYY-MM-DD. Leave out for a definition that declares none; a declared default applies when a value is left out.',
    );

/** A definition's address and entity, checked by the routes' rules. */
function definitionInput(input: {
  entityRef: string;
  cluster: string;
  namespace: string;
  kind: 'Job' | 'CronJob';
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
  const { entityRef } = parse(
    entityQuery,
    { entityRef: input.entityRef },
    'input',
  );
  return { entityRef, location };
}

/** A run's address and entity, checked by the routes' rules. */
function runInput(input: {
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
  const { entityRef } = parse(
    entityQuery,
    { entityRef: input.entityRef },
    'input',
  );
  return { entityRef, location };
}

/**
 * The action's answer. The registry answers Backstage's own error kinds with their status and
 * message; any other error becomes a 500 that MCP clients see as an opaque internal error. So the
 * two the routes answer with 504 and 422 are handed on as their closest kinds, message unchanged.
 */
async function answer<T>(fn: () => Promise<T>): Promise<{ output: any }> {
  try {
    return { output: await fn() };
  } catch (error) {
    if (error instanceof ClusterTimeoutError) {
      throw new ServiceUnavailableError(error.message);
    }
    if (error instanceof ParametersAnnotationError) {
      throw new ConflictError(error.message);
    }
    throw error;
  }
}

/**
 * Registers the plugin's actions (`kubernetes-jobs:<name>`) with the actions registry, which
 * serves them to MCP clients (AI assistants) and to software templates. Each action is one of the
 * HTTP routes by another door: the registry checks the input's shape, the route's rules check its
 * values, and {@link AuthorizedOperations} authorizes and audits with the caller's own
 * credentials. An action never allows more than its route.
 */
export function registerActions(
  registry: ActionsRegistryService,
  options: RegisterActionsOptions,
): void {
  const { operations } = options;

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
        const { entityRef } = input.entityRef
          ? parse(entityQuery, { entityRef: input.entityRef }, 'input')
          : { entityRef: undefined };
        return operations.listDefinitions(credentials, entityRef);
      }),
  });

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

  registry.register({
    name: 'get-run',
    title: 'Show a run of a Kubernetes Job',
    description: `Shows one run (a Kubernetes Job started from a definition): its state (Pending, Running, Succeeded, Failed or Killed), times, duration, who started or stopped it, the parameters it ran with and, for a failed run, failureSummary: one line saying why it failed.
A run whose Job Kubernetes has already deleted is answered from the run history. Call it again to follow a run until its state is final.`,
    attributes: READ,
    schema: {
      input: z =>
        z.object({ entityRef: entityRefField(z), ...runLocationFields(z) }),
      output: runSchema,
    },
    action: async ({ input, credentials }) =>
      answer(() => {
        const { entityRef, location } = runInput(input);
        return operations.getRun(credentials, location, entityRef);
      }),
  });

  registry.register({
    name: 'get-run-logs',
    title: 'Read the logs of a run',
    description: `Reads the log of one container of a run: by default the newest pod's first container, every line. Set tailLines to read only the last lines of a long log.
Once Kubernetes has deleted the run's pods, answers the tail saved when the run ended (savedAt is set). For a container that has not started yet, text is empty and waiting says why.`,
    attributes: READ,
    schema: {
      input: z =>
        z.object({
          entityRef: entityRefField(z),
          ...runLocationFields(z),
          pod: z
            .string()
            .optional()
            .describe('A pod of the run (default: the newest).'),
          container: z
            .string()
            .optional()
            .describe('A container of that pod (default: the first).'),
          tailLines: z
            .number()
            .optional()
            .describe('Only the last lines, 1 to 10000 (default: all).'),
        }),
      output: z =>
        z
          .object({
            pod: z.string(),
            container: z.string(),
            text: z.string(),
            waiting: z.string().optional(),
            savedAt: z.string().optional(),
          })
          .passthrough(),
    },
    action: async ({ input, credentials }) =>
      answer(() => {
        const { entityRef, ...logOptions } = parse(
          logsQuery,
          {
            entityRef: input.entityRef,
            pod: input.pod,
            container: input.container,
            tailLines: input.tailLines,
          },
          'input',
        );
        const { location } = runInput(input);
        return operations.logs(credentials, location, entityRef, logOptions);
      }),
  });

  registry.register({
    name: 'run-definition',
    title: 'Run a pre-approved Kubernetes Job',
    description: `Starts a new run of a pre-approved Job or CronJob: creates a new Kubernetes Job from the definition, as the Run button in Backstage does, with the caller's own permissions (by default, only owners of the entity may run its Jobs). The definition itself is never changed.
Unless the definition allows parallel runs, it is refused while another run is active (ConflictError naming that run). If the definition declares parameters (see get-definition), pass their values in parameters; they are checked against the declaration.
Every call starts another run. Answers the new run: follow it with get-run and get-run-logs, stop it with kill-run.`,
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: {
      input: z =>
        z.object({
          entityRef: entityRefField(z),
          ...definitionLocationFields(z),
          parameters: parametersField(z),
        }),
      output: runSchema,
    },
    action: async ({ input, credentials }) =>
      answer(() => {
        const { location } = definitionInput(input);
        const body = parse(
          runBody,
          { entityRef: input.entityRef, parameters: input.parameters },
          'input',
        );
        return operations.run(
          { credentials, actionId: 'kubernetes-jobs:run-definition' },
          location,
          body,
        );
      }),
  });

  registry.register({
    name: 'kill-run',
    title: 'Stop a run of a Kubernetes Job',
    description: `Stops an active run (Pending or Running): suspends its Job, so Kubernetes stops its pods gracefully, and records who stopped it. The run stays in the history as Killed, with its logs saved.
Only runs can be stopped, never a definition. Refused for a run that has already finished (ConflictError). Needs the caller's permission to stop the entity's Jobs.`,
    attributes: { readOnly: false, destructive: true, idempotent: true },
    schema: {
      input: z =>
        z.object({ entityRef: entityRefField(z), ...runLocationFields(z) }),
      output: runSchema,
    },
    action: async ({ input, credentials }) =>
      answer(() => {
        const { entityRef, location } = runInput(input);
        return operations.kill(
          { credentials, actionId: 'kubernetes-jobs:kill-run' },
          location,
          entityRef,
        );
      }),
  });

  registry.register({
    name: 'set-schedule',
    title: 'Pause or resume a CronJob’s schedule',
    description: `Pauses (suspend: true) or resumes (suspend: false) the schedule of a pre-approved CronJob, as the Pause and Resume buttons in Backstage do: sets only the CronJob's spec.suspend, nothing else. Runs already started are not touched, and run-definition still starts runs of a paused CronJob.
Only for a CronJob whose author allows it (definition.scheduleControl of get-definition); refused otherwise (ConflictError), and for a Job (InputError: a Job has no schedule). Needs the caller's permission to pause and resume the entity's schedules. Setting the state it already has changes nothing. Answers the definition, with suspended and nextScheduleTime as they are now.`,
    attributes: { readOnly: false, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: entityRefField(z),
          ...definitionLocationFields(z),
          suspend: z
            .boolean()
            .describe(
              'true to pause the schedule (no more runs on schedule), false to resume it.',
            ),
        }),
      output: definitionSchema,
    },
    action: async ({ input, credentials }) =>
      answer(() => {
        const { location } = definitionInput(input);
        const body = parse(
          scheduleBody,
          { entityRef: input.entityRef, suspend: input.suspend },
          'input',
        );
        return operations.setSchedule(
          { credentials, actionId: 'kubernetes-jobs:set-schedule' },
          location,
          body,
        );
      }),
  });
}
