import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';

/**
 * The mock auth services, except that a plugin's call made on a user's behalf keeps the calling
 * plugin as actor, as the real auth services do. Without it, the permission backend refuses the
 * catalog's conditional checks as "direct user requests".
 */
function withActor<T extends { principal: any }>(
  token: string | undefined,
  credentials: T,
): T {
  if (
    token?.startsWith('mock-service-token:') &&
    credentials.principal.type === 'user'
  ) {
    const { sub } = JSON.parse(token.slice('mock-service-token:'.length));
    return {
      ...credentials,
      principal: {
        ...credentials.principal,
        actor: { type: 'service', subject: sub },
      },
    };
  }
  return credentials;
}

function wrap<T extends object>(
  inner: T,
  method: string,
  around: (fn: any) => any,
): T {
  return new Proxy(inner, {
    get(target, prop) {
      const value = (target as any)[prop];
      if (typeof value !== 'function') return value;
      const bound = value.bind(target);
      return prop === method ? around(bound) : bound;
    },
  });
}

/** `mockServices.auth`, keeping the calling plugin as actor of an on-behalf-of token. */
export const authWithActors = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory: ({ plugin }) =>
    wrap(
      mockServices.auth({ pluginId: plugin.getId() }),
      'authenticate',
      fn => async (token: string, options?: any) =>
        withActor(token, await fn(token, options)),
    ),
});

/** `mockServices.httpAuth`, keeping the calling plugin as actor of an on-behalf-of token. */
export const httpAuthWithActors = createServiceFactory({
  service: coreServices.httpAuth,
  deps: { plugin: coreServices.pluginMetadata },
  factory: ({ plugin }) =>
    wrap(
      mockServices.httpAuth({ pluginId: plugin.getId() }),
      'credentials',
      fn => async (req: any, options?: any) =>
        withActor(
          req.headers.authorization?.replace(/^Bearer /, ''),
          await fn(req, options),
        ),
    ),
});
