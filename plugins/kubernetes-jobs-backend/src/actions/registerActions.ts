import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { AuthorizedOperations } from '../router/AuthorizedOperations';
import { createGetDefinitionAction } from './createGetDefinitionAction';
import { createGetRunAction } from './createGetRunAction';
import { createGetRunLogsAction } from './createGetRunLogsAction';
import { createKillRunAction } from './createKillRunAction';
import { createListDefinitionsAction } from './createListDefinitionsAction';
import { createRunDefinitionAction } from './createRunDefinitionAction';
import { createSetScheduleAction } from './createSetScheduleAction';
import { createRequestRunAction } from './createRequestRunAction';
import { createListRunRequestsAction } from './createListRunRequestsAction';
import { createApproveRunRequestAction } from './createApproveRunRequestAction';
import { createRejectRunRequestAction } from './createRejectRunRequestAction';
import { createCancelRunRequestAction } from './createCancelRunRequestAction';

/** Dependencies of {@link registerActions}. */
export interface RegisterActionsOptions {
  /** The same authorization, audit and services as the HTTP routes. */
  operations: AuthorizedOperations;
}

/**
 * Registers the plugin's actions (`kubernetes-jobs:<name>`) with the actions registry, which
 * serves them to MCP clients (AI assistants) and to software templates. Each action is one of the
 * HTTP routes by another door: the registry checks the input's shape, the route's rules check its
 * values, and {@link AuthorizedOperations} authorizes and audits with the caller's own
 * credentials. An action never allows more than its route.
 */
export function registerActions(
  registry: ActionsRegistryService,
  options: RegisterActionsOptions,
): void {
  const actionOptions = { registry, operations: options.operations };
  for (const create of [
    createListDefinitionsAction,
    createGetDefinitionAction,
    createGetRunAction,
    createGetRunLogsAction,
    createRunDefinitionAction,
    createKillRunAction,
    createSetScheduleAction,
    createRequestRunAction,
    createListRunRequestsAction,
    createApproveRunRequestAction,
    createRejectRunRequestAction,
    createCancelRunRequestAction,
  ]) {
    create(actionOptions);
  }
}
