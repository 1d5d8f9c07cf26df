import {
  AuditorService,
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  ENTITY_ANNOTATIONS,
  kubernetesJobsApprovePermission,
  kubernetesJobsKillPermission,
  kubernetesJobsReadPermission,
  kubernetesJobsRunPermission,
  kubernetesJobsSchedulePermission,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { Request } from 'express';
import {
  EntitySelector,
  KUBERNETES_ENTITIES_FILTER,
  entitySelectorOf,
} from '../service/entitySelector';
import { EntityCopy, KubernetesEntities } from '../service/KubernetesEntities';
import { catalogDecisionTest } from './catalogDecision';
import { Decisions, ViewDecisions } from './viewDecisions';

/**
 * Who asks for a change, and how to audit it: through the REST API (the auditor reads the actor
 * from the request) or through the actions registry (an MCP client, a template), where there is
 * no request to read it from.
 */
export type Caller =
  | { credentials: BackstageCredentials; request: Request }
  | { credentials: BackstageCredentials; actionId: string };

const VERBS: Record<string, string> = {
  [kubernetesJobsReadPermission.name]: 'see',
  [kubernetesJobsRunPermission.name]: 'run',
  [kubernetesJobsKillPermission.name]: 'stop',
  [kubernetesJobsSchedulePermission.name]: 'pause or resume',
  [kubernetesJobsApprovePermission.name]: 'approve runs of',
};

/**
 * What every operation does before and around its service call, in one place: resolve the
 * entity (404), authorize the caller on it (403), and audit a change whether it succeeds or
 * fails.
 *
 * The caller's right to read the entity in the catalog and the permission asked are decided in
 * one call to the policy and applied here with the catalog's own rules, to the entity as the
 * plugin reads it: from the plugin's copy of the catalog (`entities`) for a view, fresh from the
 * catalog for a change. Whatever cannot be decided that way (an entity the plugin does not find,
 * a condition the catalog's rules cannot apply in memory) goes through the catalog with the
 * caller's credentials, and through the permission backend for that entity.
 */
export class EntityGuard {
  constructor(
    private readonly options: {
      permissions: PermissionsService;
      auditor: AuditorService;
      catalog: CatalogService;
      /** To read entities as the plugin; without it, every check goes through the catalog. */
      auth?: AuthService;
      entities?: KubernetesEntities;
      /** The callers' decisions for views, kept a while; without it, each view asks. */
      views?: ViewDecisions;
    },
  ) {}

  /** Resolves the entity and authorizes the caller on it; returns its selector. */
  async authorizeOnEntity(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entityRef: string,
  ): Promise<EntitySelector> {
    const decided = await this.decidedHere(credentials, permission, entityRef);
    if (decided) return decided;
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(`Entity ${entityRef} not found in the catalog`);
    }
    if (!(await this.allowed(credentials, permission, [entityRef]))[0]) {
      throw new NotAllowedError(refusal(permission, entityRef));
    }
    const selector = entitySelectorOf(entity);
    if (!selector) {
      throw new InputError(
        `Entity ${entityRef} has no Kubernetes annotation: add ${ENTITY_ANNOTATIONS.kubernetesId} or ${ENTITY_ANNOTATIONS.labelSelector} to its catalog-info.yaml`,
      );
    }
    return selector;
  }

  /**
   * {@link EntityGuard.authorizeOnEntity} decided here: the selector, or the 404 or 403 the
   * catalog and the permission backend would answer; `undefined` when it cannot be decided here.
   */
  private async decidedHere(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entityRef: string,
  ): Promise<EntitySelector | undefined> {
    let ref: string;
    try {
      ref = stringifyEntityRef(parseEntityRef(entityRef));
    } catch {
      return undefined; // the catalog names what is wrong with it
    }
    const reading = this.entityAsPlugin(permission, ref);
    if (!reading) return undefined;
    const [entity, { catalogRead, decision }] = await Promise.all([
      reading,
      this.decisions(credentials, permission),
    ]);
    if (!entity) return undefined;
    const seen = catalogDecisionTest(catalogRead)?.(entity);
    if (seen === false) {
      throw new NotFoundError(`Entity ${entityRef} not found in the catalog`);
    }
    const allowed = catalogDecisionTest(decision)?.(entity);
    if (seen === undefined || allowed === undefined) return undefined;
    if (!allowed) throw new NotAllowedError(refusal(permission, entityRef));
    return entitySelectorOf(entity);
  }

  /**
   * The entity as the plugin reads it: from the copy for a view, fresh for a change;
   * `undefined` when the plugin cannot read entities itself.
   */
  private entityAsPlugin(
    permission: ResourcePermission<'catalog-entity'>,
    ref: string,
  ): Promise<Entity | undefined> | undefined {
    const { catalog, auth, entities } = this.options;
    if (permission === kubernetesJobsReadPermission && entities) {
      return entities.current().then(copy => copy.byRef.get(ref));
    }
    if (!auth) return undefined;
    return auth
      .getOwnServiceCredentials()
      .then(own => catalog.getEntityByRef(ref, { credentials: own }));
  }

  /**
   * The entities that name Kubernetes objects and that the caller may read in the catalog, with
   * the caller's decision on reading Jobs: from the copy when the caller's catalog decision can
   * be applied to it here, otherwise read from the catalog with the caller's credentials.
   */
  async kubernetesEntities(
    credentials: BackstageCredentials,
  ): Promise<{ entities: readonly Entity[]; jobsRead: PolicyDecision }> {
    const { catalog, entities: copyOf } = this.options;
    const fromCatalog = () =>
      catalog
        .getEntities({ filter: KUBERNETES_ENTITIES_FILTER }, { credentials })
        .then(r => r.items);
    if (!copyOf) {
      const [entities, [jobsRead]] = await Promise.all([
        fromCatalog(),
        this.options.permissions.authorizeConditional(
          [{ permission: kubernetesJobsReadPermission }],
          { credentials },
        ),
      ]);
      return { entities, jobsRead };
    }
    const [copy, { catalogRead, decision: jobsRead }] = await Promise.all([
      copyOf.current(),
      this.decisions(credentials, kubernetesJobsReadPermission),
    ]);
    let byDecision = this.readableInCopy.get(copy);
    if (!byDecision) {
      byDecision = new WeakMap();
      this.readableInCopy.set(copy, byDecision);
    }
    const known = byDecision.get(catalogRead);
    if (known) return { entities: known, jobsRead };
    const test = catalogDecisionTest(catalogRead);
    const seen = test && copy.entities.map(test);
    if (!seen || seen.includes(undefined)) {
      return { entities: await fromCatalog(), jobsRead };
    }
    const entities = copy.entities.filter((_e, i) => seen[i]);
    byDecision.set(catalogRead, entities);
    return { entities, jobsRead };
  }

  /**
   * The entities of a copy that a catalog decision lets through, by copy and decision: while a
   * caller's decisions are reused and the copy is the same, the same array, worked out once.
   */
  private readonly readableInCopy = new WeakMap<
    EntityCopy,
    WeakMap<PolicyDecision, readonly Entity[]>
  >();

  /**
   * The caller's decisions on reading entities in the catalog and on `permission`: one call to
   * the policy, or for a view the caller's decisions of the last few seconds.
   */
  private decisions(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
  ): Promise<Decisions> {
    const ask = async () => {
      const [catalogRead, decision] =
        await this.options.permissions.authorizeConditional(
          [{ permission: catalogEntityReadPermission }, { permission }],
          { credentials },
        );
      return { catalogRead, decision };
    };
    const { views } = this.options;
    return permission === kubernetesJobsReadPermission && views
      ? views.get(credentials, ask)
      : ask();
  }

  /** Whether the caller holds `permission` on each entity, in one call to the policy. */
  async allowed(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entityRefs: string[],
  ): Promise<boolean[]> {
    if (!entityRefs.length) return [];
    const decisions = await this.options.permissions.authorize(
      entityRefs.map(resourceRef => ({ permission, resourceRef })),
      { credentials },
    );
    return decisions.map(d => d.result === AuthorizeResult.ALLOW);
  }

  /** Audits a change around `fn`, failures (including refusals) too. */
  async audited<T>(
    caller: Caller,
    eventId: string,
    meta: Record<string, string>,
    fn: () => Promise<T>,
    resultMeta: (result: T) => Record<string, string>,
  ): Promise<T> {
    const event = await this.options.auditor.createEvent(
      'request' in caller
        ? { eventId, severityLevel: 'medium', request: caller.request, meta }
        : {
            eventId,
            severityLevel: 'medium',
            // Without a request the auditor names this plugin as the actor: say who asked.
            meta: {
              ...meta,
              actionId: caller.actionId,
              onBehalfOf: actorOf(caller.credentials),
            },
          },
    );
    try {
      const result = await fn();
      await event.success({ meta: resultMeta(result) });
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }
}

function refusal(
  permission: ResourcePermission<'catalog-entity'>,
  entityRef: string,
): string {
  return `You are not allowed to ${
    VERBS[permission.name]
  } the Jobs of ${entityRef}`;
}

/** Who did it, as recorded on the run: the user's entity ref, or the calling service. */
export function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as
    | { type: 'user'; userEntityRef: string }
    | { type: 'service'; subject: string }
    | { type: 'none' };
  switch (principal.type) {
    case 'user':
      return principal.userEntityRef;
    case 'service':
      return principal.subject;
    default:
      return 'unknown';
  }
}
