import { NotFoundError } from '@backstage/errors';
import { V1Job } from '@kubernetes/client-node';
import {
  JobRun,
  isActiveState,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { ClusterCache } from '../cache/ClusterCache';
import { ClusterClient } from '../cluster/ClusterClient';
import { RunStore } from '../database/RunStore';
import { EntitySelector } from './entitySelector';
import {
  DefinitionObject,
  definitionRef,
  isRunOf,
  runStateOf,
  runsFromJobs,
  toJobRun,
} from './model';

/** What the cluster says of a definition's runs, for the one-active-run guard. */
export interface ActiveRuns {
  /** Runs still going, newest first: the definition may run only when there is none. */
  active: JobRun[];
  /** What the run store needs to free a slot held by a run that is over. */
  release: Parameters<RunStore['releaseIfInactive']>[1];
}

/**
 * The cluster's half of the one-active-run guard (the database slot is the other): the active
 * runs of a definition, from the portal or not (kubectl, a CronJob's schedule).
 *
 * From the watch cache while it is current: it knows every run, so a Run costs the apiserver
 * nothing here. The cache may be a moment behind the cluster, so a run it shows active is read
 * fresh before it refuses a Run (the run that just ended must not block the next one). While the
 * cache is not yet synced (right after start) or may be out of date, one LIST of the entity's
 * Jobs instead.
 */
export async function activeRuns(options: {
  client: ClusterClient;
  cache: ClusterCache;
  selector: EntitySelector;
  definition: DefinitionObject;
}): Promise<ActiveRuns> {
  const { client, cache, selector, definition } = options;
  const namespace = definition.metadata?.namespace ?? '';
  const checkedAt = new Date();
  if (!cache.isCurrent('Job', namespace)) {
    // Runs keep the definition's labels, so the entity's selector finds them in one call.
    const jobs = await client.listJobs({
      namespace,
      labelSelector: selector.labelSelector.source,
    });
    const active = runsFromJobs(client.cluster, definition, jobs).filter(r =>
      isActiveState(r.state),
    );
    return {
      active,
      release: { activeJobUids: new Set(active.map(r => r.uid)), checkedAt },
    };
  }
  const { items } = await cache.view('Job', namespace, 0);
  // Only the runs the cache shows active are turned into runs (and read fresh); of the others,
  // the uid is enough.
  const knownJobUids = new Set<string>();
  const activeJobs: V1Job[] = [];
  for (const job of items) {
    if (!isRunOf(job, definition)) continue;
    const uid = job.metadata?.uid;
    if (uid) knownJobUids.add(uid);
    if (isActiveState(runStateOf(job))) activeJobs.push(job);
  }
  const runs = runsFromJobs(client.cluster, definition, activeJobs);
  for (const cached of runs) {
    const fresh = await readRun(client, definition, cached);
    if (fresh && isActiveState(fresh.state)) {
      return {
        active: [fresh],
        release: { activeJobUids: new Set([fresh.uid]), checkedAt },
      };
    }
  }
  return {
    active: [],
    release: {
      activeJobUids: new Set(),
      checkedAt,
      // A slot held by a Job this cache has not seen yet (another replica's run, just created)
      // stays taken.
      knownJobUids,
    },
  };
}

/** A run as the cluster holds it now; undefined when its Job is gone (or is another Job). */
async function readRun(
  client: ClusterClient,
  definition: DefinitionObject,
  run: JobRun,
): Promise<JobRun | undefined> {
  try {
    const job = await client.readJob(run.namespace, run.name);
    return job.metadata?.uid === run.uid
      ? toJobRun(client.cluster, job, definitionRef(definition))
      : undefined;
  } catch (error) {
    if (NotFoundError.is(error)) return undefined;
    throw error;
  }
}
