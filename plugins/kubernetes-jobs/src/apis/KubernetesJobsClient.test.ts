import { ResponseError } from '@backstage/errors';
import { KubernetesJobsClient } from './KubernetesJobsClient';

const BASE = 'http://localhost:7007/api/kubernetes-jobs';

function setup(response: Response) {
  const fetch = jest.fn().mockResolvedValue(response);
  const discoveryApi = { getBaseUrl: jest.fn().mockResolvedValue(BASE) };
  const client = new KubernetesJobsClient({
    discoveryApi,
    fetchApi: { fetch },
  });
  return { client, fetch, discoveryApi };
}

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

describe('KubernetesJobsClient', () => {
  it('lists the definitions of an entity from the kubernetes-jobs backend', async () => {
    const { client, fetch, discoveryApi } = setup(
      json({ items: [], errors: [] }),
    );
    await expect(
      client.getDefinitions({ entityRef: 'component:default/shop' }),
    ).resolves.toEqual({ items: [], errors: [] });
    expect(discoveryApi.getBaseUrl).toHaveBeenCalledWith('kubernetes-jobs');
    expect(fetch).toHaveBeenCalledWith(
      `${BASE}/definitions?entityRef=component%3Adefault%2Fshop`,
      { method: 'GET' },
    );
  });

  it('lists every definition without an entityRef', async () => {
    const { client, fetch } = setup(json({ items: [], errors: [] }));
    await client.getDefinitions();
    expect(fetch.mock.calls[0][0]).toBe(`${BASE}/definitions`);
  });

  it('addresses a definition by cluster, namespace, lower-case kind and name', async () => {
    const { client, fetch } = setup(json({}));
    await client.getDefinition(
      {
        cluster: 'sandbox',
        namespace: 'shop',
        kind: 'CronJob',
        name: 'shop-nightly-export',
      },
      'component:default/shop',
    );
    expect(fetch.mock.calls[0][0]).toBe(
      `${BASE}/definitions/sandbox/shop/cronjob/shop-nightly-export?entityRef=component%3Adefault%2Fshop`,
    );
  });

  it('asks for older runs of a definition from a cursor', async () => {
    const { client, fetch } = setup(
      json({ items: [{ name: 'shop-nightly-export-1' }], nextCursor: '17' }),
    );
    await expect(
      client.getRunHistory(
        {
          cluster: 'sandbox',
          namespace: 'shop',
          kind: 'CronJob',
          name: 'shop-nightly-export',
        },
        'component:default/shop',
        { cursor: '42', limit: 50 },
      ),
    ).resolves.toEqual({
      items: [{ name: 'shop-nightly-export-1' }],
      nextCursor: '17',
    });
    expect(fetch).toHaveBeenCalledWith(
      `${BASE}/definitions/sandbox/shop/cronjob/shop-nightly-export/runs?entityRef=component%3Adefault%2Fshop&cursor=42&limit=50`,
      { method: 'GET' },
    );
  });

  it('posts a run with the entityRef as JSON', async () => {
    const { client, fetch } = setup(json({ name: 'shop-db-migrate-abc' }, 201));
    const run = await client.runDefinition(
      {
        cluster: 'sandbox',
        namespace: 'shop',
        kind: 'Job',
        name: 'shop-db-migrate',
      },
      'component:default/shop',
    );
    expect(run).toEqual({ name: 'shop-db-migrate-abc' });
    expect(fetch).toHaveBeenCalledWith(
      `${BASE}/definitions/sandbox/shop/job/shop-db-migrate/runs`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ entityRef: 'component:default/shop' }),
      },
    );
  });

  it('posts the values of the parameters with the run, and pauses a schedule', async () => {
    const { client, fetch } = setup(json({ name: 'x' }, 201));
    fetch.mockImplementation(async () => json({ name: 'x' }));
    const cronJob = {
      cluster: 'sandbox',
      namespace: 'shop',
      kind: 'CronJob' as const,
      name: 'shop-nightly-export',
    };
    await client.runDefinition(cronJob, 'component:default/shop', {
      EXPORT_DATE: '2026-11-30',
      DRY_RUN: true,
    });
    expect(JSON.parse(fetch.mock.calls[0][1].body)).toEqual({
      entityRef: 'component:default/shop',
      parameters: { EXPORT_DATE: '2026-11-30', DRY_RUN: true },
    });
    await client.setSchedule(cronJob, 'component:default/shop', true);
    expect(fetch.mock.calls[1][0]).toBe(
      `${BASE}/definitions/sandbox/shop/cronjob/shop-nightly-export/schedule`,
    );
    expect(JSON.parse(fetch.mock.calls[1][1].body)).toEqual({
      entityRef: 'component:default/shop',
      suspend: true,
    });
  });

  it('stops a run through the kill route', async () => {
    const { client, fetch } = setup(json({ state: 'Killed' }));
    await client.killRun(
      { cluster: 'sandbox', namespace: 'shop', name: 'shop-reindex-abc' },
      'component:default/shop',
    );
    expect(fetch.mock.calls[0][0]).toBe(
      `${BASE}/runs/sandbox/shop/shop-reindex-abc/kill`,
    );
    expect(fetch.mock.calls[0][1].method).toBe('POST');
  });

  it('reads pods and events, live or saved when the run ended, and asks for logs of one container', async () => {
    const { client, fetch } = setup(json({ items: [{ name: 'pod-1' }] }));
    const run = { cluster: 'sandbox', namespace: 'shop', name: 'r1' };
    // A live answer has no savedAt.
    await expect(
      client.getRunPods(run, 'component:default/shop'),
    ).resolves.toEqual({ items: [{ name: 'pod-1' }] });
    fetch.mockResolvedValueOnce(
      json({
        items: [{ reason: 'Started' }],
        savedAt: '2025-01-10T10:05:00Z',
      }),
    );
    await expect(
      client.getRunEvents(run, 'component:default/shop'),
    ).resolves.toEqual({
      items: [{ reason: 'Started' }],
      savedAt: '2025-01-10T10:05:00Z',
    });
    fetch.mockResolvedValueOnce(
      json({ pod: 'pod-1', container: 'main', text: 'hi' }),
    );
    await client.getRunLogs(run, 'component:default/shop', {
      pod: 'pod-1',
      container: 'main',
      tailLines: 100,
    });
    expect(fetch.mock.calls[1][0]).toBe(
      `${BASE}/runs/sandbox/shop/r1/events?entityRef=component%3Adefault%2Fshop`,
    );
    expect(fetch.mock.calls[2][0]).toBe(
      `${BASE}/runs/sandbox/shop/r1/logs?entityRef=component%3Adefault%2Fshop&pod=pod-1&container=main&tailLines=100`,
    );
  });

  it('reads a list answer without items as an empty list', async () => {
    const { client } = setup(json({}));
    await expect(
      client.getRunPods(
        { cluster: 'sandbox', namespace: 'shop', name: 'r1' },
        'component:default/shop',
      ),
    ).resolves.toEqual({ items: [] });
  });

  it('encodes path segments', async () => {
    const { client, fetch } = setup(json({}));
    await client.getRun(
      { cluster: 'a/b', namespace: 'shop', name: 'x?y' },
      'component:default/shop',
    );
    expect(fetch.mock.calls[0][0]).toContain('/runs/a%2Fb/shop/x%3Fy?');
  });

  describe('run requests', () => {
    const migrate = {
      cluster: 'sandbox',
      namespace: 'shop',
      kind: 'Job' as const,
      name: 'shop-db-migrate',
    };
    const entityRef = 'component:default/shop';

    it('asks for a run at a time, with parameters, through the requests route', async () => {
      const { client, fetch } = setup(json({ id: 'r1' }, 201));
      fetch.mockImplementation(async () => json({ id: 'r1' }, 201));
      await expect(
        client.requestRun(migrate, entityRef, {
          parameters: { DRY_RUN: true },
          at: '2026-12-07T02:00:00+01:00',
        }),
      ).resolves.toEqual({ id: 'r1' });
      expect(fetch).toHaveBeenCalledWith(
        `${BASE}/definitions/sandbox/shop/job/shop-db-migrate/requests`,
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            entityRef,
            parameters: { DRY_RUN: true },
            at: '2026-12-07T02:00:00+01:00',
          }),
        },
      );
      await client.requestRun(migrate, entityRef);
      expect(JSON.parse(fetch.mock.calls[1][1].body)).toEqual({ entityRef });
    });

    it('lists the requests of a definition, and those waiting for me', async () => {
      const { client, fetch } = setup(json({ items: [{ id: 'r1' }] }));
      fetch.mockImplementation(async () => json({ items: [{ id: 'r1' }] }));
      await expect(client.getRunRequests(migrate, entityRef)).resolves.toEqual({
        items: [{ id: 'r1' }],
      });
      expect(fetch.mock.calls[0][0]).toBe(
        `${BASE}/definitions/sandbox/shop/job/shop-db-migrate/requests?entityRef=component%3Adefault%2Fshop`,
      );
      await client.listRunRequests({ waitingForMe: true });
      expect(fetch.mock.calls[1][0]).toBe(`${BASE}/requests?waitingForMe=true`);
      await client.listRunRequests();
      expect(fetch.mock.calls[2][0]).toBe(`${BASE}/requests`);
    });

    it('reads a list of requests without items as an empty list', async () => {
      const { client } = setup(json({}));
      await expect(client.listRunRequests()).resolves.toEqual({ items: [] });
    });

    it('reads, approves, rejects and cancels one request by its encoded id', async () => {
      const { client, fetch } = setup(json({ id: 'r/1' }));
      fetch.mockImplementation(async () => json({ id: 'r/1' }));
      await client.getRunRequest('r/1', entityRef);
      expect(fetch.mock.calls[0][0]).toBe(
        `${BASE}/requests/r%2F1?entityRef=component%3Adefault%2Fshop`,
      );
      await client.approveRunRequest('r/1', entityRef, 'Looks right');
      await client.rejectRunRequest('r/1', entityRef);
      await client.cancelRunRequest('r/1', entityRef);
      expect(fetch.mock.calls.slice(1).map(c => [c[0], c[1].method])).toEqual([
        [`${BASE}/requests/r%2F1/approve`, 'POST'],
        [`${BASE}/requests/r%2F1/reject`, 'POST'],
        [`${BASE}/requests/r%2F1/cancel`, 'POST'],
      ]);
      expect(fetch.mock.calls.slice(1).map(c => JSON.parse(c[1].body))).toEqual(
        [{ entityRef, comment: 'Looks right' }, { entityRef }, { entityRef }],
      );
    });
  });

  it('turns an error response into a ResponseError carrying the backend message', async () => {
    const { client } = setup(
      json(
        {
          error: {
            name: 'ConflictError',
            message:
              'shop-db-migrate already has an active run: shop-db-migrate-abc',
          },
          response: { statusCode: 409 },
        },
        409,
      ),
    );
    const error = await client
      .runDefinition(
        {
          cluster: 'sandbox',
          namespace: 'shop',
          kind: 'Job',
          name: 'shop-db-migrate',
        },
        'component:default/shop',
      )
      .catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(409);
    expect(error.cause.message).toBe(
      'shop-db-migrate already has an active run: shop-db-migrate-abc',
    );
  });
});
