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
 * groups come from `kubernetesJobs.policy.adminGroups` (default `group:default/sre`); the
 * approver groups from `kubernetesJobs.policy.approverGroups` and the `approverGroups` of the
 * backend's `kubernetesJobs.approvals`.
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
        const approverGroups = [
          ...(config.getOptionalStringArray(
            'kubernetesJobs.policy.approverGroups',
          ) ?? []),
          ...(
            config.getOptionalConfigArray('kubernetesJobs.approvals') ?? []
          ).flatMap(
            rule => rule.getOptionalStringArray('approverGroups') ?? [],
          ),
        ].map(groupRef);
        policy.setPolicy(
          new JobAssistantPermissionPolicy(userInfo, adminGroups, [
            ...new Set(approverGroups),
          ]),
        );
      },
    });
  },
});

/**
 * `team-sre` as the catalog names it in ownership refs, `group:default/team-sre` (kind and
 * namespace in lower case, as the catalog writes them).
 */
function groupRef(ref: string): string {
  const text = ref.trim();
  const colon = text.indexOf(':');
  const kind = colon >= 0 ? text.slice(0, colon) : 'group';
  const rest = text.slice(colon + 1);
  const slash = rest.indexOf('/');
  const namespace = slash >= 0 ? rest.slice(0, slash) : 'default';
  const name = rest.slice(slash + 1);
  return `${kind.toLocaleLowerCase('en-US')}:${namespace.toLocaleLowerCase(
    'en-US',
  )}/${name}`;
}
