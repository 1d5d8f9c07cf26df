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
  kubernetesJobsApprovePermission,
  kubernetesJobsKillPermission,
  kubernetesJobsRunPermission,
  kubernetesJobsSchedulePermission,
} from '@job-assistant/plugin-kubernetes-jobs-common';

/**
 * A permission policy for the kubernetes-jobs plugins: members of the group that owns a component
 * may run and stop its Jobs, pause their schedules and approve their runs; members of the admin
 * groups (the SRE group) may do all of that for every Job; members of the approver groups may
 * approve runs of every Job; everyone else may only look. A request without a user is refused
 * these permissions. Every other permission, the catalog's and other plugins' included, is
 * allowed, as in a portal without a policy.
 *
 * Ownership is the catalog's: the decision is a condition (`IS_ENTITY_OWNER` on the user's
 * ownership entity refs) that the catalog evaluates against the entity the definition belongs to.
 *
 * An approval is also checked by the backend, whatever a policy says: nobody approves their own
 * request, and a Job that names its approver groups (`job-assistant/approvers`, which a policy
 * cannot see) is approved only by their members.
 *
 * @public
 */
export class JobAssistantPermissionPolicy implements PermissionPolicy {
  /**
   * @param userInfo - resolves a user's ownership entity refs (their own ref and their groups)
   * @param adminGroups - entity refs whose members may run, stop and pause every Job
   * @param approverGroups - entity refs whose members may approve runs of every Job
   */
  constructor(
    private readonly userInfo: UserInfoService,
    private readonly adminGroups: string[],
    private readonly approverGroups: string[] = [],
  ) {}

  /** Decides one permission request for one user (or none). */
  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const approve = isPermission(
      request.permission,
      kubernetesJobsApprovePermission,
    );
    const change =
      approve ||
      isPermission(request.permission, kubernetesJobsRunPermission) ||
      isPermission(request.permission, kubernetesJobsKillPermission) ||
      isPermission(request.permission, kubernetesJobsSchedulePermission);
    if (!change) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      user.credentials,
    );
    const memberOf = (groups: string[]) =>
      ownershipEntityRefs.some(ref => groups.includes(ref));
    if (memberOf(this.adminGroups)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (approve && memberOf(this.approverGroups)) {
      return { result: AuthorizeResult.ALLOW };
    }
    // Evaluated by the catalog against the entity the backend names as the resource.
    return createCatalogConditionalDecision(
      request.permission as typeof kubernetesJobsRunPermission,
      catalogConditions.isEntityOwner({ claims: ownershipEntityRefs }),
    );
  }
}
