import { LoggerService } from '@backstage/backend-plugin-api';

/**
 * Whether run history answers, as the reads find it. History must not break the live view:
 * reads answer from the clusters alone while it fails, and this says so once when it starts
 * failing and once when it is back, however many reads meet it meanwhile. One instance is
 * shared by every reader, so that they say it once between them.
 */
export class HistoryHealth {
  private down = false;

  constructor(private readonly logger: LoggerService) {}

  /** A read of history failed. */
  failed(error: unknown): void {
    if (this.down) return;
    this.down = true;
    this.logger.error(
      `kubernetes-jobs: run history unavailable, answering from the clusters alone: ${
        (error as Error).message
      }`,
    );
  }

  /** A read of history answered. */
  answered(): void {
    if (!this.down) return;
    this.down = false;
    this.logger.info('kubernetes-jobs: run history available again');
  }
}
