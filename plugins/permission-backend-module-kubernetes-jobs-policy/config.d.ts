export interface Config {
  kubernetesJobs?: {
    /**
     * Options of the kubernetes-jobs permission policy
     * (`@job-assistant/plugin-permission-backend-module-kubernetes-jobs-policy`).
     */
    policy?: {
      /**
       * Entity refs of the groups (or users) that may run, stop and pause every Job, whoever owns
       * it. A user belongs to a group here when the catalog lists the group among the user's
       * ownership entity refs (their `memberOf`). Defaults to `['group:default/sre']`; an empty
       * list gives nobody this power.
       */
      adminGroups?: string[];
    };
  };
}
