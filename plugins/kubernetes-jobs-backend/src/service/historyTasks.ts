import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { PluginOptions } from '../config';
import { RunStore } from '../database/RunStore';
import { JobsService } from './JobsService';

/**
 * Keeps history true without anyone watching: reconciles runs last known as active with their
 * clusters (also right after startup, for runs that finished while the backend was down), and
 * applies the retention settings. Tasks are global: with several replicas, one runs each time.
 */
export async function scheduleHistoryTasks(options: {
  scheduler: SchedulerService;
  service: JobsService;
  store: RunStore;
  logger: LoggerService;
  options: PluginOptions;
}): Promise<void> {
  const { scheduler, service, store, logger } = options;
  const { maxAgeDays, maxRunsPerDefinition } = options.options.history;

  await scheduler.scheduleTask({
    id: 'kubernetes-jobs-reconcile-runs',
    frequency: { seconds: 30 },
    timeout: { minutes: 5 },
    // No initial delay: right after a restart is when runs may have finished unseen.
    scope: 'global',
    fn: async () => {
      const { updated, removed } = await service.reconcile();
      if (updated || removed) {
        logger.debug(
          `kubernetes-jobs: reconciled ${updated} active runs, ${removed} gone`,
        );
      }
    },
  });

  await scheduler.scheduleTask({
    id: 'kubernetes-jobs-history-retention',
    frequency: { hours: 6 },
    timeout: { minutes: 10 },
    initialDelay: { minutes: 1 },
    scope: 'global',
    fn: async () => {
      const deleted = await store.cleanup({
        olderThan: new Date(Date.now() - maxAgeDays * 24 * 3600 * 1000),
        keepPerDefinition: maxRunsPerDefinition,
      });
      if (deleted) {
        logger.info(
          `kubernetes-jobs: history retention deleted ${deleted} runs`,
        );
      }
    },
  });
}
