import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { kubernetesJobsPermissions } from '@job-assistant/plugin-kubernetes-jobs-common';
import { registerActions } from './actions/registerActions';
import { watchNamespacesThatEntitiesName } from './service/catalogNamespaces';
import { WatchCaches } from './cache/WatchCaches';
import { ClusterRegistry } from './cluster/ClusterRegistry';
import { readPluginOptions } from './config';
import { ConnectingRunStore } from './database/ConnectingRunStore';
import { DatabaseRunStore } from './database/DatabaseRunStore';
import { ChangeSignals } from './push/ChangeSignals';
import { CompletionNotifier } from './push/CompletionNotifier';
import { AuthorizedOperations } from './router/AuthorizedOperations';
import { createRouter } from './router/createRouter';
import { ClusterAccess } from './service/ClusterAccess';
import { DefinitionReader } from './service/DefinitionReader';
import { EvidenceCollector } from './service/evidence';
import { HistoryHealth } from './service/HistoryHealth';
import { scheduleHistoryTasks } from './service/historyTasks';
import { RunActions } from './service/RunActions';
import { RunDetails } from './service/RunDetails';
import { RunReader } from './service/RunReader';
import { RunTracker } from './tracker/RunTracker';

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
        lifecycle: coreServices.lifecycle,
        auth: coreServices.auth,
        signals: signalsServiceRef,
        notifications: notificationService,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        const { logger, config, permissionsRegistry, lifecycle } = deps;
        permissionsRegistry.addPermissions(kubernetesJobsPermissions);
        const options = readPluginOptions(config);
        const { annotationKey, allowParallelRunsByDefault } = options;
        const access = new ClusterAccess(
          ClusterRegistry.fromConfig(config, { logger }),
          { logger, requestTimeoutMs: options.requestTimeoutMs },
        );
        // A database that is down does not stop the plugin: it serves the clusters' live data,
        // says history is unavailable and connects when the database is back.
        const store = new ConnectingRunStore({
          connect: () => DatabaseRunStore.create({ database: deps.database }),
          logger,
          retry: options.database.retry,
        });
        await store.start();

        // One watch per cluster; the tracker writes history, signals tell browsers.
        const caches = new WatchCaches(access.names(), {
          client: access.client,
          annotationKey,
          logger,
          timing: options.watch,
        });
        const notifier = new CompletionNotifier({
          notifications: deps.notifications,
          logger,
          config: options.notifications,
        });
        const evidence = new EvidenceCollector({
          client: access.client,
          store,
          logger,
          maxLogBytesPerRun: options.history.maxLogBytesPerRun,
        });
        const tracker = new RunTracker({
          caches,
          store,
          annotationKey,
          logger,
          // Logs and events first, so the notification can say why a run failed.
          onFinished: runs =>
            void evidence.saveFinished(runs).then(() => notifier.notify(runs)),
        });
        // One HistoryHealth for both readers: history going down is logged once.
        const reads = {
          caches,
          store,
          history: new HistoryHealth(logger),
          annotationKey,
          syncTimeoutMs: options.watch.syncTimeoutMs,
        };
        const definitionReader = new DefinitionReader({
          ...reads,
          allowParallelRunsByDefault,
        });
        const runReader = new RunReader(reads);
        const signals = new ChangeSignals({
          caches,
          signals: deps.signals,
          annotationKey,
          logger,
        });
        caches.subscribe(tracker);
        caches.subscribe(signals);
        caches.start();
        lifecycle.addShutdownHook(() => {
          store.stop();
          caches.stop();
          tracker.stop();
          signals.stop();
        });

        await watchNamespacesThatEntitiesName({
          catalog: deps.catalog,
          auth: deps.auth,
          caches,
          scheduler: deps.scheduler,
          logger,
        });
        // Global tasks keep their locks in the database (and the scheduler remembers a failed
        // first connection): scheduled once the database is there.
        void store
          .ready()
          .then(() =>
            scheduleHistoryTasks({
              scheduler: deps.scheduler,
              store,
              logger,
              options,
            }),
          )
          .catch(error =>
            logger.error(
              `kubernetes-jobs: history retention could not be scheduled: ${error.message}`,
            ),
          );
        // One door for the HTTP routes and the registered actions (MCP, templates): the same
        // authorization, audit and services behind both.
        const operations = new AuthorizedOperations({
          permissions: deps.permissions,
          auditor: deps.auditor,
          catalog: deps.catalog,
          clusters: access,
          definitions: definitionReader,
          runs: runReader,
          actions: new RunActions({
            client: access.client,
            caches,
            store,
            logger,
            annotationKey,
            allowParallelRunsByDefault,
            evidence,
          }),
          details: new RunDetails({
            client: access.client,
            caches,
            store,
            runs: runReader,
            annotationKey,
          }),
        });
        deps.httpRouter.use(
          await createRouter({ httpAuth: deps.httpAuth, operations }),
        );
        registerActions(deps.actionsRegistry, { operations });
        deps.httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
