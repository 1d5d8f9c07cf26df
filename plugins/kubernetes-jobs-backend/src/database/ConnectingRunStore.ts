import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  DefinitionStats,
  JobRun,
  DefinitionLocation,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import {
  FinishedRun,
  ObservedRun,
  RecordedRun,
  RunPage,
  RunStore,
  SavedEvidence,
} from './RunStore';

/** What the plugin says, in every answer that needed history, while the database is away. */
export const HISTORY_UNAVAILABLE =
  'Run history is unavailable right now (the database cannot be reached)';

/** Errors the store throws on purpose (the one-active-run guard): passed on as they are. */
const STORE_DECISIONS = new Set(['ConflictError']);

/** Delays between connection attempts: doubling from the first up to the last. */
export interface ConnectRetry {
  firstDelayMs: number;
  maxDelayMs: number;
}

const DEFAULT_RETRY: ConnectRetry = { firstDelayMs: 1000, maxDelayMs: 30_000 };

/**
 * The run store the plugin uses. A backend started while its database is down still starts and
 * serves the clusters' live data: this store connects (and migrates) in the background, retrying
 * until it succeeds, and until then, like whenever the database fails later, every call fails
 * with a 503 that says history is unavailable. Readers answer from the clusters alone; Run is
 * refused, since the one-active-run guard lives in the database.
 */
export class ConnectingRunStore implements RunStore {
  private store?: RunStore;
  private stopped = false;
  /** Whether the last attempt or call failed: state changes are logged, not each failure. */
  private failing = false;
  private timer?: NodeJS.Timeout;
  private readonly readyPromise: Promise<void>;
  private resolveReady!: () => void;

  constructor(
    private readonly options: {
      connect: () => Promise<RunStore>;
      logger: LoggerService;
      retry?: ConnectRetry;
    },
  ) {
    this.readyPromise = new Promise(resolve => {
      this.resolveReady = resolve;
    });
  }

  private readonly listeners: Array<(keys?: DefinitionLocation[]) => void> = [];

  /**
   * Tells `listener` after each write (with the definitions it concerns, when the call says
   * which; all may have changed when it does not), and when history becomes available or
   * unavailable.
   */
  listen(listener: (keys?: DefinitionLocation[]) => void): void {
    this.listeners.push(listener);
  }

  private changed(keys?: DefinitionLocation[]): void {
    for (const listener of this.listeners) listener(keys);
  }

  /** Starts connecting; resolves after the first attempt, whether it succeeded or not. */
  async start(): Promise<void> {
    await this.attempt(
      this.options.retry?.firstDelayMs ?? DEFAULT_RETRY.firstDelayMs,
    );
  }

