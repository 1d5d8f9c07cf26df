import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ENTITY_ANNOTATIONS,
  kubernetesJobsKillPermission,
  kubernetesJobsReadPermission,
  kubernetesJobsRunPermission,
  kubernetesJobsSchedulePermission,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { ClusterAccess } from '../service/ClusterAccess';
import { DefinitionReader } from '../service/DefinitionReader';
import { EntitySelector, entitySelectorOf } from '../service/entitySelector';
import { RunActions } from '../service/RunActions';
import { RunDetails } from '../service/RunDetails';
import {
  definitionParams,
  entityBody,
  entityQuery,
  historyQuery,
  logsQuery,
  optionalEntityQuery,
  parse,
  runBody,
  runParams,
  scheduleBody,
} from './validation';

/** Errors that describe a cluster's state rather than a fault of the backend. */
const CLUSTER_ERRORS: Record<string, number> = {
  ServiceUnavailableError: 503,
  ClusterTimeoutError: 504,
  // Not the cluster's, but not the backend's either: a definition its author must fix.
  ParametersAnnotationError: 422,
};

/** Dependencies of {@link createRouter}. */
export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  catalog: CatalogService;
  /** Only to refuse unknown clusters (404) before anything else. */
  clusters: Pick<ClusterAccess, 'assertKnown'>;
  reader: DefinitionReader;
  actions: RunActions;
  details: RunDetails;
}

const VERBS: Record<string, string> = {
  [kubernetesJobsReadPermission.name]: 'see',
  [kubernetesJobsRunPermission.name]: 'run',
  [kubernetesJobsKillPermission.name]: 'stop',
  [kubernetesJobsSchedulePermission.name]: 'pause or resume',
};

