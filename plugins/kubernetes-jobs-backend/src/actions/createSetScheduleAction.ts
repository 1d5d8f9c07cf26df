import { ActionOptions, registerAction } from './actionHelpers';
import { scheduleBody, parse } from '../router/validation';
import { definitionSchema } from './schemas';

/** Registers `kubernetes-jobs:set-schedule`, which pauses or resumes a CronJob's schedule. */
export function createSetScheduleAction(options: ActionOptions): void {
  registerAction(options, {
    name: 'set-schedule',
    title: 'Pause or resume a CronJob’s schedule',
    description: `Pauses (suspend: true) or resumes (suspend: false) the schedule of a pre-approved CronJob, as the Pause and Resume buttons in Backstage do: sets only the CronJob's spec.suspend, nothing else. Runs already started are not touched, and run-definition still starts runs of a paused CronJob.
Only for a CronJob whose author allows it (definition.scheduleControl of get-definition); refused otherwise (ConflictError), and for a Job (InputError: a Job has no schedule). Needs the caller's permission to pause and resume the entity's schedules. Setting the state it already has changes nothing. Answers the definition, with suspended and nextScheduleTime as they are now.`,
    attributes: { readOnly: false, destructive: false, idempotent: true },
    address: 'definition',
    input: z => ({
      suspend: z
        .boolean()
        .describe(
          'true to pause the schedule (no more runs on schedule), false to resume it.',
        ),
    }),
    output: definitionSchema,
    call: ({ operations, caller, location, input }) =>
      operations.setSchedule(
        caller,
        location,
        parse(
          scheduleBody,
          { entityRef: input.entityRef, suspend: input.suspend },
          'input',
        ),
      ),
  });
}
