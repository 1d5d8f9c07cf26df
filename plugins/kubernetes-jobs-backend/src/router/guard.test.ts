import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  kubernetesJobsKillPermission,
  kubernetesJobsReadPermission,
  kubernetesJobsRunPermission,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { KubernetesEntities } from '../service/KubernetesEntities';
import { EntityGuard } from './guard';
import { ViewDecisions } from './viewDecisions';

const JANE = mockCredentials.user('user:default/jane');
const SHOP = 'component:default/shop';

function component(name: string, owner: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-id': name },
    },
    spec: { owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

/** The catalog's `isEntityOwner` on `claims`, as the sample policy decides it. */
const ownerOnly = (claims: string[]): PolicyDecision =>
  createCatalogConditionalDecision(
    kubernetesJobsRunPermission,
    catalogConditions.isEntityOwner({ claims }),
  );

function setup(options: { copy?: boolean; views?: boolean } = {}) {
  const entities = new Map<string, Entity>([
    [SHOP, component('shop', 'group:default/team-shop')],
  ]);
  const catalogReads: Array<{ ref: string; principal: string }> = [];
  const catalog = {
    getEntityByRef: async (ref: string, { credentials }: any) => {
      catalogReads.push({ ref, principal: credentials.principal.type });
      return entities.get(ref);
    },
    getEntities: async () => ({ items: [...entities.values()] }),
  } as unknown as CatalogService;
  const decide: Record<string, PolicyDecision> = {};
  const calls = { authorize: 0, authorizeConditional: [] as string[][] };
  const decision = (name: string): PolicyDecision =>
    decide[name] ?? { result: AuthorizeResult.ALLOW };
  const permissions = mockServices.permissions.mock({
    authorize: async requests => {
      calls.authorize++;
      // As the permission backend does: conditions applied to the named entity.
      return requests.map(r => {
        const d = decision(r.permission.name);
        if (d.result !== AuthorizeResult.CONDITIONAL) return d;
        const owner = entities.get((r as any).resourceRef)?.spec?.owner;
        const claims = (d.conditions as any).params?.claims ?? [];
        return {
          result: claims.includes(owner)
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
        };
      }) as any;
    },
    authorizeConditional: async requests => {
      calls.authorizeConditional.push(requests.map(r => r.permission.name));
      return requests.map(r => decision(r.permission.name)) as any;
    },
  });
  const auth = mockServices.auth({ pluginId: 'kubernetes-jobs' });
  const copy = options.copy
    ? new KubernetesEntities({
        catalog,
        auth,
        logger: mockServices.logger.mock(),
        maxAgeMs: 60_000,
      })
    : undefined;
  const guard = new EntityGuard({
    permissions,
    auditor: mockServices.auditor.mock(),
    catalog,
    auth,
    entities: copy,
    views: options.views ? new ViewDecisions({ maxAgeMs: 60_000 }) : undefined,
  });
  return { guard, entities, catalogReads, decide, calls };
}

describe('EntityGuard', () => {
  it('decides a change on the entity read fresh as the plugin, with both decisions in one call to the policy', async () => {
    const { guard, catalogReads, decide, calls } = setup();
    decide[kubernetesJobsRunPermission.name] = ownerOnly([
      'user:default/jane',
      'group:default/team-shop',
    ]);
    await expect(
      guard.authorizeOnEntity(JANE, kubernetesJobsRunPermission, SHOP),
    ).resolves.toMatchObject({ entityRef: SHOP });
    expect(catalogReads).toEqual([{ ref: SHOP, principal: 'service' }]);
    expect(calls.authorizeConditional).toEqual([
      ['catalog.entity.read', 'kubernetes-jobs.run'],
    ]);
    expect(calls.authorize).toBe(0);

    decide[kubernetesJobsKillPermission.name] = ownerOnly([
      'user:default/jane',
    ]);
    await expect(
      guard.authorizeOnEntity(JANE, kubernetesJobsKillPermission, SHOP),
    ).rejects.toThrow(
      'You are not allowed to stop the Jobs of component:default/shop',
    );
    expect(calls.authorize).toBe(0);
  });

  it('answers 404 for an entity the caller may not read in the catalog, as the catalog does', async () => {
    const { guard, decide } = setup();
    decide['catalog.entity.read'] = { result: AuthorizeResult.DENY };
    await expect(
      guard.authorizeOnEntity(JANE, kubernetesJobsRunPermission, SHOP),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: 'Entity component:default/shop not found in the catalog',
    });
  });

  it('sees a change of owner at once for a change, and within the copy for a view', async () => {
    const { guard, entities, decide } = setup({ copy: true });
    const claims = ['user:default/jane', 'group:default/team-shop'];
    decide[kubernetesJobsRunPermission.name] = ownerOnly(claims);
    decide[kubernetesJobsReadPermission.name] = ownerOnly(claims);
    await guard.authorizeOnEntity(JANE, kubernetesJobsReadPermission, SHOP);
    entities.set(SHOP, component('shop', 'group:default/team-other'));
    await expect(
      guard.authorizeOnEntity(JANE, kubernetesJobsRunPermission, SHOP),
    ).rejects.toThrow('You are not allowed to run');
    // The view still reads the copy taken before the change (at most viewCacheSeconds old).
    await expect(
      guard.authorizeOnEntity(JANE, kubernetesJobsReadPermission, SHOP),
    ).resolves.toMatchObject({ entityRef: SHOP });
  });

  it('goes through the catalog with the caller and through the permission backend when it cannot decide here', async () => {
    const { guard, catalogReads, decide, calls } = setup();
    decide[kubernetesJobsRunPermission.name] = {
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'A_RULE_OF_ANOTHER_PLUGIN',
        resourceType: 'catalog-entity',
        params: { claims: ['group:default/team-shop'] },
      },
    };
    await expect(
      guard.authorizeOnEntity(JANE, kubernetesJobsRunPermission, SHOP),
    ).resolves.toMatchObject({ entityRef: SHOP });
    expect(catalogReads.map(r => r.principal)).toEqual(['service', 'user']);
    expect(calls.authorize).toBe(1);

    // An entity the plugin does not find: the catalog's own answer, with the caller.
    await expect(
      guard.authorizeOnEntity(
        JANE,
        kubernetesJobsRunPermission,
        'component:default/gone',
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(catalogReads.slice(2).map(r => r.principal)).toEqual([
      'service',
      'user',
    ]);
  });

  it("reuses a caller's decisions for views within the max age, and asks afresh for every change", async () => {
    const { guard, decide, calls } = setup({ copy: true, views: true });
    await guard.authorizeOnEntity(JANE, kubernetesJobsReadPermission, SHOP);
    await guard.kubernetesEntities(JANE);
    await guard.authorizeOnEntity(JANE, kubernetesJobsReadPermission, SHOP);
    expect(calls.authorizeConditional).toEqual([
      ['catalog.entity.read', 'kubernetes-jobs.read'],
    ]);
    decide[kubernetesJobsRunPermission.name] = { result: AuthorizeResult.DENY };
    await expect(
      guard.authorizeOnEntity(JANE, kubernetesJobsRunPermission, SHOP),
    ).rejects.toThrow('You are not allowed to run');
    decide[kubernetesJobsRunPermission.name] = {
      result: AuthorizeResult.ALLOW,
    };
    await guard.authorizeOnEntity(JANE, kubernetesJobsRunPermission, SHOP);
    expect(calls.authorizeConditional.slice(1)).toEqual([
      ['catalog.entity.read', 'kubernetes-jobs.run'],
      ['catalog.entity.read', 'kubernetes-jobs.run'],
    ]);
  });

  it('gives the same readable entities while the copy and the decisions are the same, and works them out again when the decision changes', async () => {
    let now = 0;
    const decide: Record<string, PolicyDecision> = {};
    const entities = [component('shop', 'group:default/team-shop')];
    const catalog = {
      getEntities: async () => ({ items: entities }),
    } as unknown as CatalogService;
    const permissions = mockServices.permissions.mock({
      authorizeConditional: async requests =>
        requests.map(
          r => decide[r.permission.name] ?? { result: AuthorizeResult.ALLOW },
        ) as any,
    });
    const guard = new EntityGuard({
      permissions,
      auditor: mockServices.auditor.mock(),
      catalog,
      auth: mockServices.auth(),
      entities: new KubernetesEntities({
        catalog,
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        maxAgeMs: 60_000,
        now: () => now,
      }),
      views: new ViewDecisions({ maxAgeMs: 60_000, now: () => now }),
    });
    const first = await guard.kubernetesEntities(JANE);
    expect((await guard.kubernetesEntities(JANE)).entities).toBe(
      first.entities,
    );
    expect(first.entities).toHaveLength(1);
    // Another caller's decision (or this caller's, once expired) is worked out again.
    decide['catalog.entity.read'] = { result: AuthorizeResult.DENY };
    now += 60_000;
    const later = await guard.kubernetesEntities(JANE);
    expect(later.entities).not.toBe(first.entities);
    expect(later.entities).toEqual([]);
  });
});