/**
 * The plugin's HTTP API. Each route parses its input (400), checks the cluster is configured
 * (404), resolves the entity through the catalog with the caller's credentials (404) and
 * authorizes the caller on it (403) before the service touches a cluster. Runs and kills are
 * audited whether they succeed or fail.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, auditor, catalog, clusters } = options;
  const { reader, actions, details } = options;
  const router = Router();
  router.use(express.json({ limit: '16kb' }));

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  /** Resolves the entity and authorizes the caller on it; returns its selector. */
  async function authorizeOnEntity(
    req: Request,
    permission: ResourcePermission<'catalog-entity'>,
    entityRef: string,
  ): Promise<{ credentials: BackstageCredentials; selector: EntitySelector }> {
    const credentials = await httpAuth.credentials(req);
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) {
      throw new NotFoundError(`Entity ${entityRef} not found in the catalog`);
    }
    const [decision] = await permissions.authorize(
      [{ permission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You are not allowed to ${
          VERBS[permission.name]
        } the Jobs of ${entityRef}`,
      );
    }
    const selector = entitySelectorOf(entity);
    if (!selector) {
      throw new InputError(
        `Entity ${entityRef} has no Kubernetes annotation: add ${ENTITY_ANNOTATIONS.kubernetesId} or ${ENTITY_ANNOTATIONS.labelSelector} to its catalog-info.yaml`,
      );
    }
    return { credentials, selector };
  }

  /** For read routes: the cluster must be configured and the caller may read the entity's Jobs. */
  async function readableSelector(
    req: Request,
    cluster: string,
    entityRef: string,
  ): Promise<EntitySelector> {
    clusters.assertKnown(cluster);
    const { selector } = await authorizeOnEntity(
      req,
      kubernetesJobsReadPermission,
      entityRef,
    );
    return selector;
  }

  /** Audits a mutating request around `fn`, failures (including refusals) too. */
  async function audited<T>(
    req: Request,
    eventId: string,
    meta: Record<string, string>,
    fn: () => Promise<T>,
    resultMeta: (result: T) => Record<string, string>,
  ): Promise<T> {
    const event = await auditor.createEvent({
      eventId,
      severityLevel: 'medium',
      request: req,
      meta,
    });
    try {
      const result = await fn();
      await event.success({ meta: resultMeta(result) });
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  router.get('/definitions', async (req, res) => {
    const { entityRef } = parse(optionalEntityQuery, req.query, 'query');
    if (entityRef) {
      const { selector } = await authorizeOnEntity(
        req,
        kubernetesJobsReadPermission,
        entityRef,
      );
      res.json(await reader.listForEntity(selector));
      return;
    }
    // Every entity the caller may read, then only those whose Jobs the caller may see.
    const credentials = await httpAuth.credentials(req);
    const { items: entities } = await catalog.getEntities(
      {
        filter: [
          {
            [`metadata.annotations.${ENTITY_ANNOTATIONS.kubernetesId}`]:
              CATALOG_FILTER_EXISTS,
          },
          {
            [`metadata.annotations.${ENTITY_ANNOTATIONS.labelSelector}`]:
              CATALOG_FILTER_EXISTS,
          },
        ],
      },
      { credentials },
    );
    const selectors = entities.flatMap(entity => {
      try {
        const selector = entitySelectorOf(entity);
        return selector ? [selector] : [];
      } catch {
        return []; // an entity with a broken selector hides only its own Jobs
      }
    });
    const decisions = selectors.length
      ? await permissions.authorize(
          selectors.map(s => ({
            permission: kubernetesJobsReadPermission,
            resourceRef: s.entityRef,
          })),
          { credentials },
        )
      : [];
    const readable = selectors.filter(
      (_s, i) => decisions[i].result === AuthorizeResult.ALLOW,
    );
    // Definitions no entity claims have no owner to check against: shown only when the policy
    // allows reading outright, without conditions.
    const [unlinked] = await permissions.authorizeConditional(
      [{ permission: kubernetesJobsReadPermission }],
      { credentials },
    );
    const result = await reader.listAll(selectors, {
      includeUnlinked: unlinked.result === AuthorizeResult.ALLOW,
    });
    const readableRefs = new Set(readable.map(s => s.entityRef));
    res.json({
      items: result.items.filter(item =>
        item.definition.entityRef
          ? readableRefs.has(item.definition.entityRef)
          : true,
      ),
      errors: result.errors,
      clusters: result.clusters,
    });
  });

  router.get(
    '/definitions/:cluster/:namespace/:kind/:name',
    async (req, res) => {
      const location = parse(definitionParams, req.params, 'definition');
      const { entityRef } = parse(entityQuery, req.query, 'query');
      const selector = await readableSelector(req, location.cluster, entityRef);
      res.json(await reader.getDefinition(selector, location));
    },
  );

  router.get(
    '/definitions/:cluster/:namespace/:kind/:name/runs',
    async (req, res) => {
      const location = parse(definitionParams, req.params, 'definition');
      const { entityRef, ...page } = parse(historyQuery, req.query, 'query');
      const selector = await readableSelector(req, location.cluster, entityRef);
      res.json(await reader.history(selector, location, page));
    },
  );

  router.post(
    '/definitions/:cluster/:namespace/:kind/:name/runs',
    async (req, res) => {
      const location = parse(definitionParams, req.params, 'definition');
      const { entityRef, parameters } = parse(runBody, req.body, 'body');
      const run = await audited(
        req,
        'job-run',
        {
          action: 'run',
          entityRef,
          ...location,
          ...(parameters ? { parameters: JSON.stringify(parameters) } : {}),
        },
        async () => {
          clusters.assertKnown(location.cluster);
          const { credentials, selector } = await authorizeOnEntity(
            req,
            kubernetesJobsRunPermission,
            entityRef,
          );
          return actions.run(selector, location, {
            triggeredBy: actorOf(credentials),
            parameters,
          });
        },
        r => ({ run: r.name }),
      );
      res.status(201).json(run);
    },
  );

  router.post(
    '/definitions/:cluster/:namespace/:kind/:name/schedule',
    async (req, res) => {
      const location = parse(definitionParams, req.params, 'definition');
      const { entityRef, suspend } = parse(scheduleBody, req.body, 'body');
      const definition = await audited(
        req,
        'job-schedule',
        {
          action: suspend ? 'suspend-schedule' : 'resume-schedule',
          entityRef,
          ...location,
        },
        async () => {
          clusters.assertKnown(location.cluster);
          const { credentials, selector } = await authorizeOnEntity(
            req,
            kubernetesJobsSchedulePermission,
            entityRef,
          );
          return actions.setSchedule(selector, location, {
            suspend,
            by: actorOf(credentials),
          });
        },
        d => ({ suspended: String(d.suspended) }),
      );
      res.json(definition);
    },
  );

  router.get('/runs/:cluster/:namespace/:name', async (req, res) => {
    const location = parse(runParams, req.params, 'run');
    const { entityRef } = parse(entityQuery, req.query, 'query');
    const selector = await readableSelector(req, location.cluster, entityRef);
    res.json(await reader.getRun(selector, location));
  });

  router.post('/runs/:cluster/:namespace/:name/kill', async (req, res) => {
    const location = parse(runParams, req.params, 'run');
    const { entityRef } = parse(entityBody, req.body, 'body');
    const run = await audited(
      req,
      'job-kill',
      { action: 'kill', entityRef, ...location },
      async () => {
        clusters.assertKnown(location.cluster);
        const { credentials, selector } = await authorizeOnEntity(
          req,
          kubernetesJobsKillPermission,
          entityRef,
        );
        return actions.kill(selector, location, {
          killedBy: actorOf(credentials),
        });
      },
      r => ({ run: r.name, state: r.state }),
    );
    res.json(run);
  });

  router.get('/runs/:cluster/:namespace/:name/events', async (req, res) => {
    const location = parse(runParams, req.params, 'run');
    const { entityRef } = parse(entityQuery, req.query, 'query');
    const selector = await readableSelector(req, location.cluster, entityRef);
    res.json(await details.events(selector, location));
  });

  router.get('/runs/:cluster/:namespace/:name/pods', async (req, res) => {
    const location = parse(runParams, req.params, 'run');
    const { entityRef } = parse(entityQuery, req.query, 'query');
    const selector = await readableSelector(req, location.cluster, entityRef);
    res.json(await details.pods(selector, location));
  });

  router.get('/runs/:cluster/:namespace/:name/logs', async (req, res) => {
    const location = parse(runParams, req.params, 'run');
    const { entityRef, ...logOptions } = parse(logsQuery, req.query, 'query');
    const selector = await readableSelector(req, location.cluster, entityRef);
    res.json(await details.logs(selector, location, logOptions));
  });

  // A cluster that is down or slow is news once (the watch logs its state changes), not once
  // per request with a stack trace: answered here, in Backstage's error format, unlogged.
  router.use(
    (
      error: Error,
      req: Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      const statusCode = CLUSTER_ERRORS[error.name];
      if (!statusCode) {
        next(error);
        return;
      }
      res.status(statusCode).json({
        error: { name: error.name, message: error.message },
        request: { method: req.method, url: req.originalUrl },
        response: { statusCode },
      });
    },
  );

  return router;
}

/** Who did it, as recorded on the run: the user's entity ref, or the calling service. */
function actorOf(credentials: BackstageCredentials): string {
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