  /** Settles once the database is connected and migrated. */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  /** Whether the database was reached (it may still fail call by call later). */
  get connected(): boolean {
    return this.store !== undefined;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async attempt(delayMs: number): Promise<void> {
    if (this.stopped) return;
    const { logger } = this.options;
    try {
      this.store = await this.options.connect();
    } catch (error) {
      const retry = this.options.retry ?? DEFAULT_RETRY;
      // Said once, with the reason; the retries are quiet until one succeeds.
      if (!this.failing) {
        this.failing = true;
        logger.error(
          `kubernetes-jobs: ${HISTORY_UNAVAILABLE}; serving live data from the clusters and retrying: ${
            (error as Error).message
          }`,
        );
      }
      this.timer = setTimeout(
        () => void this.attempt(Math.min(delayMs * 2, retry.maxDelayMs)),
        delayMs,
      );
      this.timer.unref?.();
      return;
    }
    if (this.failing) {
      this.failing = false;
      logger.info('kubernetes-jobs: run history database connected');
    }
    this.changed();
    this.resolveReady();
  }

  private async call<T>(fn: (store: RunStore) => Promise<T>): Promise<T> {
    if (!this.store) throw new ServiceUnavailableError(HISTORY_UNAVAILABLE);
    try {
      const result = await fn(this.store);
      if (this.failing) {
        this.failing = false;
        this.options.logger.info(
          'kubernetes-jobs: run history database reachable again',
        );
        this.changed();
      }
      return result;
    } catch (error) {
      if (STORE_DECISIONS.has((error as Error)?.name)) throw error;
      // The driver's words (hosts, users, SQL) go to the log once per outage, never to callers.
      if (!this.failing) {
        this.failing = true;
        this.options.logger.error(
          `kubernetes-jobs: run history database failed: ${
            (error as Error)?.message
          }`,
        );
        this.changed();
      }
      throw new ServiceUnavailableError(HISTORY_UNAVAILABLE);
    }
  }

  /**
   * A call that writes: whoever listens hears of it once it is done, succeeded or not, with the
   * definitions it concerns when they are known.
   */
  private async write<T>(
    fn: (store: RunStore) => Promise<T>,
    keys?: DefinitionLocation[],
  ): Promise<T> {
    try {
      return await this.call(fn);
    } finally {
      this.changed(keys);
    }
  }

  reserve(key: DefinitionLocation, run: Parameters<RunStore['reserve']>[1]) {
    return this.write(s => s.reserve(key, run), [key]);
  }
  attach(id: number, run: JobRun): Promise<void> {
    return this.write(
      s => s.attach(id, run),
      [
        {
          cluster: run.cluster,
          namespace: run.namespace,
          kind: run.definition.kind,
          name: run.definition.name,
        },
      ],
    );
  }
  discard(id: number, key: DefinitionLocation): Promise<void> {
    return this.write(s => s.discard(id, key), [key]);
  }
  releaseIfInactive(
    key: DefinitionLocation,
    options: Parameters<RunStore['releaseIfInactive']>[1],
  ): Promise<void> {
    return this.write(s => s.releaseIfInactive(key, options), [key]);
  }
  /**
   * Whoever listens hears of the definitions whose records changed: an observation that
   * found its record as observed changed nothing anyone shows. When the write fails, of all.
   */
  async observe(runs: ObservedRun[]): Promise<FinishedRun[]> {
    return (await this.observeChanges(runs)).finished;
  }
  async observeChanges(runs: ObservedRun[]) {
    let result: Awaited<ReturnType<RunStore['observeChanges']>> | undefined;
    try {
      result = await this.call(s => s.observeChanges(runs));
      return result;
    } finally {
      this.changed((result?.written ?? runs).map(r => r.key));
    }
  }
  saveEvidence(jobUid: string, evidence: SavedEvidence): Promise<boolean> {
    return this.write(s => s.saveEvidence(jobUid, evidence), []);
  }
  getEvidence(jobUid: string): Promise<SavedEvidence | undefined> {
    return this.call(s => s.getEvidence(jobUid));
  }
  recordKill(
    jobUid: string,
    killedBy: string,
    killedAt: Date,
    key?: DefinitionLocation,
  ): Promise<void> {
    return this.write(
      s => s.recordKill(jobUid, killedBy, killedAt),
      key && [key],
    );
  }
  markRemoved(jobUids: string[]): Promise<void> {
    // Nothing removed, nothing changed (the tracker says so after every batch).
    return this.write(
      s => s.markRemoved(jobUids),
      jobUids.length ? undefined : [],
    );
  }
  markRemovedExcept(
    scope: { cluster: string; namespace?: string },
    options: Parameters<RunStore['markRemovedExcept']>[1],
  ): Promise<void> {
    return this.write(s => s.markRemovedExcept(scope, options));
  }
  listRuns(
    key: DefinitionLocation,
    options: { limit: number; before?: string },
  ): Promise<RunPage> {
    return this.call(s => s.listRuns(key, options));
  }
  findRun(location: Parameters<RunStore['findRun']>[0]) {
    return this.call(s => s.findRun(location));
  }
  findRunOfRequest(requestId: string): Promise<JobRun | undefined> {
    return this.call(s => s.findRunOfRequest(requestId));
  }
  listRunningNotSlowNotified(): Promise<RecordedRun[]> {
    return this.call(s => s.listRunningNotSlowNotified());
  }
  claimSlowNotice(jobUid: string, at: Date): Promise<boolean> {
    return this.call(s => s.claimSlowNotice(jobUid, at));
  }
  stats(keys: DefinitionLocation[]): Promise<Map<string, DefinitionStats>> {
    return this.call(s => s.stats(keys));
  }
  cleanup(options: Parameters<RunStore['cleanup']>[0]): Promise<number> {
    return this.write(s => s.cleanup(options));
  }
}
