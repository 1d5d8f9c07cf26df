import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { PluginOptions } from '../config';
import { RunRequestStore } from '../database/RunRequestStore';
import { RunStore } from '../database/RunStore';

/**
 * Applies the retention settings to run history. The task is global: with several replicas,
 * one runs it each time. (Keeping history true is the run tracker's job, fed by the watches.)
 */
export async function scheduleHistoryTasks(options: {
  scheduler: SchedulerService;
  store: RunStore;
  /** Run requests are history too: those that ended are kept as long as runs. */
  requests?: RunRequestStore;
  logger: LoggerService;
  options: PluginOptions;
}): Promise<void> {
  const { scheduler, store, requests, logger } = options;
  const { maxAgeDays, maxRunsPerDefinition } = options.options.history;

  await scheduler.scheduleTask({
    id: 'kubernetes-jobs-history-retention',
    frequency: { hours: 6 },
    timeout: { minutes: 10 },
    initialDelay: { minutes: 1 },
    scope: 'global',
    fn: async () => {
      const olderThan = new Date(Date.now() - maxAgeDays * 24 * 3600 * 1000);
      const deleted = await store.cleanup({
        olderThan,
        keepPerDefinition: maxRunsPerDefinition,
      });
      await requests?.cleanup(olderThan);
      if (deleted) {
        logger.info(
          `kubernetes-jobs: history retention deleted ${deleted} runs`,
        );
      }
    },
  });
}
