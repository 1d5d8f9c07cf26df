/*
 * A round-robin proxy in front of the replicas, as a load balancer would be: each HTTP request
 * and each WebSocket goes to the next replica in turn (no stickiness), on 127.0.0.1 only. HTTP
 * answers say which replica answered (`x-load-replica`), so the load run can tell where a Run
 * happened. WebSockets are piped byte for byte after the upgrade request.
 */
import http from 'node:http';
import net from 'node:net';
import { AddressInfo } from 'node:net';

/** Says which replica answered an HTTP request through the proxy. */
export const REPLICA_HEADER = 'x-load-replica';

export interface ProxyTarget {
  name: string;
  /** `http://host:port` of the replica. */
  origin: string;
}

export interface ReplicaProxy {
  /** `http://127.0.0.1:port` */
  origin: string;
  /** HTTP requests and WebSockets sent to each replica so far, by name. */
  counts(): Record<string, { requests: number; sockets: number }>;
  /** Requests answered 502 so far, by the error code of the request to the replica. */
  errors(): Record<string, number>;
  close(): Promise<void>;
}

export async function startReplicaProxy(
  targets: ProxyTarget[],
): Promise<ReplicaProxy> {
  const upstreams = targets.map(t => {
    const url = new URL(t.origin);
    return {
      name: t.name,
      host: url.hostname === 'localhost' ? '127.0.0.1' : url.hostname,
      port: Number(url.port),
      agent: new http.Agent({ keepAlive: true }),
      requests: 0,
      sockets: 0,
    };
  });
  // Requests and sockets take turns apart, so that both are split evenly whatever their order.
  const turns = { request: 0, socket: 0 };
  const next = (kind: keyof typeof turns) =>
    upstreams[turns[kind]++ % upstreams.length];
  const open = new Set<net.Socket>();
  const errors: Record<string, number> = {};
  const track = (socket: net.Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };

  const server = http.createServer((req, res) => {
    const upstream = next('request');
    upstream.requests++;
    // A kept-alive connection the replica closed just as it was reused fails at once with
    // ECONNRESET: a GET is sent again, once, on a new connection, as load balancers do (Node's
    // documentation gives the same advice). Anything else is a 502.
    const idempotent = req.method === 'GET' || req.method === 'HEAD';
    const send = (retry: boolean) => {
      const forward = http.request(
        {
          host: upstream.host,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
          agent: upstream.agent,
        },
        answer => {
          res.writeHead(answer.statusCode ?? 502, {
            ...answer.headers,
            [REPLICA_HEADER]: upstream.name,
          });
          answer.pipe(res);
        },
      );
      forward.on('error', (error: NodeJS.ErrnoException) => {
        if (
          retry &&
          idempotent &&
          forward.reusedSocket &&
          error.code === 'ECONNRESET' &&
          !res.headersSent
        ) {
          send(false);
          return;
        }
        const code = error.code ?? error.name;
        errors[code] = (errors[code] ?? 0) + 1;
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      if (idempotent) forward.end();
      else req.pipe(forward);
    };
    send(true);
  });
  server.on('connection', track);

  server.on('upgrade', (req, client: net.Socket, head: Buffer) => {
    const upstream = next('socket');
    upstream.sockets++;
    const target = net.connect(upstream.port, upstream.host, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      }
      target.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) target.write(head);
      target.pipe(client);
      client.pipe(target);
    });
    track(target);
    const close = () => {
      client.destroy();
      target.destroy();
    };
    target.on('error', close);
    client.on('error', close);
    target.on('close', close);
    client.on('close', close);
  });

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    counts: () =>
      Object.fromEntries(
        upstreams.map(u => [
          u.name,
          { requests: u.requests, sockets: u.sockets },
        ]),
      ),
    errors: () => ({ ...errors }),
    close: async () => {
      for (const socket of open) socket.destroy();
      upstreams.forEach(u => u.agent.destroy());
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}
