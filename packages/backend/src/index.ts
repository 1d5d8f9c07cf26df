/*
 * The sample backend: catalog, guest sign-in, the permission framework, and the kubernetes-jobs
 * backend plugin talking to the clusters in app-config.yaml (the sandbox cluster by default),
 * its actions served to MCP clients.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

backend.add(import('@backstage/plugin-permission-backend'));
// Owners of a component may run and kill its Jobs, others may look, SREs may do everything.
backend.add(
  import(
    '@job-assistant/plugin-permission-backend-module-kubernetes-jobs-policy'
  ),
);

// Push to browsers (the Jobs tab updates by itself) and run-finished notifications.
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));

backend.add(import('@job-assistant/plugin-kubernetes-jobs-backend'));

// The plugin's actions as MCP tools for AI assistants, at /api/mcp-actions/v1; which plugins'
// actions it serves is backend.actions.pluginSources in app-config.yaml.
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.start();
