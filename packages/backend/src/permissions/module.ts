import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { JobAssistantPermissionPolicy } from './JobAssistantPermissionPolicy';

/**
 * Installs {@link JobAssistantPermissionPolicy} in the permission backend. The admin groups come
 * from `jobAssistantPolicy.adminGroups` (default `group:default/sre`).
 */
export const jobAssistantPermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'job-assistant-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        userInfo: coreServices.userInfo,
        config: coreServices.rootConfig,
      },
      async init({ policy, userInfo, config }) {
        const adminGroups = config.getOptionalStringArray(
          'jobAssistantPolicy.adminGroups',
        ) ?? ['group:default/sre'];
        policy.setPolicy(
          new JobAssistantPermissionPolicy(userInfo, adminGroups),
        );
      },
    });
  },
});
