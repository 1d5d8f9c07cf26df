/*
 * The HTTP front of the sandbox: parses Kubernetes API paths, authenticates,
 * authorizes (before looking anything up, like the apiserver), dispatches to
 * the registry / watch / log handlers and renders errors as Status bodies.
 * Every request is recorded for tests. Injected faults (faults.ts) are
 * applied here, and optionally controlled over HTTP at /sandbox/faults.
 */
import http, { IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  ApiError,
  badRequest,
  forbiddenPath,
  internalError,
  methodNotAllowed,
  notAcceptable,
  pathNotFound,
  tooLarge,
} from '../api/errors';
import { parseJson } from '../api/json';
import { isPlainObject } from '../api/types';
import { Clock } from '../controllers/clock';
import { Kubelet } from '../controllers/kubelet';
import { DeleteOptions, FieldValidation, Registry } from '../registry/registry';
import { findResource, ResourceInfo } from '../registry/resources';
import { Store } from '../store/store';
import {
  authenticate,
  authorize,
  isAllowed,
  ResourceAttributes,
  SandboxUser,
} from './auth';
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  KUBERNETES_VERSION,
} from './discovery';
import { FaultController, parseFault } from './faults';
import { serveLogs } from './logs';
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

/** The apiserver's request body limit. */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** A parsed resource request. */
interface ResourceRequest {
  info: ResourceInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
  watchPrefix: boolean;
}

interface Context {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  query: Record<string, string>;
  user?: SandboxUser;
  record: (status: number) => void;
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
  /** Serve the fault control API at /sandbox/faults (cluster admins only). */
  faultApi?: boolean;
}

const FAULT_API = '/sandbox/faults';

function queryObject(url: URL): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    // Like Go's url.Values.Get: the first value wins.
    if (!(key in query)) {
      query[key] = value;
    }
  }
  return query;
}

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

function isTrue(value: string | undefined): boolean {
  return value === 'true' || value === '1';
}

/**
 * Parses `/api/v1/...` and `/apis/{group}/{version}/...` resource paths.
 * Returns undefined for paths that are not resource paths.
 */
function parseResourcePath(
  segments: string[],
): { group: string; version: string; rest: string[] } | undefined {
  if (segments[0] === 'api' && segments.length >= 3) {
    return { group: '', version: segments[1], rest: segments.slice(2) };
  }
  if (segments[0] === 'apis' && segments.length >= 4) {
    return {
      group: segments[1],
      version: segments[2],
      rest: segments.slice(3),
    };
  }
  return undefined;
}

