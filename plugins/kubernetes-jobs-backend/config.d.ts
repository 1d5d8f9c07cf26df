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
