/*
 * The sample backend: catalog, guest sign-in, the permission framework, and the kubernetes-jobs
 * backend plugin talking to the clusters in app-config.yaml (the sandbox cluster by default).
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

backend.add(import('@job-assistant/plugin-kubernetes-jobs-backend'));

backend.start();
