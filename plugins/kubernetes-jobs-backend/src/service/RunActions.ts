import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import {
  ALLOW_SCHEDULE_CONTROL_ANNOTATION,
  DefinitionLocation,
  JobDefinition,
  JobRun,
  PARAMETERS_ANNOTATION,
  ParameterValue,
  RUN_ANNOTATIONS,
  RunLocation,
  isActiveState,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { V1Job } from '@kubernetes/client-node';
import { WatchCaches } from '../cache/WatchCaches';
import type { ApprovalRule } from '../config';
import {
  ActiveRunError,
  ClusterTimeoutError,
  DefinitionInvalidError,
} from '../errors';
import { ClusterClientFactory } from '../cluster/ClusterClient';
import { RunStore, definitionKeyString } from '../database/RunStore';
import { EntitySelector } from './entitySelector';
import { EvidenceCollector } from './evidence';
import { declaredParameters, valuesForRun } from './parameters';
import { KeyedMutex } from './KeyedMutex';
import {
  DefinitionObject,
  definitionRef,
  toJobDefinition,
  toJobRun,
} from './model';
import {
  checkDefinition,
  definitionOfRun,
  freshDefinitionLookup,
  readDefinition,
  watchedDefinitionLookup,
} from './ownership';
import { ActiveRuns, activeRuns } from './activeRuns';
import { buildRunJob } from './runJob';
import { approvalFor } from './approvalPolicy';

/** Options of {@link RunActions}. */
export interface RunActionsOptions {
  client: ClusterClientFactory;
  caches: WatchCaches;
  store: RunStore;
  logger: LoggerService;
  annotationKey: string;
  allowParallelRunsByDefault: boolean;
  /** Keeps a killed run's logs and events (after the answer). */
  evidence: EvidenceCollector;
  /** `kubernetesJobs.approvals`: clusters where every run needs approval. */
  approvals?: ApprovalRule[];
  /** Clock, for tests. */
  now?: () => Date;
}

/** What a run started by a run request carries, and checks, on top of a plain Run. */
export interface FromRequest {
  id: string;
  /** Who approved it (recorded on the run and its Job). */
  approvedBy: string[];
  /**
   * Checks the definition as read fresh for this run (unchanged since the request, approvals
   * still enough), before anything is created; throws to refuse.
   */
  check: (definition: DefinitionObject) => void;
}

/** Who runs a definition, and with what. */
interface RunOptions {
  triggeredBy: string;
  parameters?: Record<string, ParameterValue>;
  request?: FromRequest;
}

/** What a Run of a definition records, from {@link RunActions.plan}. */
interface RunPlan {
  definition: DefinitionObject;
  declared: ReturnType<typeof declaredParameters>;
  values: Record<string, ParameterValue>;
  exclusive: boolean;
  record: Parameters<RunStore['reserve']>[1];
}

/** Whether two reservations record the same run. */
function sameRecord(a: RunPlan['record'], b: RunPlan['record']): boolean {
  return (
    a.exclusive === b.exclusive &&
    JSON.stringify(a.parameters ?? {}) === JSON.stringify(b.parameters ?? {})
  );
}

/**
 * Run and Kill: the two actions that change a cluster, each at the cost of its work. Both read
 * what they act on fresh from the apiserver first (the definition to copy, the run to stop), then
 * write it: two requests. What only needs to be known (the definition's other runs, whose run
 * this is) comes from the watch cache, which knows every run; what a run leaves behind is saved
 * after the answer.
 */
export class RunActions {
  private readonly mutex = new KeyedMutex();
  private readonly now: () => Date;

  constructor(private readonly options: RunActionsOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Creates a new Job from the definition. The definition is only read. Unless the definition
   * allows parallel runs, a second run while one is active is a ConflictError: the watch cache
   * knows the runs started anywhere (see {@link activeRuns}). Within one backend the check and
   * the create are serialised per definition, and the created Job enters the cache at once;
   * across replicas, the run's record takes the definition's one active slot (a unique key in the
   * database) before the Job is created, so only one replica can start it.
   *
   * A definition that needs approval is refused (409) unless the run comes from an approved run
   * request (`request`): there is no door around an approval.
   */
  async run(
    selector: EntitySelector,
    location: DefinitionLocation,
    options: RunOptions,
  ): Promise<JobRun> {
    const { annotationKey, store } = this.options;
    const client = await this.options.client(location.cluster);
    const key: DefinitionLocation = location;
    return this.mutex.run(definitionKeyString(key), async () => {
      const now = this.now();
      // The slot is asked for while the definition is read, with what the watch cache holds
      // of it (one database write and one apiserver read at once, not one after the other);
      // it is kept only if the definition read fresh makes the same record.
      // The read is sent first, and the database works while the apiserver answers.
      const reading = readDefinition(client, selector, location, annotationKey);
      const early = this.reserveEarly(selector, location, options, now);
      let earlyHandled = false;
      let reservation: number | undefined;
      let planned: RunPlan;
      try {
        const definition = await reading;
        const need = approvalFor(
          location.cluster,
          definition,
          this.options.approvals ?? [],
        );
        if (need.error !== undefined) {
          throw new DefinitionInvalidError(`cannot run: ${need.error}`);
        }
        if (options.request) {
          options.request.check(definition);
        } else if (need.approval) {
          throw new ConflictError(
            `This Job needs approval (${
              need.approval.reason
            }): ask for a run (POST /definitions/${location.cluster}/${
              location.namespace
            }/${location.kind.toLowerCase()}/${
              location.name
            }/requests); it starts once approved`,
          );
        }
        planned = this.plan(selector, location, definition, options, now);
        const taken = await early;
        earlyHandled = true;
        if (taken && sameRecord(taken.record, planned.record)) {
          reservation = taken.id;
        } else if (taken) {
          await store.discard(taken.id, key);
        }
        let release: ActiveRuns['release'] | undefined;
        if (planned.exclusive) {
          const found = await activeRuns({
            client,
            cache: this.options.caches.get(location.cluster),
            selector,
            definition,
          });
          const [active] = found.active;
          if (active) {
            throw new ActiveRunError(
              `${location.kind} '${location.name}' already has an active run, '${active.name}' (${active.state}); wait for it to finish or stop it before starting another`,
              active.name,
            );
          }
          release = found.release;
        }
        const { record } = planned;
        reservation ??= await store.reserve(key, record).catch(async error => {
          if (!release || !ConflictError.is(error)) throw error;
          // The slot is taken, though the cluster shows no active run: free it if the run
          // holding it is over (its record not yet updated), and try once more.
          await store.releaseIfInactive(key, release);
          return store.reserve(key, record);
        });
      } catch (error) {
        // Nothing was created: a slot taken is given back (or freed after a minute, should
        // the database fail now).
        const held = earlyHandled ? reservation : (await early)?.id;
        if (held !== undefined) {
          await store.discard(held, key).catch(() => undefined);
        }
        throw error;
      }
      const { definition, declared, values } = planned;
      let created: V1Job;
      try {
        const body = buildRunJob(definition, {
          annotationKey,
          triggeredBy: options.triggeredBy,
          now,
          request: options.request,
          parameters: {
            declarations: declared.parameters ?? [],
            values,
          },
        });
        created = await client.createJob(location.namespace, body);
      } catch (error) {
        // Timed out: the Job may exist. The reservation then stays: the tracker attaches the
        // Job to it if it appears, and it is released after a minute if it does not.
        if (!(error instanceof ClusterTimeoutError)) {
          await store.discard(reservation, key);
        }
        throw error;
      }
      const run = toJobRun(
        location.cluster,
        created,
        definitionRef(definition),
      );
      await store.attach(reservation, run);
      // Reads right after this answer already show the run.
      this.options.caches.observe(location.cluster, 'Job', created);
      this.options.logger.info(
        `Run ${run.name} of ${location.kind} ${location.namespace}/${location.name} on cluster ${location.cluster} created by ${options.triggeredBy}`,
      );
      return {
        ...run,
        triggeredBy: options.triggeredBy,
        triggeredAt: now.toISOString(),
        trigger: 'portal',
        claimedTriggeredBy: undefined,
        parameters: Object.keys(values).length ? values : undefined,
        approvedBy: options.request?.approvedBy.length
          ? options.request.approvedBy
          : undefined,
        requestId: options.request?.id,
      };
    });
  }

  /**
   * What a Run of `definition` records: its parameters (a 422 for a declaration its author
   * must fix, a 400 naming a value that is wrong) and whether it takes the one active slot.
   */
  private plan(
    selector: EntitySelector,
    location: DefinitionLocation,
    definition: DefinitionObject,
    options: RunOptions,
    now: Date,
  ): RunPlan {
    const view = toJobDefinition(location.cluster, definition, {
      allowParallelRunsByDefault: this.options.allowParallelRunsByDefault,
    });
    const declared = declaredParameters(
      definition.metadata?.annotations?.[PARAMETERS_ANNOTATION],
    );
    const values = valuesForRun(declared, options.parameters);
    const exclusive = !view.allowParallelRuns;
    return {
      definition,
      declared,
      values,
      exclusive,
      record: {
        entityRef: selector.entityRef,
        triggeredBy: options.triggeredBy,
        triggeredAt: now,
        exclusive,
        parameters: values,
        approvedBy: options.request?.approvedBy,
        requestId: options.request?.id,
      },
    };
  }

  /**
   * The slot, taken with the record the watch cache's copy of the definition makes, while the
   * definition is read fresh. Nothing when the cache does not hold it or a Run of it would be
   * refused, or when the slot is taken: the Run then reserves after its checks, as it would
   * without this.
   */
  private async reserveEarly(
    selector: EntitySelector,
    location: DefinitionLocation,
    options: RunOptions,
    now: Date,
  ): Promise<{ id: number; record: RunPlan['record'] } | undefined> {
    let record: RunPlan['record'];
    try {
      const cached = this.options.caches
        .get(location.cluster)
        .get(location.kind, location.namespace, location.name);
      if (!cached) return undefined;
      checkDefinition(selector, location, cached, this.options.annotationKey);
      const need = approvalFor(
        location.cluster,
        cached,
        this.options.approvals ?? [],
      );
      // Refused unless approved: no slot for a Run the checks will turn down.
      if (need.error !== undefined || (need.approval && !options.request)) {
        return undefined;
      }
      ({ record } = this.plan(selector, location, cached, options, now));
    } catch {
      return undefined; // the fresh definition says why
    }
    return this.options.store.reserve(location, record).then(
      id => ({ id, record }),
      () => undefined,
    );
  }

  /**
   * Stops an active run by suspending it (the Job controller terminates its pods gracefully)
   * and records who killed it. The run stays, as history. A definition is never suspended.
   * Its logs and events are collected and saved after the answer.
   */
  async kill(
    selector: EntitySelector,
    location: RunLocation,
    options: { killedBy: string },
  ): Promise<JobRun> {
    const { annotationKey } = this.options;
    const client = await this.options.client(location.cluster);
    const job = await client.readJob(location.namespace, location.name);
    const definition = await definitionOfRun(
      selector,
      location,
      job,
      watchedDefinitionLookup(
        this.options.caches.get(location.cluster),
        job,
        freshDefinitionLookup(client, selector, annotationKey),
      ),
      annotationKey,
    );
    if (job.metadata?.uid === definition.metadata?.uid) {
      throw new ConflictError(
        `Job '${location.name}' is a definition, not a run: Stop never changes a definition; stop it where it is deployed`,
      );
    }
    const run = toJobRun(location.cluster, job, definitionRef(definition));
    if (!isActiveState(run.state)) {
      throw new ConflictError(
        `Run '${location.name}' is not active (${run.state}); there is nothing to stop`,
      );
    }
    const killedAt = this.now();
    const patched = await client.mergePatchJob(
      location.namespace,
      location.name,
      {
        metadata: {
          annotations: {
            [RUN_ANNOTATIONS.killedBy]: options.killedBy,
            [RUN_ANNOTATIONS.killedAt]: killedAt.toISOString(),
          },
        },
        spec: { suspend: true },
      },
    );
    this.options.logger.info(
      `Run ${location.namespace}/${location.name} on cluster ${location.cluster} killed by ${options.killedBy}`,
    );
    await this.options.store
      .recordKill(run.uid, options.killedBy, killedAt, {
        cluster: run.cluster,
        namespace: run.namespace,
        kind: run.definition.kind,
        name: run.definition.name,
      })
      .catch(error =>
        this.options.logger.error(
          `kubernetes-jobs: could not record the kill of ${location.namespace}/${location.name}: ${error.message}`,
        ),
      );
    // Its logs and events, after the answer: read right after it, while the pods are in their
    // grace period, and saved with the run's record.
    void this.options.evidence.save(client, patched);
    const killed = toJobRun(
      location.cluster,
      patched,
      definitionRef(definition),
    );
    return {
      ...killed,
      killedBy: options.killedBy,
      killedAt: killedAt.toISOString(),
    };
  }

  /**
   * Suspends or resumes a CronJob definition's schedule: a merge patch of `spec.suspend`, the
   * one change to a definition the plugin makes, and only where its author opted in.
   */
  async setSchedule(
    selector: EntitySelector,
    location: DefinitionLocation,
    options: { suspend: boolean; by: string },
  ): Promise<JobDefinition> {
    const { annotationKey } = this.options;
    if (location.kind !== 'CronJob') {
      throw new InputError(
        `Job '${location.name}' has no schedule: only a CronJob's schedule can be paused`,
      );
    }
    const client = await this.options.client(location.cluster);
    const definition = await readDefinition(
      client,
      selector,
      location,
      annotationKey,
    );
    if (
      definition.metadata?.annotations?.[ALLOW_SCHEDULE_CONTROL_ANNOTATION] !==
      'true'
    ) {
      throw new ConflictError(
        `CronJob '${location.name}' does not allow its schedule to be paused from the portal: its author has not set ${ALLOW_SCHEDULE_CONTROL_ANNOTATION}: "true"`,
      );
    }
    const patched = await client.mergePatchCronJob(
      location.namespace,
      location.name,
      { spec: { suspend: options.suspend } },
    );
    this.options.caches.observe(location.cluster, 'CronJob', patched);
    this.options.logger.info(
      `Schedule of CronJob ${location.namespace}/${location.name} on cluster ${
        location.cluster
      } ${options.suspend ? 'suspended' : 'resumed'} by ${options.by}`,
    );
    return toJobDefinition(location.cluster, patched, {
      allowParallelRunsByDefault: this.options.allowParallelRunsByDefault,
      entityRef: selector.entityRef,
      entityOwnerRef: selector.ownerRef,
    });
  }
}
