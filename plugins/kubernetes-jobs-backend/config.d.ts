export interface Config {
  /**
   * Options of the kubernetes-jobs backend plugin. Clusters come from Backstage's own
   * `kubernetes.clusterLocatorMethods` (type `config` and `localKubectlProxy`), plus the
   * development sources below.
   */
  kubernetesJobs?: {
    /**
     * Annotation key that marks a Job or CronJob as a runnable definition (values `enable` or `true`).
     * Defaults to `job-assistant`.
     */
    definitionAnnotation?: string;
    /**
     * Whether a definition may have several active runs at once when it does not say so itself
     * with the `job-assistant/allow-parallel-runs` annotation. Defaults to false: one active run.
     */
    allowParallelRunsByDefault?: boolean;
    /**
     * Run history kept in the backend's database, after Kubernetes has deleted the Jobs.
     */
    history?: {
      /** Finished runs older than this many days are deleted. Defaults to 365. */
      maxAgeDays?: number;
      /** At most this many runs are kept per definition. Defaults to 1000. */
      maxRunsPerDefinition?: number;
      /**
       * Log text kept per run when it ends or is stopped (the tail of each container's log), served
       * once Kubernetes has deleted its pods. Defaults to 262144 (256 KB).
       */
      maxLogBytesPerRun?: number;
    };
    /**
     * The watch of each cluster that reads are answered from (Jobs and CronJobs, listed then
     * watched). The defaults suit a real apiserver; tests shorten them.
     */
    watch?: {
      /** Items per page of the initial list. Defaults to 500. */
      pageSize?: number;
      /** The apiserver ends each watch after this long and the next one starts. Defaults to 240. */
      timeoutSeconds?: number;
      /** No event (not even a bookmark) for this long is a stall: the watch restarts. Defaults to 90. */
      stallSeconds?: number;
      /**
       * A cluster silent for this long (no event on any of its watches) is asked for one item of a
       * list, to tell a quiet cluster from one that stopped answering. Defaults to 5.
       */
      probeAfterSeconds?: number;
      /**
       * A check not answered within this long marks the cluster's data as possibly out of date,
       * until it answers again. Defaults to 5.
       */
      probeTimeoutSeconds?: number;
      /** How long a read waits for a cluster's first list before answering without it. Defaults to 10. */
      syncTimeoutSeconds?: number;
    };
    /**
     * How long one call to a cluster may take (reads, Run, Stop, logs) before the answer is a 504
     * naming the cluster. Watches are not limited by it. Defaults to 10.
     */
    requestTimeoutSeconds?: number;
    /**
     * How far behind the catalog and the permission policy a view (the Jobs page, the entity tab, a
     * run's details and logs) may be. Views find entities in a copy of the catalog's entities that
     * name Kubernetes objects, read by the plugin, and reuse each caller's read decisions, both
     * never older than this. Run, Stop and every other change always ask the catalog and the policy.
     * 0: every view asks both. Defaults to 10.
     */
    viewCacheSeconds?: number;
    /** The run history database (Backstage's database service, the plugin's own database). */
    database?: {
      /**
       * When the database cannot be reached at startup, the plugin serves live data and retries
       * the connection, waiting twice as long each time up to this many seconds. Defaults to 30.
       */
      maxRetrySeconds?: number;
    };
    /**
     * Backstage notifications when a run finishes, or takes longer than usual (needs the
     * notifications backend).
     */
    notifications?: {
      /** Tell the user who triggered a run when it finishes. Defaults to true. */
      enabled?: boolean;
      /** Also tell the owner of the entity when a run fails. Defaults to false. */
      notifyOwnerOnFailure?: boolean;
      /**
       * Tell who started a run when it passes its usual duration (the 90th percentile of its
       * definition's recent successful runs; needs at least 3 of them). Once per run.
       */
      slowRuns?: {
        /** Defaults to false. */
        enabled?: boolean;
        /** Also tell the owners of the entity (runs started by a schedule too). Defaults to false. */
        notifyOwner?: boolean;
        /** How often running runs are checked, in seconds. One replica checks at a time. Defaults to 60. */
        checkSeconds?: number;
      };
    };
    /**
     * Clusters where every run needs approval before it starts, whatever its definition says. A
     * definition may ask for approval itself (annotations `job-assistant/approval` and
     * `job-assistant/approvers`); the stricter wins: the larger count, and the approver groups of
     * both.
     */
    approvals?: Array<{
      /** Name of the cluster, as configured. */
      cluster: string;
      /** How many different people (never the requester) must approve. Defaults to 1. */
      count?: number;
      /**
       * Entity refs of the groups whose members may approve (`group:default/team-sre`). Empty or
       * absent: whoever the permission policy allows (`kubernetes-jobs.approve`).
       */
      approverGroups?: string[];
    }>;
    /** Run requests: runs asked for at a later time, or waiting for approval. */
    runRequests?: {
      /** How far ahead a run may be asked for, in days. Defaults to 30. */
      horizonDays?: number;
      /**
       * How long a request waits for its approvals, in hours, before it expires (and never later
       * than its time, when it has one). Defaults to 24.
       */
      approvalExpiryHours?: number;
      /**
       * How often due requests are started and unapproved ones expired, in seconds. One replica
       * does it at a time. Defaults to 10.
       */
      sweepSeconds?: number;
    };
    /**
     * Extra cluster sources, for development: a local kubeconfig, or the pod's in-cluster service account.
     */
    clusters?: Array<
      | {
          type: 'kubeconfig';
          /** Path of the kubeconfig file; defaults to $KUBECONFIG or ~/.kube/config. */
          path?: string;
          /** Context to use; defaults to the file's current context. */
          context?: string;
          /** Cluster name in Backstage; defaults to the context name. */
          name?: string;
        }
      | {
          type: 'inCluster';
          /** Cluster name in Backstage. */
          name: string;
        }
    >;
  };
}
