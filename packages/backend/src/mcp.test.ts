import { mockCredentials } from '@backstage/backend-test-utils';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import {
  SandboxCluster,
  startSandboxCluster,
} from '@job-assistant/sandbox-cluster';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AddressInfo } from 'net';
import {
  sandboxAdmin,
  startSampleBackend,
} from './__testUtils__/sampleBackend';

/**
 * The sample backend's MCP server end to end: an MCP client (the official SDK, over Streamable
 * HTTP) lists the kubernetes-jobs actions as tools and calls them as a user, through the real
 * actions registry, actions service, permission backend with the sample policy, catalog (the
 * demo's entities) and the sandbox cluster. What an AI assistant connected to
 * /api/mcp-actions/v1 gets.
 */
jest.setTimeout(60000);

let sandbox: SandboxCluster;
let backend: Awaited<ReturnType<typeof startSampleBackend>>;
let baseUrl: string;
let admin: ReturnType<typeof sandboxAdmin>;

beforeAll(async () => {
  sandbox = await startSandboxCluster({ timeScale: 0.05 });
  admin = sandboxAdmin(sandbox);
  await admin('POST', '/api/v1/namespaces', { metadata: { name: 'shop' } });
  await admin('POST', '/apis/batch/v1/namespaces/shop/jobs', {
    metadata: {
      name: 'shop-reindex',
      labels: { 'backstage.io/kubernetes-id': 'shop' },
      annotations: { 'job-assistant': 'enable' },
    },
    spec: {
      suspend: true,
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'main',
              image: 'busybox',
              command: ['sh', '-c', 'sleep 600'],
            },
          ],
        },
      },
    },
  });

  await admin('POST', '/apis/batch/v1/namespaces/shop/jobs', {
    metadata: {
      name: 'shop-migrate',
      labels: { 'backstage.io/kubernetes-id': 'shop' },
      annotations: {
        'job-assistant': 'enable',
        'job-assistant/approval': 'required',
      },
    },
    spec: {
      suspend: true,
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'main',
              image: 'busybox',
              command: ['sh', '-c', 'sleep 600'],
            },
          ],
        },
      },
    },
  });

  backend = await startSampleBackend({
    sandbox,
    features: [mcpActionsPlugin],
  });
  baseUrl = `http://127.0.0.1:${
    (backend.server.address() as AddressInfo).port
  }`;
}, 90000);

afterAll(async () => {
  await backend?.stop();
  await sandbox?.close();
});

/** An MCP client signed in as `user`, as an assistant is with the user's token. */
async function connect(user: string): Promise<Client> {
  const client = new Client({ name: 'mcp-test', version: '0.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(
      new URL(`${baseUrl}/api/mcp-actions/v1`),
      {
        requestInit: {
          headers: { authorization: mockCredentials.user.header(user) },
        },
      },
    ),
  );
  return client;
}

const reindex = {
  entityRef: 'component:default/shop',
  cluster: 'sandbox',
  namespace: 'shop',
  kind: 'Job',
  name: 'shop-reindex',
};

it('offers the twelve kubernetes-jobs tools, with hints saying what each changes', async () => {
  const client = await connect('user:default/guest');
  const { tools } = await client.listTools();
  await client.close();
  expect(
    Object.fromEntries(
      tools.map(t => [
        t.name,
        [
          t.annotations?.readOnlyHint,
          t.annotations?.destructiveHint,
          t.annotations?.idempotentHint,
        ],
      ]),
    ),
  ).toEqual({
    // [readOnly, destructive, idempotent]
    'kubernetes-jobs.list-definitions': [true, false, true],
    'kubernetes-jobs.get-definition': [true, false, true],
    'kubernetes-jobs.get-run': [true, false, true],
    'kubernetes-jobs.get-run-logs': [true, false, true],
    'kubernetes-jobs.run-definition': [false, false, false],
    'kubernetes-jobs.kill-run': [false, true, true],
    'kubernetes-jobs.set-schedule': [false, false, true],
    'kubernetes-jobs.request-run': [false, false, false],
    'kubernetes-jobs.list-run-requests': [true, false, true],
    'kubernetes-jobs.approve-run-request': [false, false, false],
    'kubernetes-jobs.reject-run-request': [false, false, false],
    'kubernetes-jobs.cancel-run-request': [false, false, false],
  });
  const run = tools.find(t => t.name === 'kubernetes-jobs.run-definition');
  expect(run?.inputSchema.required).toEqual(
    expect.arrayContaining(['entityRef', 'cluster', 'namespace', 'kind']),
  );
});

