import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { compatWrapper } from '@backstage/core-compat-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import WorkIcon from '@material-ui/icons/Work';
import { KubernetesJobsClient, kubernetesJobsApiRef } from '../apis';
import { isKubernetesJobsAvailable } from '../isKubernetesJobsAvailable';
import { entityContentRouteRef, rootRouteRef } from '../routes';

/**
 * The API client, for the new frontend system.
 *
 * @alpha
 */
export const kubernetesJobsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: kubernetesJobsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new KubernetesJobsClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The Jobs page, for the new frontend system.
 *
 * @alpha
 */
export const kubernetesJobsPage = PageBlueprint.make({
  params: {
    path: '/kubernetes-jobs',
    routeRef: rootRouteRef,
    title: 'Jobs',
    icon: <WorkIcon fontSize="inherit" />,
    // The page draws its own header.
    noHeader: true,
    loader: () =>
      import('../components/KubernetesJobsPage/KubernetesJobsPage').then(m =>
        compatWrapper(<m.KubernetesJobsPage />),
      ),
  },
});

/**
 * The Jobs tab of catalog entities, for the new frontend system. Shown on entities that
 * have `backstage.io/kubernetes-id` or `backstage.io/kubernetes-label-selector`.
 *
 * @alpha
 */
export const entityKubernetesJobsContent = EntityContentBlueprint.make({
  params: {
    path: 'jobs',
    title: 'Jobs',
    routeRef: entityContentRouteRef,
    filter: isKubernetesJobsAvailable,
    loader: () =>
      import(
        '../components/EntityKubernetesJobsContent/EntityKubernetesJobsContent'
      ).then(m => compatWrapper(<m.EntityKubernetesJobsContent />)),
  },
});

/**
 * The Jobs card of the entity overview, for the new frontend system.
 *
 * @alpha
 */
export const entityKubernetesJobsCard = EntityCardBlueprint.make({
  params: {
    filter: isKubernetesJobsAvailable,
    loader: () =>
      import(
        '../components/EntityKubernetesJobsCard/EntityKubernetesJobsCard'
      ).then(m => compatWrapper(<m.EntityKubernetesJobsCard />)),
  },
});

/**
 * The kubernetes-jobs frontend plugin, for the new frontend system.
 *
 * @alpha
 */
export const kubernetesJobsPlugin = createFrontendPlugin({
  pluginId: 'kubernetes-jobs',
  title: 'Jobs',
  icon: <WorkIcon fontSize="inherit" />,
  info: { packageJson: () => import('../../package.json') },
  extensions: [
    kubernetesJobsApi,
    kubernetesJobsPage,
    entityKubernetesJobsContent,
    entityKubernetesJobsCard,
  ],
  routes: {
    root: rootRouteRef,
    entityContent: entityContentRouteRef,
  },
});
