import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';

/**
 * The zod the actions registry hands to schema factories (its own copy, `zod/v3`): schemas are
 * built with it so the registry can turn them into JSON Schema for MCP clients and templates.
 */
type SchemaFactory = Parameters<
  ActionsRegistryService['register']
>[0]['schema']['output'];
export type Zod = Parameters<SchemaFactory>[0];
/** Declared so, these schemas need not name the registry's zod in their types. */
export type ZodObject = ReturnType<SchemaFactory>;

// Outputs: the routes' answers (see the -common types). The fields an assistant needs are
// described; the rest pass through unchanged (the registry would otherwise strip them).

export const runSchema = (z: Zod): ZodObject =>
  z
    .object({
      cluster: z.string(),
      namespace: z.string(),
      name: z
        .string()
        .describe(
          'The run’s Job name: what get-run, get-run-logs and kill-run take.',
        ),
      uid: z.string(),
      definition: z
        .object({ kind: z.enum(['Job', 'CronJob']), name: z.string() })
        .passthrough()
        .describe('The definition this is a run of.'),
      state: z
        .enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Killed'])
        .describe(
          'Pending and Running are active; Succeeded, Failed and Killed are final.',
        ),
      createdAt: z.string().optional(),
      startedAt: z.string().optional(),
      finishedAt: z.string().optional(),
      durationSeconds: z.number().optional(),
      triggeredBy: z
        .string()
        .optional()
        .describe('Who started it from Backstage (the backend’s own record).'),
      killedBy: z
        .string()
        .optional()
        .describe('Who stopped it from Backstage.'),
      failureSummary: z
        .string()
        .optional()
        .describe(
          'For a failed run, why, in one line: the failed container’s message or last log lines, its exit code and the attempts made.',
        ),
      parameters: z
        .record(z.union([z.string(), z.number(), z.boolean()]))
        .optional()
        .describe('The parameter values it ran with.'),
    })
    .passthrough();

export const definitionSchema = (z: Zod): ZodObject =>
  z
    .object({
      cluster: z.string(),
      namespace: z.string(),
      kind: z.enum(['Job', 'CronJob']),
      name: z.string(),
      entityRef: z
        .string()
        .optional()
        .describe(
          'The catalog entity it belongs to: the entityRef the other actions take.',
        ),
      description: z.string().optional(),
      schedule: z.string().optional().describe('A CronJob’s schedule.'),
      suspended: z
        .boolean()
        .describe(
          'For a CronJob: true while its schedule is paused (it does not run on schedule).',
        ),
      scheduleControl: z
        .boolean()
        .optional()
        .describe(
          'For a CronJob: true when its author allows set-schedule to pause and resume it.',
        ),
      nextScheduleTime: z
        .string()
        .optional()
        .describe('For a CronJob whose schedule runs: when it runs next.'),
      allowParallelRuns: z
        .boolean()
        .describe('When false, a new run is refused while one is active.'),
      parameters: z
        .array(z.object({ name: z.string(), type: z.string() }).passthrough())
        .optional()
        .describe(
          'Run-time parameters it declares: name, type (string, number, integer, boolean, enum, date), required, default, options, limits.',
        ),
      parametersError: z
        .string()
        .optional()
        .describe(
          'Set when its parameters declaration is broken: it cannot run until its author fixes it.',
        ),
    })
    .passthrough();

export const statsSchema = (z: Zod): ZodObject =>
  z
    .object({
      lastRun: runSchema(z).optional(),
      counts: z
        .object({
          total: z.number(),
          active: z.number(),
          succeeded: z.number(),
          failed: z.number(),
          killed: z.number(),
        })
        .passthrough(),
      successRate: z.number().optional(),
      typicalDurationSeconds: z.number().optional(),
      slowAfterSeconds: z.number().optional(),
    })
    .passthrough();

export const clusterErrorSchema = (z: Zod): ZodObject =>
  z
    .object({ cluster: z.string(), message: z.string() })
    .passthrough()
    .describe(
      'A cluster that could not be read; the rest of the answer is complete.',
    );

export const runRequestSchema = (z: Zod): ZodObject =>
  z
    .object({
      id: z
        .string()
        .describe(
          'Its id: what approve-run-request, reject-run-request and cancel-run-request take.',
        ),
      cluster: z.string(),
      namespace: z.string(),
      definition: z
        .object({ kind: z.enum(['Job', 'CronJob']), name: z.string() })
        .passthrough()
        .describe('The definition it asks to run.'),
      entityRef: z
        .string()
        .describe('The entity it was asked through: pass it with its id.'),
      requestedBy: z.string().describe('Who asked for the run.'),
      requestedAt: z.string(),
      parameters: z
        .record(z.union([z.string(), z.number(), z.boolean()]))
        .optional()
        .describe('The parameter values the run gets.'),
      notBefore: z
        .string()
        .optional()
        .describe('It runs at this time (UTC), not before.'),
      approval: z
        .object({
          required: z.number(),
          approverGroups: z.array(z.string()),
          reason: z.string(),
        })
        .passthrough()
        .optional()
        .describe(
          'The approval it needs: how many people (never the requester), from which groups (empty: whoever may approve), and why.',
        ),
      decisions: z
        .array(
          z
            .object({
              by: z.string(),
              at: z.string(),
              decision: z.enum(['approve', 'reject']),
              comment: z.string().optional(),
            })
            .passthrough(),
        )
        .describe('Approvals and rejections so far.'),
      expiresAt: z
        .string()
        .optional()
        .describe('When it expires if not approved (UTC).'),
      state: z
        .enum([
          'WaitingForApproval',
          'Scheduled',
          'Started',
          'Rejected',
          'Expired',
          'Cancelled',
          'NotStarted',
        ])
        .describe(
          'WaitingForApproval and Scheduled still wait (and can be cancelled); Started has a run; the others ended without one.',
        ),
      stateReason: z.string().optional().describe('Why it ended so, in words.'),
      run: z
        .object({ name: z.string() })
        .passthrough()
        .optional()
        .describe('The run it started: follow it with get-run.'),
      updatedAt: z.string(),
    })
    .passthrough();