it('an assistant acting for a user approves only as that user: never their own request, an SRE’s it may', async () => {
  const migrate = { ...reindex, name: 'shop-migrate' };
  const guest = await connect('user:default/guest');
  const asked = await guest.callTool({
    name: 'kubernetes-jobs.request-run',
    arguments: migrate,
  });
  expect(asked.isError).toBeFalsy();
  const request = asked.structuredContent as any;
  expect(request).toMatchObject({
    state: 'WaitingForApproval',
    requestedBy: 'user:default/guest',
  });
  const own = await guest.callTool({
    name: 'kubernetes-jobs.approve-run-request',
    arguments: { entityRef: migrate.entityRef, id: request.id },
  });
  await guest.close();
  expect(own.isError).toBe(true);
  expect(own.content).toEqual([
    {
      type: 'text',
      text: 'NotAllowedError: Nobody approves their own request: someone else must approve it',
    },
  ]);

  const sre = await connect('user:default/sam');
  const waiting = await sre.callTool({
    name: 'kubernetes-jobs.list-run-requests',
    arguments: { waitingForMe: true },
  });
  expect(
    (waiting.structuredContent as any).items.map((r: any) => r.id),
  ).toEqual([request.id]);
  const approved = await sre.callTool({
    name: 'kubernetes-jobs.approve-run-request',
    arguments: {
      entityRef: migrate.entityRef,
      id: request.id,
      comment: 'looks right',
    },
  });
  await sre.close();
  expect(approved.isError).toBeFalsy();
  expect(approved.structuredContent).toMatchObject({
    state: 'Started',
    run: { name: expect.stringMatching(/^shop-migrate-/) },
  });
});

it("lists the guest's definitions", async () => {
  const client = await connect('user:default/guest');
  const result = await client.callTool({
    name: 'kubernetes-jobs.list-definitions',
    arguments: { entityRef: 'component:default/shop' },
  });
  await client.close();
  expect(result.isError).toBeFalsy();
  const output = result.structuredContent as any;
  expect(output.errors).toEqual([]);
  expect(output.items.map((i: any) => i.definition.name)).toEqual([
    'shop-migrate',
    'shop-reindex',
  ]);
});

it('runs as the owner; a non-owner may not stop the run, by the sample policy', async () => {
  const owner = await connect('user:default/guest');
  const started = await owner.callTool({
    name: 'kubernetes-jobs.run-definition',
    arguments: reindex,
  });
  await owner.close();
  expect(started.isError).toBeFalsy();
  const run = started.structuredContent as any;
  expect(run.triggeredBy).toBe('user:default/guest');
  const job = await admin(
    'GET',
    `/apis/batch/v1/namespaces/shop/jobs/${run.name}`,
  );
  expect(job.metadata.annotations['job-assistant/triggered-by']).toBe(
    'user:default/guest',
  );

  const since = sandbox.requests.length;
  const other = await connect('user:default/marco');
  const refused = await other.callTool({
    name: 'kubernetes-jobs.kill-run',
    arguments: {
      entityRef: 'component:default/shop',
      cluster: 'sandbox',
      namespace: 'shop',
      name: run.name,
    },
  });
  await other.close();
  expect(refused.isError).toBe(true);
  expect(refused.content).toEqual([
    {
      type: 'text',
      text: 'NotAllowedError: You are not allowed to stop the Jobs of component:default/shop',
    },
  ]);
  expect(sandbox.requests.slice(since).filter(r => r.method !== 'GET')).toEqual(
    [],
  );
});

it('refuses a client whose token is not valid', async () => {
  const res = await fetch(`${baseUrl}/api/mcp-actions/v1`, {
    method: 'POST',
    headers: {
      authorization: mockCredentials.user.invalidHeader(),
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
  expect(res.status).toBe(401);
});
