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
      /**
       * Entity refs of the groups (or users) that may approve runs of every Job
       * (`kubernetes-jobs.approve`), besides the entity's owners and the admin groups. The
       * `approverGroups` of `kubernetesJobs.approvals` are added to them. A Job that names its own
       * approver groups (`job-assistant/approvers`) needs them here too (or ownership): the
       * backend then also checks that the approver is in the Job's groups.
       */
      approverGroups?: string[];
    };
  };
}
