import { UserInfoService } from '@backstage/backend-plugin-api';
// The catalog's conditions live in the catalog backend plugin; Backstage's permission docs import
// them from there, as here (the catalog backend is in every backend this module goes into).
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
 * A permission policy for the kubernetes-jobs plugins: members of the group that owns a component
 * may run and stop its Jobs and pause their schedules; members of the admin groups (the SRE group)
 * may do all of that for every Job; everyone else may only look. A request without a user is
 * refused those three permissions. Every other permission, the catalog's and other plugins'
 * included, is allowed, as in a portal without a policy.
 *
 * Ownership is the catalog's: the decision is a condition (`IS_ENTITY_OWNER` on the user's
 * ownership entity refs) that the catalog evaluates against the entity the definition belongs to.
 *
 * @public
 */
export class JobAssistantPermissionPolicy implements PermissionPolicy {
  /**
   * @param userInfo - resolves a user's ownership entity refs (their own ref and their groups)
   * @param adminGroups - entity refs whose members may run, stop and pause every Job
   */
  constructor(
    private readonly userInfo: UserInfoService,
    private readonly adminGroups: string[],
  ) {}

  /** Decides one permission request for one user (or none). */
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
