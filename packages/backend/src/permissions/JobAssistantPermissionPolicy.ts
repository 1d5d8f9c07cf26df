import { UserInfoService } from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  PolicyDecision,
  isPermission,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  kubernetesJobsKillPermission,
  kubernetesJobsRunPermission,
  kubernetesJobsSchedulePermission,
} from '@job-assistant/plugin-kubernetes-jobs-common';

/**
 * The sample policy: members of the group that owns a component may run and stop its Jobs
 * and pause their schedules;
 * everyone else may only look; members of the admin groups (the SRE group) may do everything.
 * Every other permission is allowed, as in a portal without a policy.
 */
export class JobAssistantPermissionPolicy implements PermissionPolicy {
  constructor(
    private readonly userInfo: UserInfoService,
    private readonly adminGroups: string[],
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const runOrKill =
      isPermission(request.permission, kubernetesJobsRunPermission) ||
      isPermission(request.permission, kubernetesJobsKillPermission) ||
      isPermission(request.permission, kubernetesJobsSchedulePermission);
    if (!runOrKill) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      user.credentials,
    );
    if (ownershipEntityRefs.some(ref => this.adminGroups.includes(ref))) {
      return { result: AuthorizeResult.ALLOW };
    }
    // Evaluated by the catalog against the entity the backend names as the resource.
    return createCatalogConditionalDecision(
      request.permission as typeof kubernetesJobsRunPermission,
      catalogConditions.isEntityOwner({ claims: ownershipEntityRefs }),
    );
  }
}
