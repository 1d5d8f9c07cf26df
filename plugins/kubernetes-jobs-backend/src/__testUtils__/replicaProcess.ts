/*
 * One backend replica in its own process, for tests that must kill it outright (SIGKILL): the
 * kubernetes-jobs plugin on the PostgreSQL database and the cluster given in REPLICA_OPTIONS
 * (JSON: { connection, config, entities }), with every permission allowed. Prints
 * `listening <port>` once it serves.
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import knexFactory from 'knex';
import { AddressInfo } from 'node:net';
import { kubernetesJobsPlugin } from '../plugin';

async function main() {
  const options = JSON.parse(process.env.REPLICA_OPTIONS ?? '{}');
  const knex = knexFactory({ client: 'pg', connection: options.connection });
  const backend = await startTestBackend({
    features: [
      kubernetesJobsPlugin,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({ data: options.config }),
      catalogServiceMock.factory({ entities: options.entities }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  process.stdout.write(`listening ${port}\n`);
}

main().catch(error => {
  process.stderr.write(`replica failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
