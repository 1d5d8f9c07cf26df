import {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { RunLocation } from '@job-assistant/plugin-kubernetes-jobs-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { isStateOfTheWorld, statusCodeOf } from '../errors';
import { AuthorizedOperations, Caller } from './AuthorizedOperations';
import {
  decisionBody,
  definitionParams,
  entityBody,
  entityQuery,
  historyQuery,
  logsQuery,
  definitionListQuery,
  parse,
  pendingQuery,
  requestBody,
  requestParams,
  runBody,
  runParams,
  scheduleBody,
} from './validation';

/** Dependencies of {@link createRouter}. */
export interface RouterOptions {
  httpAuth: HttpAuthService;
  /** Authorization, audit and the services: shared with the registered actions. */
  operations: AuthorizedOperations;
}

/**
 * The plugin's HTTP API. Each route parses its input (400) and hands it, with the caller's
 * credentials, to {@link AuthorizedOperations}, which checks the cluster is configured (404),
 * resolves the entity through the catalog (404) and authorizes the caller on it (403) before a
 * service touches a cluster, and audits runs and kills whether they succeed or fail.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, operations } = options;
  const router = Router();
  router.use(express.json({ limit: '16kb' }));

  const credentials = (req: Request) => httpAuth.credentials(req);
  const caller = async (req: Request): Promise<Caller> => ({
    credentials: await httpAuth.credentials(req),
    request: req,
  });

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/definitions', async (req, res) => {
    const { entityRef, q, ...paging } = parse(
      definitionListQuery,
      req.query,
      'query',
    );
    const paged = q !== undefined || Object.values(paging).some(Boolean);
    const { etag, body } = await operations.listDefinitionsTagged(
      await credentials(req),
      entityRef,
      paged ? { ...paging, search: q, limit: paging.limit ?? 50 } : undefined,
      req.get('if-none-match'),
    );
    res.set('ETag', etag);
    if (body === undefined) {
      res.status(304).end(); // the caller has this answer
      return;
    }
    res.type('application/json').send(body);
  });

  router.get(
    '/definitions/:cluster/:namespace/:kind/:name',
    async (req, res) => {
      const location = parse(definitionParams, req.params, 'definition');
      const { entityRef } = parse(entityQuery, req.query, 'query');
      res.json(
        await operations.getDefinition(
          await credentials(req),
          location,
          entityRef,
        ),
      );
    },
  );

  router.get(
    '/definitions/:cluster/:namespace/:kind/:name/runs',
    async (req, res) => {
      const location = parse(definitionParams, req.params, 'definition');
      const { entityRef, ...page } = parse(historyQuery, req.query, 'query');
      res.json(
        await operations.history(
          await credentials(req),
          location,
          entityRef,
          page,
        ),
      );
    },
  );

  router.post(
    '/definitions/:cluster/:namespace/:kind/:name/runs',
    async (req, res) => {
      const location = parse(definitionParams, req.params, 'definition');
      const body = parse(runBody, req.body, 'body');
      const run = await operations.run(await caller(req), location, body);
      res.status(201).json(run);
    },
  );

  router.post(
    '/definitions/:cluster/:namespace/:kind/:name/schedule',
    async (req, res) => {
      const location = parse(definitionParams, req.params, 'definition');
      const body = parse(scheduleBody, req.body, 'body');
      res.json(await operations.setSchedule(await caller(req), location, body));
    },
  );

  // What a run shows: the run, its events, its pods. Each reads as the caller, on the entity.
  const runReads: Record<
    string,
    (c: BackstageCredentials, l: RunLocation, e: string) => Promise<unknown>
  > = {
    '': (c, l, e) => operations.getRun(c, l, e),
    '/events': (c, l, e) => operations.events(c, l, e),
    '/pods': (c, l, e) => operations.pods(c, l, e),
  };
  for (const [suffix, read] of Object.entries(runReads)) {
    router.get(`/runs/:cluster/:namespace/:name${suffix}`, async (req, res) => {
      const location = parse(runParams, req.params, 'run');
      const { entityRef } = parse(entityQuery, req.query, 'query');
      res.json(await read(await credentials(req), location, entityRef));
    });
  }

  // Run requests: a run later, or after approval. See RequestOperations for who may do what.
  router.post(
    '/definitions/:cluster/:namespace/:kind/:name/requests',
    async (req, res) => {
      const location = parse(definitionParams, req.params, 'definition');
      const body = parse(requestBody, req.body, 'body');
      const created = await operations.requests.request(
        await caller(req),
        location,
        body,
      );
      res.status(201).json(created);
    },
  );

  router.get(
    '/definitions/:cluster/:namespace/:kind/:name/requests',
    async (req, res) => {
      const location = parse(definitionParams, req.params, 'definition');
      const { entityRef } = parse(entityQuery, req.query, 'query');
      res.json(
        await operations.requests.listForDefinition(
          await credentials(req),
          location,
          entityRef,
        ),
      );
    },
  );

  router.get('/requests', async (req, res) => {
    const query = parse(pendingQuery, req.query, 'query');
    res.json(
      await operations.requests.listPending(await credentials(req), query),
    );
  });

  router.get('/requests/:id', async (req, res) => {
    const { id } = parse(requestParams, req.params, 'request');
    const { entityRef } = parse(entityQuery, req.query, 'query');
    res.json(
      await operations.requests.get(await credentials(req), id, entityRef),
    );
  });

  router.post('/requests/:id/approve', async (req, res) => {
    const { id } = parse(requestParams, req.params, 'request');
    const body = parse(decisionBody, req.body, 'body');
    res.json(await operations.requests.approve(await caller(req), id, body));
  });

  router.post('/requests/:id/reject', async (req, res) => {
    const { id } = parse(requestParams, req.params, 'request');
    const body = parse(decisionBody, req.body, 'body');
    res.json(await operations.requests.reject(await caller(req), id, body));
  });

  router.post('/requests/:id/cancel', async (req, res) => {
    const { id } = parse(requestParams, req.params, 'request');
    const body = parse(entityBody, req.body, 'body');
    res.json(await operations.requests.cancel(await caller(req), id, body));
  });

  router.post('/runs/:cluster/:namespace/:name/kill', async (req, res) => {
    const location = parse(runParams, req.params, 'run');
    const { entityRef } = parse(entityBody, req.body, 'body');
    res.json(await operations.kill(await caller(req), location, entityRef));
  });

  router.get('/runs/:cluster/:namespace/:name/logs', async (req, res) => {
    const location = parse(runParams, req.params, 'run');
    const { entityRef, ...logOptions } = parse(logsQuery, req.query, 'query');
    res.json(
      await operations.logs(
        await credentials(req),
        location,
        entityRef,
        logOptions,
      ),
    );
  });

  // A cluster that is down or slow is news once (the watch logs its state changes), not once
  // per request with a stack trace: answered here, as Backstage's error handler would answer
  // it, unlogged. Everything else goes on to that handler, which reads the same status.
  router.use(
    (
      error: Error,
      req: Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      if (!isStateOfTheWorld(error)) {
        next(error);
        return;
      }
      const statusCode = statusCodeOf(error);
      res.status(statusCode).json({
        error: { name: error.name, message: error.message },
        request: { method: req.method, url: req.originalUrl },
        response: { statusCode },
      });
    },
  );

  return router;
}
