import { ActionOptions, registerAction, READ } from './actionHelpers';
import { logsQuery, parse } from '../router/validation';

/** Registers `kubernetes-jobs:get-run-logs`, which reads a run's logs. */
export function createGetRunLogsAction(options: ActionOptions): void {
  registerAction(options, {
    name: 'get-run-logs',
    title: 'Read the logs of a run',
    description: `Reads the log of one container of a run: by default the newest pod's first container, every line. Set tailLines to read only the last lines of a long log.
Once Kubernetes has deleted the run's pods, answers the tail saved when the run ended (savedAt is set). For a container that has not started yet, text is empty and waiting says why.`,
    attributes: READ,
    address: 'run',
    input: z => ({
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
    call: ({ operations, credentials, location, input }) => {
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
      return operations.logs(credentials, location, entityRef, logOptions);
    },
  });
}
