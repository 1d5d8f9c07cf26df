import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { RequestStarter } from './RequestStarter';

/** The scheduler task that expires and starts run requests. */
export const REQUEST_SWEEP_TASK = 'kubernetes-jobs-run-requests';

/**
 * The sweep of run requests on Backstage's scheduler: a global task, so one replica at a time
 * runs it (its lock is in the database); a start happens once even if two sweeps overlap,
 * because each request is claimed atomically. A request due before the next tick asks for a
 * sweep at its time.
 */
export class RequestSweep {
  private readonly timers = new Set<NodeJS.Timeout>();
  private scheduled = false;
  /** Whether the last sweep failed: an outage is logged once, not every few seconds. */
  private failing = false;

  constructor(
    private readonly options: {
      scheduler: SchedulerService;
      starter: RequestStarter;
      logger: LoggerService;
      sweepSeconds: number;
      now?: () => Date;
    },
  ) {}

  async schedule(): Promise<void> {
    const { scheduler, starter, logger, sweepSeconds } = this.options;
    await scheduler.scheduleTask({
      id: REQUEST_SWEEP_TASK,
      frequency: { seconds: sweepSeconds },
      timeout: { minutes: 5 },
      scope: 'global',
      fn: async () => {
        try {
          await starter.sweep();
          if (this.failing) {
            this.failing = false;
            logger.info('kubernetes-jobs: run requests are swept again');
          }
        } catch (error) {
          if (this.failing) return;
          this.failing = true;
          logger.error(
            `kubernetes-jobs: run requests could not be swept (retried every ${sweepSeconds} s): ${
              (error as Error).message
            }`,
          );
        }
      },
    });
    this.scheduled = true;
  }

  /** A request becomes due at `at`: sweep then, when the next tick would come later. */
  dueAt(at: Date): void {
    const now = (this.options.now ?? (() => new Date()))().getTime();
    const delay = Math.max(0, at.getTime() - now);
    if (delay >= this.options.sweepSeconds * 1000) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.scheduled) return;
      // A sweep running right now refuses the trigger: the next tick finds the request.
      this.options.scheduler.triggerTask(REQUEST_SWEEP_TASK).catch(() => {});
    }, delay + 50);
    timer.unref?.();
    this.timers.add(timer);
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
