import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  DefinitionLocation,
  runProgress,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { SlowRunOptions } from '../config';
import {
  RecordedRun,
  RunStore,
  definitionKeyString,
} from '../database/RunStore';
import { runLink } from './links';

/** The scheduler task that looks for runs taking longer than usual. */
export const SLOW_RUN_TASK = 'kubernetes-jobs-slow-runs';

/** The entities whose selector picks each definition, by definition key string. */
export type DefinitionEntities = (
  keys: DefinitionLocation[],
) => Promise<Map<string, string[]>>;

/**
 * Tells whoever started a run from the portal (and, when configured, the entity's owners) that
 * the run is taking longer than usual: past its definition's `slowAfterSeconds`, the one rule of
 * -common. Once per run, across replicas and restarts: the run's record is claimed atomically
 * before anything is sent. A send that fails is logged and not retried (told at most once).
 * Each check reads only the runs recorded as Running and not yet told of, and the stats of their
 * definitions in a fixed number of queries.
 */
export class SlowRunNotifier {
  /** Whether the last check failed: an outage is logged once, not every check. */
  private failing = false;
  /** Whether the last send failed (the notifications backend missing, say). */
  private sendFailing = false;

  constructor(
    private readonly options: {
      store: Pick<
        RunStore,
        'listRunningNotSlowNotified' | 'claimSlowNotice' | 'stats'
      >;
      notifications: NotificationService;
      logger: LoggerService;
      config: SlowRunOptions;
      /** For runs that no one started from an entity (a schedule, kubectl): who owns them. */
      definitionEntities: DefinitionEntities;
      now?: () => Date;
    },
  ) {}

  /** Runs the check every `checkSeconds` on one replica at a time (a global task). */
  async schedule(scheduler: SchedulerService): Promise<void> {
    await scheduler.scheduleTask({
      id: SLOW_RUN_TASK,
      frequency: { seconds: this.options.config.checkSeconds },
      timeout: { minutes: 5 },
      scope: 'global',
      fn: () => this.check(),
    });
  }

  /** Tells of the runs that became slow since the last check. */
  async check(): Promise<void> {
    const { store, config, logger } = this.options;
    if (!config.enabled) return;
    try {
      const running = await store.listRunningNotSlowNotified();
      if (!running.length) return;
      const stats = await store.stats(uniqueKeys(running.map(r => r.key)));
      const now = (this.options.now ?? (() => new Date()))();
      const slow = running.flatMap(recorded => {
        const definition = stats.get(definitionKeyString(recorded.key));
        const progress =
          definition && runProgress(recorded.run, definition, now.getTime());
        return progress?.slow ? [{ recorded, progress }] : [];
      });
      const claimed = [];
      for (const entry of slow) {
        if (await store.claimSlowNotice(entry.recorded.run.uid, now)) {
          claimed.push(entry);
        }
      }
      const owners = await this.owners(claimed.map(c => c.recorded));
      for (const { recorded, progress } of claimed) {
        const recipients = [
          ...(recorded.triggeredBy?.startsWith('user:')
            ? [recorded.triggeredBy]
            : []),
          ...(owners.get(recorded.run.uid) ?? []),
        ];
        if (recipients.length) {
          await this.send(recorded, recipients, progress);
        }
      }
      if (this.failing) {
        this.failing = false;
        logger.info('kubernetes-jobs: slow runs are checked again');
      }
    } catch (error) {
      if (this.failing) return;
      this.failing = true;
      logger.warn(
        `kubernetes-jobs: could not check for slow runs (retried every ${
          config.checkSeconds
        } s): ${(error as Error).message}`,
      );
    }
  }

  /**
   * The entities to tell, by run uid: the entity a run was started from, else the entities whose
   * selector picks its definition. The notifications backend resolves an entity to its owner.
   */
  private async owners(runs: RecordedRun[]): Promise<Map<string, string[]>> {
    const owners = new Map<string, string[]>();
    if (!this.options.config.notifyOwner || !runs.length) return owners;
    const unknown = runs.filter(r => !r.entityRef);
    const found = unknown.length
      ? await this.options.definitionEntities(
          uniqueKeys(unknown.map(r => r.key)),
        )
      : new Map<string, string[]>();
    for (const { run, key, entityRef } of runs) {
      owners.set(
        run.uid,
        entityRef ? [entityRef] : found.get(definitionKeyString(key)) ?? [],
      );
    }
    return owners;
  }

  private async send(
    { key, run }: RecordedRun,
    recipients: string[],
    progress: { elapsedSeconds: number; typicalSeconds: number },
  ): Promise<void> {
    try {
      await this.options.notifications.send({
        recipients: { type: 'entity', entityRef: [...new Set(recipients)] },
        payload: {
          title: `${key.name} is taking longer than usual`,
          description: `Running for ${inWords(
            progress.elapsedSeconds,
          )}; it usually takes ${inWords(progress.typicalSeconds)}.`,
          link: runLink(key, run.name),
          // Three times its usual duration is more than a slow day: someone should look.
          severity:
            progress.elapsedSeconds >= 3 * progress.typicalSeconds
              ? 'high'
              : 'normal',
          topic: 'kubernetes-jobs',
          // The run's own scope: its finished notification later replaces this one.
          scope: `kubernetes-jobs:run:${run.uid}`,
        },
      });
      this.sendFailing = false;
    } catch (error) {
      if (this.sendFailing) return;
      this.sendFailing = true;
      this.options.logger.warn(
        `kubernetes-jobs: could not send a slow run notification (is the notifications backend installed?): ${
          (error as Error).message
        }`,
      );
    }
  }
}

function uniqueKeys(keys: DefinitionLocation[]): DefinitionLocation[] {
  return [
    ...new Map(keys.map(key => [definitionKeyString(key), key])).values(),
  ];
}

/** "45 seconds", "9 minutes", "1 hour 5 minutes". */
export function inWords(seconds: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (Math.round(seconds) < 60) return unit(Math.round(seconds), 'second');
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return unit(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest
    ? `${unit(hours, 'hour')} ${unit(rest, 'minute')}`
    : unit(hours, 'hour');
}
