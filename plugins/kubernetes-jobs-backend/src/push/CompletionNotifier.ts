import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { NotificationOptions } from '../config';
import { FinishedRun } from '../database/RunStore';
import { runLink } from './links';

const OUTCOME: Record<string, string> = {
  Succeeded: 'finished successfully',
  Failed: 'failed',
  Killed: 'was stopped',
};

/**
 * Backstage notifications when a run finishes: to the user who triggered it (from the run's
 * record, never from an annotation), one per run (the run's uid is the notification's scope),
 * and, when configured, to the entity's owner for a failed run. Without the notifications
 * backend, the failure is logged once and the plugin goes on.
 */
export class CompletionNotifier {
  private failing = false;

  constructor(
    private readonly options: {
      notifications: NotificationService;
      logger: LoggerService;
      config: NotificationOptions;
    },
  ) {}

  notify(runs: FinishedRun[]): void {
    if (!this.options.config.enabled) return;
    for (const finished of runs) {
      void this.send(finished);
    }
  }

  private async send(finished: FinishedRun): Promise<void> {
    const { run, key, triggeredBy, entityRef } = finished;
    const recipients = [
      ...(triggeredBy?.startsWith('user:') ? [triggeredBy] : []),
      ...(run.state === 'Failed' &&
      this.options.config.notifyOwnerOnFailure &&
      entityRef
        ? [entityRef] // the notifications backend resolves an entity to its owner
        : []),
    ];
    if (!recipients.length) return;
    const why = run.failureSummary ?? run.failure?.message;
    const failure = run.state === 'Failed' && why ? ` ${why}` : '';
    try {
      await this.options.notifications.send({
        recipients: { type: 'entity', entityRef: recipients },
        payload: {
          title: `${key.name} ${OUTCOME[run.state] ?? run.state}`,
          description: `The run ${run.name} of ${key.name} (cluster ${
            key.cluster
          }) ${OUTCOME[run.state] ?? run.state}.${failure}`,
          link: runLink(key, run.name),
          severity: run.state === 'Failed' ? 'high' : 'normal',
          topic: 'kubernetes-jobs',
          scope: `kubernetes-jobs:run:${run.uid}`,
        },
      });
      if (this.failing) {
        this.failing = false;
        this.options.logger.info(
          'kubernetes-jobs: notifications are sent again',
        );
      }
    } catch (error) {
      if (this.failing) return;
      this.failing = true;
      this.options.logger.warn(
        `kubernetes-jobs: could not send a run notification (is the notifications backend installed?): ${
          (error as Error).message
        }`,
      );
    }
  }
}
