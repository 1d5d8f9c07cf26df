/*
 * The sample app on Backstage's new frontend system, as `@backstage/create-app` 0.9.2 makes it.
 * Its plugins (the catalog, org, notifications, signals, user settings, and the kubernetes-jobs
 * frontend plugin) are found in this package's dependencies by feature discovery
 * (`app.packages: all` in app-config.yaml): installing the plugin is adding the dependency.
 */
import { createApp } from '@backstage/frontend-defaults';
import { navModule } from './modules/nav';

export default createApp({
  features: [navModule],
});
