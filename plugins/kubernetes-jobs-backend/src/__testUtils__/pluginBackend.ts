import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import { Server } from 'http';
import { kubernetesJobsPlugin } from '../plugin';
import { SandboxAdmin } from './sandbox';

/** Decides one permission request; `resourceRef` is set for resource permissions. */
export type Decider = (
  req: EvaluatePermissionRequest & { resourceRef?: string },
) => AuthorizeResult;

/** One audit event the auditor mock recorded, with how it ended. */
export type RecordedAuditEvent = {
  eventId: string;
  meta: any;
  outcome?: string;
  error?: string;
};

/**
 * Starts the real plugin against the sandbox cluster, a mock catalog holding `entities`, and a
 * permission service that answers every request (plain and conditional) with
 * `decide()(request)`: `decide` is a getter, read on each request, so a test may swap the
 * decider at any time. With `auditEvents`, an auditor mock appends each event to it and marks
 * its outcome.
 */
export async function startPluginBackend(options: {
  admin: SandboxAdmin;
  entities: Entity[];
  decide: () => Decider;
  auditEvents?: RecordedAuditEvent[];
}): Promise<Server> {
  const { admin, entities, decide, auditEvents } = options;
  const backend = await startTestBackend({
    features: [
      kubernetesJobsPlugin,
      mockServices.rootConfig.factory({ data: admin.config() }),
      catalogServiceMock.factory({ entities }),
      mockServices.permissions.mock({
        authorize: async requests =>
          requests.map(r => ({ result: decide()(r as any) })) as any,
        authorizeConditional: async requests =>
          requests.map(r => ({ result: decide()(r as any) })) as any,
      }).factory,
      ...(auditEvents
        ? [
            mockServices.auditor.mock({
              createEvent: async ({ eventId, meta }) => {
                const event: RecordedAuditEvent = { eventId, meta };
                auditEvents.push(event);
                return {
                  success: async () => {
                    event.outcome = 'success';
                  },
                  fail: async ({ error }) => {
                    event.outcome = 'fail';
                    event.error = error.message;
                  },
                };
              },
            }).factory,
          ]
        : []),
    ],
  });
  return backend.server;
}
