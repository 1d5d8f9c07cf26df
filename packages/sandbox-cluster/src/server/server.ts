/*
 * The HTTP front of the sandbox: parses Kubernetes API paths, authenticates, authorizes (before
 * looking anything up, like the apiserver), dispatches to the registry / watch / log handlers
 * and renders errors as Status bodies. Every request is recorded for tests. Injected faults
 * (faults.ts) are applied here.
 */
import http, { IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  ApiError,
  badRequest,
  internalError,
  methodNotAllowed,
  pathNotFound,
} from '../api/errors';
import { Clock } from '../controllers/clock';
import { Kubelet } from '../controllers/kubelet';
import { Registry } from '../registry/registry';
import { ResourceInfo, RESOURCES } from '../registry/resources';
import { Store } from '../store/store';
import {
  authenticate,
  authorize,
  ResourceAttributes,
  SandboxUser,
} from './auth';
import { FaultController } from './faults';
import { readLog } from './logs';
import { WatchStream } from './watch';

/**
 * One request received by the sandbox.
 *
 * @public
 */
export interface SandboxRequestRecord {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Raw query string without the leading `?` ('' when none). */
  query: string;
  /** The authenticated user, if any. */
  user?: string;
  /** The User-Agent header, if any. */
  userAgent?: string;
  /** HTTP status of the response. */
  status: number;
  /** ISO timestamp of the response. */
  at: string;
}

/** Dependencies of the HTTP server. */
export interface ApiServerOptions {
  store: Store;
  registry: Registry;
  kubelet: Kubelet;
  clock: Clock;
  tokens: Record<string, SandboxUser>;
  requests: SandboxRequestRecord[];
  faults: FaultController;
}

/** Query parameters of the Kubernetes API that the sandbox refuses rather than ignores. */
const UNSERVED_PARAMETERS = [
  'dryRun',
  'resourceVersionMatch',
  'sendInitialEvents',
  'gracePeriodSeconds',
  'orphanDependents',
  'follow',
  'previous',
  'timestamps',
  'sinceSeconds',
  'sinceTime',
];

/** What a request is about, once its path is parsed. */
type Request = ResourceAttributes & { info: ResourceInfo };

/**
 * The field manager of a write, as the apiserver's handlers name it: `fieldManager`, else what
 * the User-Agent says before its first `/` (printable characters, at most 128 bytes).
 */
function managerOrUserAgent(
  fieldManager: string | undefined,
  userAgent = '',
): string {
  if (fieldManager) return fieldManager;
  let manager = '';
  for (const char of userAgent.split('/')[0]) {
    if (!/\p{L}|\p{M}|\p{N}|\p{P}|\p{S}|\x20/u.test(char)) continue;
    if (Buffer.byteLength(manager + char) > 128) break;
    manager += char;
  }
  return manager;
}

/**
 * Parses `/api/v1/[namespaces/{ns}/]{resource}[/{name}[/log]]` and the same under
 * `/apis/{group}/v1`, with the verb the method and query make of it.
 */
function parseRequest(
  method: string,
  path: string,
  query: Record<string, string>,
): Request | undefined {
  const match =
    /^\/(?:api|apis\/([^/]+))\/v1\/(?:namespaces\/([^/]+)\/(?=[^/]+\/?))?([^/]+)(?:\/([^/]+)(?:\/([^/]+))?)?\/?$/.exec(
      path,
    );
  const [, group = '', namespace, resource, name, subresource] = match ?? [];
  const info = RESOURCES.find(
    r => r.group === group && r.resource === resource,
  );
  if (
    !info ||
    (namespace !== undefined && !info.namespaced) ||
    (subresource && (subresource !== 'log' || resource !== 'pods'))
  ) {
    return undefined;
  }
  const watch = query.watch === 'true' || query.watch === '1';
  const verbs: Record<string, string> = {
    GET: (name && 'get') || (watch ? 'watch' : 'list'),
    POST: 'create',
    PATCH: 'patch',
    DELETE: 'delete',
  };
  const verb = verbs[method] ?? method.toLowerCase();
  return {
    info,
    verb,
    group,
    resource,
    subresource,
    namespace: namespace && decodeURIComponent(namespace),
    name: name && decodeURIComponent(name),
  };
}

/** The Kubernetes API over HTTP. */
export class ApiServer {
  private readonly server: http.Server;
  private readonly watches = new Set<WatchStream>();
  private bound?: { host: string; port: number };
  private closed = false;

