import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { KubernetesJobsClient, kubernetesJobsApiRef } from './apis';
import { entityContentRouteRef, rootRouteRef } from './routes';
import type { EntityKubernetesJobsCardProps } from './components/EntityKubernetesJobsCard/EntityKubernetesJobsCard';

/**
 * The kubernetes-jobs frontend plugin, for Backstage's legacy frontend system.
 *
 * @public
 */
export const kubernetesJobsPlugin = createPlugin({
  id: 'kubernetes-jobs',
  apis: [
    createApiFactory({
      api: kubernetesJobsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new KubernetesJobsClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
    entityContent: entityContentRouteRef,
  },
});

/**
 * The Jobs page: every runnable Job the user may see, across clusters.
 *
 * @public
 */
export const KubernetesJobsPage: () => JSX.Element =
  kubernetesJobsPlugin.provide(
    createRoutableExtension({
      name: 'KubernetesJobsPage',
      component: () =>
        import('./components/KubernetesJobsPage/KubernetesJobsPage').then(
          m => m.KubernetesJobsPage,
        ),
      mountPoint: rootRouteRef,
    }),
  );

/**
 * The Jobs tab of a catalog entity. Put it in an `EntityLayout.Route` guarded by
 * {@link isKubernetesJobsAvailable}.
 *
 * @public
 */
export const EntityKubernetesJobsContent: () => JSX.Element =
  kubernetesJobsPlugin.provide(
    createRoutableExtension({
      name: 'EntityKubernetesJobsContent',
      component: () =>
        import(
          './components/EntityKubernetesJobsContent/EntityKubernetesJobsContent'
        ).then(m => m.EntityKubernetesJobsContent),
      mountPoint: entityContentRouteRef,
    }),
  );

/**
 * A card for the entity overview: the entity's Jobs and how their last run went.
 *
 * @public
 */
export const EntityKubernetesJobsCard: (
  props: EntityKubernetesJobsCardProps,
) => JSX.Element = kubernetesJobsPlugin.provide(
  createComponentExtension({
    name: 'EntityKubernetesJobsCard',
    component: {
      lazy: () =>
        import(
          './components/EntityKubernetesJobsCard/EntityKubernetesJobsCard'
        ).then(m => m.EntityKubernetesJobsCard),
    },
  }),
);
