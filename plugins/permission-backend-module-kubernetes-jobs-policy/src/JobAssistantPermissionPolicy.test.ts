import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import {
  kubernetesJobsApprovePermission,
  kubernetesJobsKillPermission,
  kubernetesJobsReadPermission,
  kubernetesJobsRunPermission,
  kubernetesJobsSchedulePermission,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { JobAssistantPermissionPolicy } from './JobAssistantPermissionPolicy';
import { userFor, userInfo } from './__testUtils__/users';

describe('JobAssistantPermissionPolicy', () => {
  const policy = new JobAssistantPermissionPolicy(userInfo, [
    'group:default/sre',
  ]);

  it('lets everyone read and use other permissions', async () => {
    for (const permission of [
      kubernetesJobsReadPermission,
      createPermission({
        name: 'catalog.entity.read',
        attributes: { action: 'read' },
      }),
    ]) {
      await expect(
        policy.handle({ permission }, userFor('user:default/marco')),
      ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    }
  });

  it('lets members of an admin group run, kill and pause everything', async () => {
    for (const permission of [
      kubernetesJobsRunPermission,
      kubernetesJobsKillPermission,
      kubernetesJobsSchedulePermission,
    ]) {
      await expect(
        policy.handle({ permission }, userFor('user:default/sam')),
      ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    }
  });

  it('lets others run, kill and pause only what their groups own, as a catalog condition', async () => {
    for (const permission of [
      kubernetesJobsRunPermission,
      kubernetesJobsKillPermission,
      kubernetesJobsSchedulePermission,
    ]) {
      const decision = await policy.handle(
        { permission },
        userFor('user:default/guest'),
      );
      expect(decision).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: {
            claims: ['user:default/guest', 'group:default/team-shop'],
          },
        },
      });
    }
  });

  it('denies running, killing and pausing to a request without a user', async () => {
    for (const permission of [
      kubernetesJobsRunPermission,
      kubernetesJobsKillPermission,
      kubernetesJobsSchedulePermission,
    ]) {
      await expect(policy.handle({ permission })).resolves.toEqual({
        result: AuthorizeResult.DENY,
      });
    }
  });

  it('lets owners (as a catalog condition), admins and approver groups approve runs; no one without a user', async () => {
    const withApprovers = new JobAssistantPermissionPolicy(
      userInfo,
      ['group:default/sre'],
      ['group:default/team-marketing'],
    );
    const approve = (ref?: string) =>
      withApprovers
        .handle(
          { permission: kubernetesJobsApprovePermission },
          ref ? userFor(ref) : undefined,
        )
        .then(d => d.result);
    await expect(approve('user:default/sam')).resolves.toBe(
      AuthorizeResult.ALLOW,
    );
    await expect(approve('user:default/marco')).resolves.toBe(
      AuthorizeResult.ALLOW,
    );
    await expect(approve('user:default/guest')).resolves.toBe(
      AuthorizeResult.CONDITIONAL,
    );
    await expect(approve()).resolves.toBe(AuthorizeResult.DENY);
    // Approver groups approve; they do not run or stop what they do not own.
    await expect(
      withApprovers
        .handle(
          { permission: kubernetesJobsRunPermission },
          userFor('user:default/marco'),
        )
        .then(d => d.result),
    ).resolves.toBe(AuthorizeResult.CONDITIONAL);
  });

  it('gives no one admin rights with an empty admin list', async () => {
    const strict = new JobAssistantPermissionPolicy(userInfo, []);
    const decision = await strict.handle(
      { permission: kubernetesJobsKillPermission },
      userFor('user:default/sam'),
    );
    expect(decision.result).toBe(AuthorizeResult.CONDITIONAL);
  });
});
