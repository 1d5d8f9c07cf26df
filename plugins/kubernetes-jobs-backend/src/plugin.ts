import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { kubernetesJobsPermissions } from '@job-assistant/plugin-kubernetes-jobs-common';
import { ClusterRegistry } from './cluster/ClusterRegistry';
import { readPluginOptions } from './config';
import { createRouter } from './router/createRouter';
import { DatabaseRunStore } from './database/RunStore';
import { scheduleHistoryTasks } from './service/historyTasks';
import { JobsService } from './service/JobsService';

/**
 * The kubernetes-jobs backend plugin: list, run, kill and inspect pre-approved Kubernetes Jobs.
 *
 * @public
 */
export const kubernetesJobsPlugin = createBackendPlugin({
  pluginId: 'kubernetes-jobs',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        catalog: catalogServiceRef,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
      },
      async init({
        logger,
        config,
        httpRouter,
        httpAuth,
        permissions,
        permissionsRegistry,
        auditor,
        catalog,
        database,
        scheduler,
      }) {
        permissionsRegistry.addPermissions(kubernetesJobsPermissions);
        const options = readPluginOptions(config);
        const clusters = ClusterRegistry.fromConfig(config, { logger });
        const store = await DatabaseRunStore.create({ database });
        const service = new JobsService({
          clusters,
          logger,
          store,
          ...options,
        });
        await scheduleHistoryTasks({
          scheduler,
          service,
          store,
          logger,
          options,
        });
        httpRouter.use(
          await createRouter({
            logger,
            httpAuth,
            permissions,
            auditor,
            catalog,
            clusters,
            service,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
