import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  kubernetesJobsApprovePermission,
  kubernetesJobsKillPermission,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import policyModule from './index';
import { JobAssistantPermissionPolicy } from './JobAssistantPermissionPolicy';
import { userFor, userInfo } from './__testUtils__/users';

/** Starts a backend with only the module, and returns the policy it installed. */
async function installedPolicy(config: object): Promise<PermissionPolicy> {
  const setPolicy = jest.fn();
  const backend = await startTestBackend({
    extensionPoints: [[policyExtensionPoint, { setPolicy }]],
    features: [
      policyModule,
      userInfo.factory,
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  await backend.stop();
  expect(setPolicy).toHaveBeenCalledTimes(1);
  return setPolicy.mock.calls[0][0];
}

const kill = (policy: PermissionPolicy, user: PolicyQueryUser) =>
  policy
    .handle({ permission: kubernetesJobsKillPermission }, user)
    .then((d: PolicyDecision) => d.result);

describe('the kubernetes-jobs policy module', () => {
  it('installs the policy with the SRE group as admins by default', async () => {
    const policy = await installedPolicy({});
    expect(policy).toBeInstanceOf(JobAssistantPermissionPolicy);
    await expect(kill(policy, userFor('user:default/sam'))).resolves.toBe(
      AuthorizeResult.ALLOW,
    );
    await expect(kill(policy, userFor('user:default/marco'))).resolves.toBe(
      AuthorizeResult.CONDITIONAL,
    );
  });

  it('takes the admin groups from kubernetesJobs.policy.adminGroups', async () => {
    const policy = await installedPolicy({
      kubernetesJobs: {
        policy: { adminGroups: ['group:default/team-marketing'] },
      },
    });
    await expect(kill(policy, userFor('user:default/marco'))).resolves.toBe(
      AuthorizeResult.ALLOW,
    );
    await expect(kill(policy, userFor('user:default/sam'))).resolves.toBe(
      AuthorizeResult.CONDITIONAL,
    );
  });

  it('takes the approver groups from kubernetesJobs.policy.approverGroups and kubernetesJobs.approvals', async () => {
    const approve = (policy: PermissionPolicy, ref: string) =>
      policy
        .handle({ permission: kubernetesJobsApprovePermission }, userFor(ref))
        .then((d: PolicyDecision) => d.result);
    const fromPolicy = await installedPolicy({
      kubernetesJobs: { policy: { approverGroups: ['team-marketing'] } },
    });
    await expect(approve(fromPolicy, 'user:default/marco')).resolves.toBe(
      AuthorizeResult.ALLOW,
    );
    const fromApprovals = await installedPolicy({
      kubernetesJobs: {
        approvals: [
          {
            cluster: 'production',
            approverGroups: ['group:default/team-marketing'],
          },
        ],
      },
    });
    await expect(approve(fromApprovals, 'user:default/marco')).resolves.toBe(
      AuthorizeResult.ALLOW,
    );
    await expect(
      approve(await installedPolicy({}), 'user:default/marco'),
    ).resolves.toBe(AuthorizeResult.CONDITIONAL);
  });

  it('refuses a non-list value for the admin groups at startup', async () => {
    await expect(
      installedPolicy({
        kubernetesJobs: { policy: { adminGroups: 'group:default/sre' } },
      }),
    ).rejects.toThrow(/adminGroups/);
  });
});
