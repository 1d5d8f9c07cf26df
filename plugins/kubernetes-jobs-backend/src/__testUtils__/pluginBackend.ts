import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  EvaluatePermissionRequest,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { Server } from 'http';
import { kubernetesJobsPlugin } from '../plugin';
import { applyCatalogDecision } from '../router/catalogDecision';
import { SandboxAdmin } from './sandbox';

/** Conditions on catalog entities, as a policy that decides per entity answers. */
export type CatalogConditions = {
  conditions: PermissionCriteria<PermissionCondition<'catalog-entity'>>;
};

/**
 * Decides one permission request; `resourceRef` is set for resource permissions. A policy that
 * decides per entity returns conditions, whether or not the request names the entity.
 */
export type Decider = (
  req: EvaluatePermissionRequest & { resourceRef?: string },
) => AuthorizeResult | CatalogConditions;

/** The batches of requests the permission service was asked, by method. */
export type PermissionCalls = {
  authorize: EvaluatePermissionRequest[][];
  authorizeConditional: EvaluatePermissionRequest[][];
};

/** One audit event the auditor mock recorded, with how it ended. */
export type RecordedAuditEvent = {
  eventId: string;
  meta: any;
  outcome?: string;
  error?: string;
};

/**
 * Starts the real plugin against the sandbox cluster, a mock catalog holding `entities`, and a
 * permission service that answers as the framework does with `decide()(request)`: `decide` is
 * a getter, read on each request, so a test may swap the decider at any time. A result is the
 * answer; conditions are a CONDITIONAL decision of the catalog for `authorizeConditional`, and
 * for `authorize` with a resourceRef they are applied to that entity of `entities` (DENY if it
 * is unknown), as the permission backend does by asking the catalog. With `permissionCalls`,
 * each batch asked is appended to it. With `auditEvents`, an auditor mock appends each event to
 * it and marks its outcome.
 *
 * `decide` answers for the plugin's own permissions. The catalog's read permission
 * (`catalog.entity.read`, which the plugin asks about when it reads its copy of the catalog) is
 * answered by `catalogRead`, ALLOW by default: the mock catalog shows every entity to everyone.
 */
export async function startPluginBackend(options: {
  admin: SandboxAdmin;
  entities: Entity[];
  decide: () => Decider;
  catalogRead?: () => Decider;
  /**
   * `kubernetesJobs.viewCacheSeconds`. The tests change the policy between requests, so by
   * default views may not be behind it at all (1 ms): the copy and the decisions are still used,
   * but never reused by a later request. Given as undefined: the plugin's default.
   */
  viewCacheSeconds?: number;
  permissionCalls?: PermissionCalls;
  auditEvents?: RecordedAuditEvent[];
}): Promise<Server> {
  const { admin, entities, decide, permissionCalls, auditEvents } = options;
  const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
  const conditional = (r: EvaluatePermissionRequest): PolicyDecision => {
    const decider =
      r.permission.name === catalogEntityReadPermission.name
        ? options.catalogRead?.() ?? (() => AuthorizeResult.ALLOW)
        : decide();
    const decided = decider(r as any);
    return typeof decided === 'object'
      ? {
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'catalog',
          resourceType: 'catalog-entity',
          conditions: decided.conditions,
        }
      : ({ result: decided } as PolicyDecision);
  };
  const definitive = (
    r: EvaluatePermissionRequest & { resourceRef?: string },
  ): AuthorizeResult => {
    const decision = conditional(r);
    if (decision.result !== AuthorizeResult.CONDITIONAL) return decision.result;
    const entity = r.resourceRef ? byRef.get(r.resourceRef) : undefined;
    if (!entity) return AuthorizeResult.DENY;
    const allowed = applyCatalogDecision(decision, entity);
    if (allowed === undefined) {
      // The catalog would refuse to apply them: so does the test.
      throw new Error(`Cannot apply ${JSON.stringify(decision.conditions)}`);
    }
    return allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY;
  };
  const backend = await startTestBackend({
    features: [
      kubernetesJobsPlugin,
      mockServices.rootConfig.factory({
        data: {
          ...admin.config(),
          kubernetesJobs:
            'viewCacheSeconds' in options
              ? { viewCacheSeconds: options.viewCacheSeconds }
              : { viewCacheSeconds: 0.001 },
        },
      }),
      catalogServiceMock.factory({ entities }),
      mockServices.permissions.mock({
        authorize: async requests => {
          permissionCalls?.authorize.push(requests);
          return requests.map(r => ({ result: definitive(r as any) })) as any;
        },
        authorizeConditional: async requests => {
          permissionCalls?.authorizeConditional.push(requests);
          return requests.map(r => conditional(r)) as any;
        },
      }).factory,
      ...(auditEvents
        ? [
            mockServices.auditor.mock({
              createEvent: async ({ eventId, meta }) => {
                const event: RecordedAuditEvent = { eventId, meta };
                auditEvents.push(event);
                return {
                  success: async () => {
                    event.outcome = 'success';
                  },
                  fail: async ({ error }) => {
                    event.outcome = 'fail';
                    event.error = error.message;
                  },
                };
              },
            }).factory,
          ]
        : []),
    ],
  });
  return backend.server;
}
