import { DefinitionKind } from './types';

/**
 * The Backstage signals channel on which the backend announces changes.
 *
 * @public
 */
export const KUBERNETES_JOBS_SIGNAL_CHANNEL = 'kubernetes-jobs';

/**
 * How long a browser gathers hints into one refetch: the first hint that concerns what it
 * shows schedules the refetch this long after, and the hints that follow join it. The backend
 * relies on it too: a refetch always comes at least this long after the hint that caused it.
 *
 * @public
 */
export const SIGNAL_DEBOUNCE_MS = 300;

/**
 * A hint that something changed: it names the definition (and the run) but carries no Job
 * data, because signals reach every open socket without a permission check. A browser that
 * shows that definition refetches it through the permission-checked API.
 *
 * @public
 */
export interface KubernetesJobsSignal {
  /**
   * `definition`: the definition object changed; `run`: one of its runs appeared or changed;
   * `request`: one of its run requests was asked for or changed (approved, rejected, cancelled,
   * expired, started), so its pending runs and the lists of requests waiting for approval change.
   */
  type: 'definition' | 'run' | 'request';
  /** Cluster of the definition. */
  cluster: string;
  /** Namespace of the definition. */
  namespace: string;
  /** Kind of the definition. */
  definitionKind: DefinitionKind;
  /** Name of the definition. */
  definitionName: string;
  /** The run's Job name, for `run` hints. */
  run?: string;
}

/**
 * A hint that a cluster's health changed: it stopped answering (its data may be out of date) or
 * answers again. A browser showing that cluster's data refetches it to show the change.
 *
 * @public
 */
export interface KubernetesJobsClusterSignal {
  /** Always `cluster`. */
  type: 'cluster';
  /** The cluster whose health changed. */
  cluster: string;
}

/**
 * Any hint on {@link KUBERNETES_JOBS_SIGNAL_CHANNEL}.
 *
 * @public
 */
export type KubernetesJobsHint =
  | KubernetesJobsSignal
  | KubernetesJobsClusterSignal;
