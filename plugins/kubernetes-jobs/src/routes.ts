import { createRouteRef } from '@backstage/core-plugin-api';

/** The Jobs page. */
export const rootRouteRef = createRouteRef({
  id: 'kubernetes-jobs',
});

/** The Jobs tab of an entity. */
export const entityContentRouteRef = createRouteRef({
  id: 'kubernetes-jobs:entity-content',
});
