import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import { DefinitionLocation } from '@job-assistant/plugin-kubernetes-jobs-common';
import { HISTORY_UNAVAILABLE } from './ConnectingRunStore';
import {
  DecisionOutcome,
  NewDecision,
  NewRunRequest,
  RunRequestStore,
  StoredRunRequest,
} from './RunRequestStore';

/**
 * The run request store the plugin uses: the same database as run history, connected with it
 * (see ConnectingRunStore, which migrates it). Until it is connected, and whenever the database
 * fails, every call is a 503 that says so; the driver's words go to the log only.
 */
export class ConnectingRunRequestStore implements RunRequestStore {
  private store?: RunRequestStore;
  private failing = false;

  constructor(private readonly options: { logger: LoggerService }) {}

  /** Called once the database is connected and migrated. */
  connected(store: RunRequestStore): void {
    this.store = store;
  }

  private async call<T>(fn: (store: RunRequestStore) => Promise<T>) {
    if (!this.store) throw new ServiceUnavailableError(HISTORY_UNAVAILABLE);
    try {
      const result = await fn(this.store);
      this.failing = false;
      return result;
    } catch (error) {
      if (!this.failing) {
        this.failing = true;
        this.options.logger.error(
          `kubernetes-jobs: run request database failed: ${
            (error as Error)?.message
          }`,
        );
      }
      throw new ServiceUnavailableError(HISTORY_UNAVAILABLE);
    }
  }

  create(request: NewRunRequest): Promise<StoredRunRequest> {
    return this.call(s => s.create(request));
  }
  get(id: string): Promise<StoredRunRequest | undefined> {
    return this.call(s => s.get(id));
  }
  listForDefinition(key: DefinitionLocation, options: { limit: number }) {
    return this.call(s => s.listForDefinition(key, options));
  }
  listPending(options: { waitingForApproval?: boolean; limit: number }) {
    return this.call(s => s.listPending(options));
  }
  decide(id: string, decision: NewDecision): Promise<DecisionOutcome> {
    return this.call(s => s.decide(id, decision));
  }
  cancel(id: string, options: { reason: string; at: Date }) {
    return this.call(s => s.cancel(id, options));
  }
  expireDue(now: Date): Promise<StoredRunRequest[]> {
    return this.call(s => s.expireDue(now));
  }
  dueIds(now: Date, limit: number): Promise<string[]> {
    return this.call(s => s.dueIds(now, limit));
  }
  claim(id: string, at: Date): Promise<boolean> {
    return this.call(s => s.claim(id, at));
  }
  unclaim(id: string): Promise<void> {
    return this.call(s => s.unclaim(id));
  }
  finish(
    id: string,
    outcome: Parameters<RunRequestStore['finish']>[1],
    at: Date,
  ) {
    return this.call(s => s.finish(id, outcome, at));
  }
  staleClaims(before: Date): Promise<StoredRunRequest[]> {
    return this.call(s => s.staleClaims(before));
  }
  cleanup(olderThan: Date): Promise<number> {
    return this.call(s => s.cleanup(olderThan));
  }
}