  constructor(private readonly options: ApiServerOptions) {
    options.faults.attach({
      goAway: () => this.stopListening(),
      comeBack: async () => {
        if (!this.closed && this.bound) {
          options.store.compactAll();
          await this.listen(this.bound.host, this.bound.port);
        }
      },
    });
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch(error => {
        // Last resort: never leave a request hanging.
        this.sendError(res, internalError(String(error)), () => {});
      });
    });
    this.server.keepAliveTimeout = 5000;
  }

  /** Listens; returns the base URL. */
  async listen(host: string, port: number): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    // Coming back after an `away` fault: the same port, as a restarted apiserver.
    this.bound = { host, port: address.port };
    const shownHost =
      address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${shownHost}:${address.port}`;
  }

  /** Ends open watches and stops listening. */
  async close(): Promise<void> {
    this.closed = true;
    for (const watch of [...this.watches]) {
      watch.close();
    }
    await this.stopListening();
  }

  /** Refuses new connections and cuts the open ones (watches included). */
  private async stopListening(): Promise<void> {
    await new Promise<void>(resolve => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const method = req.method ?? 'GET';
    const query: Record<string, string> = {};
    for (const [key, value] of url.searchParams) {
      // Like Go's url.Values.Get: the first value wins.
      query[key] ??= value;
    }
    let user: SandboxUser | undefined;
    let recorded = false;
    const record = (status: number) => {
      if (recorded) return;
      recorded = true;
      this.options.requests.push({
        method,
        path: url.pathname,
        query: url.search.replace(/^\?/, ''),
        user: user?.name,
        userAgent: req.headers['user-agent'],
        status,
        at: new Date().toISOString(),
      });
    };
    const send = (status: number, body: unknown, warnings: string[] = []) => {
      const text =
        body instanceof Buffer ? body : Buffer.from(JSON.stringify(body));
      record(status);
      res.writeHead(status, {
        'Content-Type':
          body instanceof Buffer ? 'text/plain' : 'application/json',
        'Cache-Control': 'no-cache, private',
        'Content-Length': text.length,
        ...(warnings.length
          ? { Warning: warnings.map(w => `299 - ${JSON.stringify(w)}`) }
          : {}),
      });
      res.end(text);
    };
    try {
      user = authenticate(req.headers.authorization, this.options.tokens);
      const request = parseRequest(method, url.pathname, query);
      if (!request) {
        throw pathNotFound();
      }
      const unserved = UNSERVED_PARAMETERS.find(key => key in query);
      if (unserved) {
        throw badRequest(`${unserved} is not supported by the sandbox cluster`);
      }
      await this.serve(request, req, res, query, user, send, record);
    } catch (error) {
      const apiError =
        error instanceof ApiError
          ? error
          : internalError(String((error as Error)?.stack ?? error));
      if (!(error instanceof ApiError)) {
        // eslint-disable-next-line no-console
        console.error('sandbox-cluster: request failed', error);
      }
      this.sendError(res, apiError, record);
    }
  }

  private async serve(
    request: Request,
    req: IncomingMessage,
    res: ServerResponse,
    query: Record<string, string>,
    user: SandboxUser,
    send: (status: number, body: unknown, warnings?: string[]) => void,
    record: (status: number) => void,
  ) {
    const { registry, store, kubelet, clock, faults } = this.options;
    const { info, verb, namespace, name } = request;
    authorize(user, request);
    const named = ['get', 'patch', 'delete'].includes(verb);
    const allowed = request.subresource
      ? verb === 'get'
      : info.verbs.includes(verb) && named === !!name;
    if (!allowed) {
      throw methodNotAllowed();
    }
    const readBody = async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    };
    await faults.beforeRequest(request, user, readBody);
    const options = {
      fieldValidation: query.fieldValidation,
      manager: managerOrUserAgent(
        query.fieldManager,
        req.headers['user-agent'],
      ),
    };
    const listNamespace = info.namespaced ? namespace : undefined;
    switch (verb) {
      case 'get': {
        const object = registry.get(info, namespace, name!);
        return send(
          200,
          request.subresource ? readLog(object, query, kubelet) : object,
        );
      }
      case 'list': {
        const list = registry.list(info, listNamespace, {
          labelSelector: query.labelSelector,
          fieldSelector: query.fieldSelector,
          limit: query.limit ? Number(query.limit) : undefined,
          continue: query.continue,
        });
        const text = Buffer.from(JSON.stringify(list));
        const resetAfter = faults.listResetAfter(request, text.length);
        if (resetAfter === undefined) {
          return send(200, list);
        }
        // The head promises the whole body; the connection dies part way.
        record(200);
        res.writeHead(200, {
          'Content-Type': 'application/json',
          'Content-Length': text.length,
        });
        return res.write(text.subarray(0, resetAfter), () => res.destroy());
      }
      case 'watch': {
        const stream: WatchStream = new WatchStream(
          res,
          info,
          listNamespace,
          registry.compileFilter(
            info,
            query.labelSelector,
            query.fieldSelector,
          ),
          query,
          store,
          clock,
          () => this.watches.delete(stream),
          faults.forWatch(
            request,
            Boolean(query.resourceVersion) && query.resourceVersion !== '0',
          ),
        );
        this.watches.add(stream);
        record(200);
        return stream.start();
      }
      case 'create': {
        const result = registry.create(
          info,
          namespace,
          await readBody(),
          options,
        );
        return send(201, result.object, result.warnings);
      }
      case 'patch': {
        const result = registry.patch(
          info,
          namespace,
          name!,
          req.headers['content-type'] ?? '',
          await readBody(),
          options,
        );
        return send(200, result.object, result.warnings);
      }
      default: {
        // kubectl names the policy in a DeleteOptions body.
        let policy = query.propagationPolicy;
        try {
          policy = JSON.parse(await readBody()).propagationPolicy ?? policy;
        } catch {
          // No body.
        }
        return send(200, registry.delete(info, namespace, name!, policy));
      }
    }
  }

  private sendError(
    res: ServerResponse,
    error: ApiError,
    record: (status: number) => void,
  ) {
    if (res.headersSent) {
      res.end();
      return;
    }
    const text = JSON.stringify(error.status);
    // Like the apiserver's responsewriters: a retry delay in the Status is also a header.
    const retryAfter = error.status.details?.retryAfterSeconds;
    record(error.code);
    res.writeHead(error.code, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Content-Length': Buffer.byteLength(text),
      ...(retryAfter ? { 'Retry-After': String(retryAfter) } : {}),
      ...(error.warnings.length
        ? { Warning: error.warnings.map(w => `299 - ${JSON.stringify(w)}`) }
        : {}),
    });
    res.end(text);
  }
}
