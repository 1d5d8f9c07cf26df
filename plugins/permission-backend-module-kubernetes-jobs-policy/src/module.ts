import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { JobAssistantPermissionPolicy } from './JobAssistantPermissionPolicy';

/** Used when `kubernetesJobs.policy.adminGroups` is not set. */
export const DEFAULT_ADMIN_GROUPS = ['group:default/sre'];

/**
 * Installs {@link JobAssistantPermissionPolicy} as the permission backend's policy. The admin
 * groups come from `kubernetesJobs.policy.adminGroups` (default `group:default/sre`).
 *
 * A permission backend has one policy: remove any other policy module (such as
 * `@backstage/plugin-permission-backend-module-allow-all-policy`) when adding this one.
 *
 * @public
 */
export const kubernetesJobsPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'kubernetes-jobs-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        userInfo: coreServices.userInfo,
        config: coreServices.rootConfig,
      },
      async init({ policy, userInfo, config }) {
        const adminGroups =
          config.getOptionalStringArray('kubernetesJobs.policy.adminGroups') ??
          DEFAULT_ADMIN_GROUPS;
        policy.setPolicy(
          new JobAssistantPermissionPolicy(userInfo, adminGroups),
        );
      },
    });
  },
});
