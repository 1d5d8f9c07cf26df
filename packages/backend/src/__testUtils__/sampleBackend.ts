import {
  actionsRegistryServiceFactory,
  actionsServiceFactory,
} from '@backstage/backend-defaults/alpha';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import kubernetesJobsPlugin from '@job-assistant/plugin-kubernetes-jobs-backend';
import kubernetesJobsPolicyModule from '@job-assistant/plugin-permission-backend-module-kubernetes-jobs-policy';
import {
  SANDBOX_ADMIN_TOKEN,
  SandboxCluster,
} from '@job-assistant/sandbox-cluster';
import path from 'path';
import request from 'supertest';
import { authWithActors, httpAuthWithActors } from './authWithActors';

/** The demo's people and their groups, as the catalog's examples/org.yaml names them. */
export const MEMBERSHIPS: Record<string, string[]> = {
  'user:default/guest': ['user:default/guest', 'group:default/team-shop'],
  'user:default/marco': ['user:default/marco', 'group:default/team-marketing'],
  'user:default/sam': ['user:default/sam', 'group:default/sre'],
};

/** User info from {@link MEMBERSHIPS}; anyone else owns only themselves. */
export const demoUserInfo = mockServices.userInfo.mock({
  getUserInfo: async credentials => {
    const ref = (credentials.principal as { userEntityRef: string })
      .userEntityRef;
    return {
      userEntityRef: ref,
      ownershipEntityRefs: MEMBERSHIPS[ref] ?? [ref],
    };
  },
});

/** Talks to the sandbox as its admin (kubectl's view): setup and raw checks. */
export function sandboxAdmin(sandbox: SandboxCluster) {
  return async (method: string, urlPath: string, body?: unknown) => {
    const res = await fetch(`${sandbox.url}${urlPath}`, {
      method,
      headers: {
        authorization: `Bearer ${SANDBOX_ADMIN_TOKEN}`,
        'content-type':
          method === 'PATCH'
            ? 'application/merge-patch+json'
            : 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) {
      throw new Error(
        `${method} ${urlPath} -> ${res.status}: ${JSON.stringify(json)}`,
      );
    }
    return json;
  };
}

/**
 * The sample backend's security-relevant parts: the real catalog (the demo's entities), the
 * permission backend with the sample policy, the kubernetes-jobs plugin on the sandbox cluster
 * and the actions registry createBackend() installs. Resolves once the catalog knows the demo.
 */
export async function startSampleBackend(options: {
  sandbox: SandboxCluster;
  features?: Parameters<typeof startTestBackend>[0]['features'];
}) {
  const examples = path.resolve(__dirname, '../../../../examples');
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      permissionPlugin,
      kubernetesJobsPolicyModule,
      kubernetesJobsPlugin,
      actionsRegistryServiceFactory,
      actionsServiceFactory,
      demoUserInfo.factory,
      authWithActors,
      httpAuthWithActors,
      mockServices.rootConfig.factory({
        data: {
          backend: { actions: { pluginSources: ['kubernetes-jobs'] } },
          permission: { enabled: true },
          catalog: {
            rules: [{ allow: ['Component', 'System', 'Group', 'User'] }],
            locations: [
              { type: 'file', target: path.join(examples, 'entities.yaml') },
              { type: 'file', target: path.join(examples, 'org.yaml') },
            ],
          },
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  {
                    name: 'sandbox',
                    url: options.sandbox.url,
                    skipTLSVerify: true,
                    authProvider: 'serviceAccount',
                    serviceAccountToken: SANDBOX_ADMIN_TOKEN,
                  },
                ],
              },
            ],
          },
        },
      }),
      ...(options.features ?? []),
    ],
  });

  // The catalog ingests the example files in the background.
  const deadline = Date.now() + 30000;
  for (;;) {
    const res = await request(backend.server)
      .get('/api/catalog/entities/by-name/component/default/newsletter')
      .set('authorization', mockCredentials.user.header('user:default/guest'));
    if (res.status === 200) break;
    if (Date.now() > deadline) {
      throw new Error(
        `catalog never ingested the examples: ${res.status} ${JSON.stringify(
          res.body,
        )}`,
      );
    }
    await new Promise(r => setTimeout(r, 250));
  }
  return backend;
}
