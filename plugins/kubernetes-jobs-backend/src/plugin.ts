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
import { ConnectingRunRequestStore } from './database/ConnectingRunRequestStore';
import { DatabaseRunRequestStore } from './database/DatabaseRunRequestStore';
import { DatabaseRunStore } from './database/DatabaseRunStore';
import { ChangeSignals } from './push/ChangeSignals';
import { HintClaims } from './database/HintClaims';
import { ListVersion } from './service/ListVersion';
import { StatsCache } from './tracker/StatsCache';
import { CompletionNotifier } from './push/CompletionNotifier';
import { definitionEntities } from './push/definitionEntities';
import { RequestNotifier } from './push/RequestNotifier';
import { SlowRunNotifier } from './push/SlowRunNotifier';
import { AuthorizedOperations } from './router/AuthorizedOperations';
import { createRouter } from './router/createRouter';
import { ClusterAccess } from './service/ClusterAccess';
import { DefinitionReader } from './service/DefinitionReader';
import { selectorLookup } from './service/entitySelector';
import { KubernetesEntities } from './service/KubernetesEntities';
import { ViewDecisions } from './router/viewDecisions';
import { EvidenceCollector } from './service/evidence';
import { HistoryHealth } from './service/HistoryHealth';
import { scheduleHistoryTasks } from './service/historyTasks';
import { RunActions } from './service/RunActions';
import { RunDetails } from './service/RunDetails';
import { RunReader } from './service/RunReader';
import { RequestListener, RequestStarter } from './service/RequestStarter';
import { RequestSweep } from './service/requestTasks';
import { RunRequests } from './service/RunRequests';
import { RunTracker } from './tracker/RunTracker';

/**
 * The kubernetes-jobs backend plugin: list, run, kill and inspect pre-approved Kubernetes Jobs;
 * ask for runs later, or after approval.
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
        userInfo: coreServices.userInfo,
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
        // Run requests live in the same database, connected (and migrated) with history.
        const requestStore = new ConnectingRunRequestStore({ logger });
        // And which replica tells browsers of a change: claimed in that database too.
        const hintClaims = new HintClaims();
        // What may change a list answer: history writes here, cluster changes below.
        const listVersion = new ListVersion({ annotationKey });

        const store = new ConnectingRunStore({
          connect: async () => {
            const runs = await DatabaseRunStore.create({
              database: deps.database,
            });
            requestStore.connected(
              await DatabaseRunRequestStore.create({ database: deps.database }),
            );
            hintClaims.connected(await deps.database.getClient());
            return runs;
          },
          logger,
          retry: options.database.retry,
        });
        // Definitions' stats kept between reads, read again when they may have changed.
        const statsCache = new StatsCache({
          read: keys => store.stats(keys),
          annotationKey,
        });
        store.listen(keys => {
          listVersion.bump(keys);
          if (!keys) statsCache.changedAll();
          else keys.forEach(key => statsCache.changed(key));
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
          stats: keys => statsCache.stats(keys),
          version: listVersion,
          allowParallelRunsByDefault,
          approvals: options.approvals,
        });
        const runReader = new RunReader(reads);
        const signals = new ChangeSignals({
          caches,
          signals: deps.signals,
          annotationKey,
          logger,
          claims: hintClaims,
        });
        caches.subscribe(tracker);
        caches.subscribe(signals);
        statsCache.listenTo(caches);
        listVersion.listenTo(caches);
        caches.start();

        const actions = new RunActions({
          client: access.client,
          caches,
          store,
          logger,
          annotationKey,
          allowParallelRunsByDefault,
          evidence,
          approvals: options.approvals,
        });
        // Run requests: people hear of them (notifications), open tabs refetch (signals).
        const requestNotifier = new RequestNotifier({
          notifications: deps.notifications,
          logger,
          config: options.notifications,
        });
        const listener: RequestListener = {
          requestChanged: (request, change) => {
            requestNotifier.requestChanged(request, change);
            signals.requestChanged(request);
          },
        };
        const starter = new RequestStarter({
          store: requestStore,
          runs: store,
          actions,
          entities: selectorLookup(deps.catalog, deps.auth),
          approvals: options.approvals,
          listener,
          auditor: deps.auditor,
          logger,
          now: () => new Date(),
        });
        const sweep = new RequestSweep({
          scheduler: deps.scheduler,
          starter,
          logger,
          sweepSeconds: options.runRequests.sweepSeconds,
        });
        const requests = new RunRequests({
          client: access.client,
          caches,
          store: requestStore,
          starter,
          annotationKey,
          approvals: options.approvals,
          config: options.runRequests,
          listener,
          dueAt: at => sweep.dueAt(at),
        });
        // Off by default: the runs taking longer than usual, told once to who started them.
        const slowRuns =
          options.notifications.enabled &&
          options.notifications.slowRuns.enabled
            ? new SlowRunNotifier({
                store,
                notifications: deps.notifications,
                logger,
                config: options.notifications.slowRuns,
                definitionEntities: definitionEntities({
                  catalog: deps.catalog,
                  auth: deps.auth,
                  caches,
                }),
              })
            : undefined;
        lifecycle.addShutdownHook(() => {
          store.stop();
          caches.stop();
          tracker.stop();
          signals.stop();
          sweep.stop();
          access.close();
        });

        // The catalog's entities that name Kubernetes objects, read as the plugin: for the
        // namespaces to watch, and (viewCacheSeconds > 0) for views, kept that long.
        const kubernetesEntities = new KubernetesEntities({
          catalog: deps.catalog,
          auth: deps.auth,
          logger,
          maxAgeMs: options.viewCacheMs,
        });
        await watchNamespacesThatEntitiesName({
          entities: kubernetesEntities,
          caches,
          scheduler: deps.scheduler,
          logger,
        });
        // Global tasks keep their locks in the database (and the scheduler remembers a failed
        // first connection): scheduled once the database is there.
        void store
          .ready()
          .then(() =>
            Promise.all([
              scheduleHistoryTasks({
                scheduler: deps.scheduler,
                store,
                requests: requestStore,
                logger,
                options,
              }),
              sweep.schedule(),
              slowRuns?.schedule(deps.scheduler),
            ]),
          )
          .catch(error =>
            logger.error(
              `kubernetes-jobs: history retention and run requests could not be scheduled: ${error.message}`,
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
          actions,
          requests,
          userInfo: deps.userInfo,
          auth: deps.auth,
          version: listVersion,
          ...(options.viewCacheMs
            ? {
                entities: kubernetesEntities,
                views: new ViewDecisions({ maxAgeMs: options.viewCacheMs }),
              }
            : {}),
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
