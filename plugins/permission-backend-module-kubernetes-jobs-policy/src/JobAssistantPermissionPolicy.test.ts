import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import {
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

  it('gives no one admin rights with an empty admin list', async () => {
    const strict = new JobAssistantPermissionPolicy(userInfo, []);
    const decision = await strict.handle(
      { permission: kubernetesJobsKillPermission },
      userFor('user:default/sam'),
    );
    expect(decision.result).toBe(AuthorizeResult.CONDITIONAL);
  });
});