function resolveResource(
  group: string,
  version: string,
  rest: string[],
): ResourceRequest | undefined {
  let parts = rest;
  let watchPrefix = false;
  if (parts[0] === 'watch') {
    watchPrefix = true;
    parts = parts.slice(1);
  }
  let namespace: string | undefined;
  if (parts[0] === 'namespaces' && parts.length >= 3) {
    const nested = findResource(group, version, parts[2]);
    if (nested?.namespaced) {
      namespace = parts[1];
      parts = parts.slice(2);
    }
  }
  const info = findResource(group, version, parts[0] ?? '');
  if (!info || parts.length > 3) {
    return undefined;
  }
  if (info.namespaced === false && namespace) {
    return undefined;
  }
  const [, name, subresource] = parts;
  if (subresource && !info.subresources.includes(subresource)) {
    return undefined;
  }
  return { info, namespace, name, subresource, watchPrefix };
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

  /** Ends open watches and log streams and stops listening. */
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

  private get address(): string {
    const address = this.server.address() as AddressInfo | null;
    return address ? `${address.address}:${address.port}` : '';
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    let recorded = false;
    const ctx: Context = {
      req,
      res,
      url,
      query: queryObject(url),
      record: status => {
        if (recorded) return;
        recorded = true;
        this.options.requests.push({
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.search.replace(/^\?/, ''),
          user: ctx.user?.name,
          userAgent: req.headers['user-agent'],
          status,
          at: new Date().toISOString(),
        });
      },
    };
    try {
      ctx.user = authenticate(req.headers.authorization, this.options.tokens);
      if (
        this.options.faultApi &&
        (url.pathname === FAULT_API || url.pathname.startsWith(`${FAULT_API}/`))
      ) {
        await this.faultApi(ctx);
        return;
      }
      await this.route(ctx);
    } catch (error) {
      const apiError =
        error instanceof ApiError
          ? error
          : internalError(String((error as Error)?.stack ?? error));
      if (!(error instanceof ApiError)) {
        // eslint-disable-next-line no-console
        console.error('sandbox-cluster: request failed', error);
      }
      this.sendError(res, apiError, ctx.record);
    }
  }

  private sendJson(
    ctx: Context,
    status: number,
    body: unknown,
    warnings: string[] = [],
  ) {
    const pretty = isTrue(ctx.query.pretty);
    const text = pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body);
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Content-Length': Buffer.byteLength(text),
    };
    if (warnings.length) {
      headers.Warning = warnings.map(w => `299 - ${JSON.stringify(w)}`);
    }
    ctx.record(status);
    ctx.res.writeHead(status, headers);
    ctx.res.end(text);
  }

  private sendText(ctx: Context, status: number, text: string) {
    ctx.record(status);
    ctx.res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
    ctx.res.end(text);
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
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Content-Length': Buffer.byteLength(text),
    };
    if (error.warnings.length) {
      headers.Warning = error.warnings.map(w => `299 - ${JSON.stringify(w)}`);
    }
    // Like the apiserver's responsewriters: a retry delay in the Status is also a header.
    const retryAfter = error.status.details?.retryAfterSeconds;
    if (retryAfter) {
      headers['Retry-After'] = String(retryAfter);
    }
    record(error.code);
    res.writeHead(error.code, headers);
    res.end(text);
  }

  private async readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        throw tooLarge(MAX_BODY_BYTES);
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  /** Only JSON is served; protobuf/table-only clients get a 406. */
  private checkAccept(ctx: Context) {
    const accept = ctx.req.headers.accept;
    if (!accept) {
      return;
    }
    const ok = accept.split(',').some(part => {
      const [type, ...params] = part
        .trim()
        .split(';')
        .map(s => s.trim());
      if (params.some(p => p.startsWith('as='))) {
        return false;
      }
      return [
        'application/json',
        'application/*',
        '*/*',
        'text/plain',
      ].includes(type);
    });
    if (!ok) {
      throw notAcceptable();
    }
  }

  private async route(ctx: Context) {
    const segments = ctx.url.pathname.split('/').filter(Boolean);
    const method = ctx.req.method ?? 'GET';
    const path = `/${segments.join('/')}`;

    // Non-resource URLs: allowed to every authenticated user (system:discovery).
    if (method === 'GET') {
      if (path === '/version')
        return this.sendJson(ctx, 200, KUBERNETES_VERSION);
      if (path === '/api')
        return this.sendJson(ctx, 200, apiVersions(this.address));
      if (path === '/apis') return this.sendJson(ctx, 200, apiGroupList());
      if (['/healthz', '/livez', '/readyz'].includes(path)) {
        return this.sendText(ctx, 200, 'ok');
      }
      if (segments[0] === 'apis' && segments.length === 2) {
        const doc = apiGroup(segments[1]);
        if (doc) return this.sendJson(ctx, 200, doc);
      }
      if (
        (segments[0] === 'api' && segments.length === 2) ||
        (segments[0] === 'apis' && segments.length === 3)
      ) {
        const [group, version] =
          segments[0] === 'api'
            ? ['', segments[1]]
            : [segments[1], segments[2]];
        const doc = apiResourceList(group, version);
        if (doc) return this.sendJson(ctx, 200, doc);
      }
    }
    if (path === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews') {
      if (method !== 'POST') throw methodNotAllowed();
      return this.selfSubjectAccessReview(ctx);
    }

    const parsed = parseResourcePath(segments);
    const request =
      parsed && resolveResource(parsed.group, parsed.version, parsed.rest);
    if (!request) {
      if (segments[0] === 'api' || segments[0] === 'apis') {
        throw pathNotFound();
      }
      // Outside /api and /apis the apiserver answers like a plain mux.
      return this.sendText(ctx, 404, '404 page not found\n');
    }
    return this.resource(ctx, request, method);
  }

  private verbOf(
    request: ResourceRequest,
    method: string,
    watch: boolean,
  ): string {
    switch (method) {
      case 'GET':
        if (watch) return 'watch';
        return request.name ? 'get' : 'list';
      case 'POST':
        return 'create';
      case 'PUT':
        return 'update';
      case 'PATCH':
        return 'patch';
      case 'DELETE':
        return request.name ? 'delete' : 'deletecollection';
      default:
        throw methodNotAllowed();
    }
  }

  private async resource(
    ctx: Context,
    request: ResourceRequest,
    method: string,
  ) {
    const { registry, store, kubelet, clock } = this.options;
    const { info, name, subresource } = request;
    const query = ctx.query;
    const watch =
      request.watchPrefix || (method === 'GET' && isTrue(query.watch));
    const verb = this.verbOf(request, method, watch);
    // For the Namespace object itself, the namespace is its name (RequestInfo).
    const namespace =
      request.namespace ??
      (info.resource === 'namespaces' && name ? name : undefined);
    const attrs: ResourceAttributes = {
      verb,
      group: info.group,
      resource: info.resource,
      subresource,
      namespace,
      name,
    };
    authorize(ctx.user!, attrs);
    if (!info.verbs.includes(verb) || (verb === 'create' && name)) {
      throw methodNotAllowed();
    }
    await this.options.faults.beforeRequest(attrs, ctx.user!, () =>
      this.readBody(ctx.req),
    );
    if (subresource === 'log') {
      if (verb !== 'get') throw methodNotAllowed();
      const pod = registry.get(info, request.namespace, name!);
      return serveLogs(ctx.res, pod, query, kubelet, clock, ctx.record);
    }
    this.checkAccept(ctx);
    const writeOptions = {
      dryRun: query.dryRun === 'All',
      fieldValidation: (query.fieldValidation ?? 'Warn') as FieldValidation,
      fieldManager: query.fieldManager,
      manager: managerOrUserAgent(
        query.fieldManager,
        ctx.req.headers['user-agent'],
      ),
      subresource,
    };
    if (query.dryRun !== undefined && query.dryRun !== 'All') {
      throw badRequest(
        `dryRun: Unsupported value: "${query.dryRun}": supported values: "All"`,
      );
    }
    if (!['Ignore', 'Warn', 'Strict'].includes(writeOptions.fieldValidation)) {
      throw badRequest(
        `fieldValidation: Unsupported value: "${writeOptions.fieldValidation}": supported values: "Ignore", "Warn", "Strict"`,
      );
    }
    const listNamespace = info.namespaced ? request.namespace : undefined;

    switch (verb) {
      case 'get':
        return this.sendJson(
          ctx,
          200,
          registry.get(info, request.namespace, name!),
        );
      case 'list': {
        const list = registry.list(info, listNamespace, {
          labelSelector: query.labelSelector,
          fieldSelector: query.fieldSelector,
          limit: query.limit ? Number(query.limit) : undefined,
          continue: query.continue,
          resourceVersion: query.resourceVersion,
          resourceVersionMatch: query.resourceVersionMatch,
        });
        const text = JSON.stringify(list);
        const resetAfter = this.options.faults.listResetAfter(
          attrs,
          Buffer.byteLength(text),
        );
        if (resetAfter === undefined) {
          return this.sendJson(ctx, 200, list);
        }
        // The head promises the whole body; the connection dies part way.
        ctx.record(200);
        ctx.res.writeHead(200, {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(text),
        });
        ctx.res.write(Buffer.from(text).subarray(0, resetAfter), () =>
          ctx.res.destroy(),
        );
        return undefined;
      }
      case 'watch': {
        let fieldSelector = query.fieldSelector;
        if (name) {
          // GET .../jobs/{name}?watch=true watches that one object.
          const byName = `metadata.name=${name}`;
          fieldSelector = fieldSelector ? `${fieldSelector},${byName}` : byName;
        }
        const stream = WatchStream.prepare(
          ctx.res,
          info,
          { ...query, fieldSelector, namespace: listNamespace },
          store,
          registry,
          clock,
          () => this.watches.delete(stream),
          this.options.faults.forWatch(
            attrs,
            Boolean(query.resourceVersion) && query.resourceVersion !== '0',
          ),
        );
        this.watches.add(stream);
        ctx.record(200);
        return stream.start();
      }
      case 'create': {
        const body = await this.readBody(ctx.req);
        this.checkContentType(ctx);
        const result = registry.create(
          info,
          request.namespace,
          body,
          writeOptions,
        );
        return this.sendJson(ctx, 201, result.object, result.warnings);
      }
      case 'update': {
        const body = await this.readBody(ctx.req);
        this.checkContentType(ctx);
        const result = registry.update(
          info,
          request.namespace,
          name!,
          body,
          writeOptions,
        );
        return this.sendJson(ctx, 200, result.object, result.warnings);
      }
      case 'patch': {
        const body = await this.readBody(ctx.req);
        const result = registry.patch(
          info,
          request.namespace,
          name!,
          ctx.req.headers['content-type'] ?? '',
          body,
          writeOptions,
        );
        return this.sendJson(ctx, 200, result.object, result.warnings);
      }
      case 'delete': {
        const body = await this.readBody(ctx.req);
        const options = this.deleteOptions(query, body);
        const result = registry.delete(info, request.namespace, name!, options);
        return this.sendJson(ctx, 200, result.object, result.warnings);
      }
      case 'deletecollection': {
        const body = await this.readBody(ctx.req);
        const options = this.deleteOptions(query, body);
        const list = registry.list(info, listNamespace, {
          labelSelector: query.labelSelector,
          fieldSelector: query.fieldSelector,
        });
        const items = list.items.map(item => {
          const { object } = registry.delete(
            info,
            item.metadata.namespace,
            item.metadata.name!,
            {
              ...options,
              // A collection delete does not warn per object.
              propagationPolicy:
                options.propagationPolicy ?? info.defaultPropagation,
            },
          );
          const deleted = { ...(object as any) };
          delete deleted.kind;
          delete deleted.apiVersion;
          return object.kind === 'Status' ? item : deleted;
        });
        return this.sendJson(ctx, 200, { ...list, items });
      }
      default:
        throw methodNotAllowed();
    }
  }

  /**
   * The fault control API, for cluster admins: GET lists the faults, POST
   * starts one (JSON, see SandboxFault; `away` needs `forMs`, as nothing
   * could bring the apiserver back over HTTP), DELETE ends all of them or,
   * with an id, one. Not recorded as requests.
   */
  private async faultApi(ctx: Context) {
    const { faults } = this.options;
    const method = ctx.req.method ?? 'GET';
    const id = ctx.url.pathname.slice(FAULT_API.length + 1);
    const reply = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      ctx.res.writeHead(status, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(text),
      });
      ctx.res.end(text);
    };
    try {
      if (ctx.user!.rules) {
        throw forbiddenPath(
          `forbidden: User "${
            ctx.user!.name
          }" cannot ${method.toLowerCase()} path "${ctx.url.pathname}"`,
        );
      }
      if (method === 'GET' && !id) {
        return reply(200, { items: faults.list() });
      }
      if (method === 'DELETE') {
        await (id ? faults.remove(id) : faults.clear());
        return reply(200, { items: faults.list() });
      }
      if (method !== 'POST' || id) {
        throw methodNotAllowed();
      }
      const parsed = parseJson(await this.readBody(ctx.req));
      const fault = parseFault(parsed.ok ? parsed.value : undefined);
      if (fault.type === 'away') {
        if (!fault.forMs) {
          throw badRequest('fault: away needs forMs');
        }
        // Answered before the connections are cut.
        ctx.res.once('finish', () => void faults.inject(fault));
        return reply(202, { fault });
      }
      return reply(201, { id: await faults.inject(fault), fault });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return this.sendError(ctx.res, error, () => {});
    }
  }

  /** POST/PUT bodies must be JSON (the apiserver also takes YAML/protobuf). */
  private checkContentType(ctx: Context) {
    const type = (ctx.req.headers['content-type'] ?? 'application/json')
      .split(';')[0]
      .trim();
    if (!['application/json', 'application/yaml', '*/*', ''].includes(type)) {
      throw new ApiError({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
        reason: 'UnsupportedMediaType',
        details: {},
        code: 415,
      });
    }
  }

  private deleteOptions(
    query: Record<string, string>,
    body: string,
  ): DeleteOptions {
    const fromBody = Registry.decodeDeleteOptions(body);
    const grace = query.gracePeriodSeconds;
    const fromQuery: DeleteOptions = {
      propagationPolicy: query.propagationPolicy,
      gracePeriodSeconds: grace !== undefined ? Number(grace) : undefined,
      orphanDependents:
        query.orphanDependents !== undefined
          ? isTrue(query.orphanDependents)
          : undefined,
      dryRun: query.dryRun === 'All',
    };
    if (grace !== undefined && !/^-?\d+$/.test(grace)) {
      throw badRequest(
        `gracePeriodSeconds: Invalid value: "${grace}": must be an integer`,
      );
    }
    // A DeleteOptions body wins over query parameters.
    return {
      propagationPolicy:
        fromBody.propagationPolicy ?? fromQuery.propagationPolicy,
      gracePeriodSeconds:
        fromBody.gracePeriodSeconds ?? fromQuery.gracePeriodSeconds,
      orphanDependents: fromBody.orphanDependents ?? fromQuery.orphanDependents,
      preconditions: fromBody.preconditions,
      dryRun: fromBody.dryRun || fromQuery.dryRun,
    };
  }

  /** authorization.k8s.io/v1 SelfSubjectAccessReview (recording 06). */
  private async selfSubjectAccessReview(ctx: Context) {
    const body = await this.readBody(ctx.req);
    const parsed = parseJson(body);
    if (!parsed.ok || !isPlainObject(parsed.value)) {
      throw badRequest(
        `the object provided is unrecognized (must be of type SelfSubjectAccessReview): couldn't get version/kind; json parse error: ${
          parsed.ok ? 'not an object' : parsed.error
        }`,
      );
    }
    const spec = isPlainObject(parsed.value.spec) ? parsed.value.spec : {};
    const attrs = isPlainObject(spec.resourceAttributes)
      ? spec.resourceAttributes
      : undefined;
    const user = ctx.user!;
    let allowed = true;
    if (attrs) {
      allowed = isAllowed(user, {
        verb: String(attrs.verb ?? ''),
        group: String(attrs.group ?? ''),
        resource: String(attrs.resource ?? ''),
        subresource: attrs.subresource ? String(attrs.subresource) : undefined,
        namespace: attrs.namespace ? String(attrs.namespace) : undefined,
        name: attrs.name ? String(attrs.name) : undefined,
      });
    }
    const status: Record<string, unknown> = { allowed };
    if (allowed && user.rules) {
      status.reason = `RBAC: allowed by sandbox rules of User "${user.name}"`;
    }
    return this.sendJson(ctx, 201, {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec,
      status,
    });
  }
}
