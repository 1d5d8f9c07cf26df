import http from 'node:http';
import https from 'node:https';

/** What a connection is made with: two requests may share one only if all of these match. */
const TLS_OPTIONS = [
  'ca',
  'cert',
  'key',
  'pfx',
  'passphrase',
  'rejectUnauthorized',
  'servername',
] as const;

/** The TLS settings a pool was made with, by name (see {@link TLS_OPTIONS}). */
type TlsSettings = Record<string, unknown>;

/**
 * How long a connection may stay idle before it is closed: shorter than the idle timeouts
 * of the load balancers in front of managed apiservers (minutes), so a connection is not
 * reused just as the other end drops it. A server that says its own keep-alive timeout
 * (a `Keep-Alive` header) is believed when it is shorter.
 */
const IDLE_MS = 30_000;

/** How long a replaced connection pool stays open for calls still on it. */
const RETIRE_MS = 60_000;

/**
 * Connections to the clusters, kept open between calls. The Kubernetes client builds a new
 * agent for every request, so every call would open a new TCP connection and do a full TLS
 * handshake, costing the apiserver and the backend more than the request itself. Calls to
 * one cluster made with the same TLS settings (CA, client certificate, server name) share a
 * keep-alive agent instead; new settings (a rotated client certificate) get a new agent and
 * the old one is closed once the calls on it are over. Bearer tokens are per request (a
 * header), so a fresh token keeps the connection.
 */
export class ClusterConnections {
  private readonly pools = new Map<
    string,
    { kind: 'http' | 'https'; settings: TlsSettings; agent: http.Agent }
  >();
  private readonly retiring = new Set<NodeJS.Timeout>();
  private closed = false;

  /**
   * The agent to send a request to `cluster` with, in place of `made` (the one the client
   * built for this request). Agents of other kinds (proxies) are used as they are.
   */
  agentFor(cluster: string, made: http.Agent): http.Agent {
    if (this.closed) return made;
    const kind = agentKind(made);
    if (!kind) return made;
    const { options } = made as http.Agent & {
      options: Record<string, unknown>;
    };
    const pool = this.pools.get(cluster);
    if (pool?.kind === kind && sameSettings(pool.settings, options)) {
      return pool.agent;
    }
    const settings: TlsSettings = {};
    for (const name of TLS_OPTIONS) {
      if (options[name] !== undefined) settings[name] = options[name];
    }
    const agentOptions = { ...settings, keepAlive: true, timeout: IDLE_MS };
    const agent =
      kind === 'https'
        ? new https.Agent(agentOptions)
        : new http.Agent(agentOptions);
    this.pools.set(cluster, { kind, settings, agent });
    if (pool) this.retire(pool.agent);
    return agent;
  }

  /** Closes every connection (at shutdown). */
  close(): void {
    this.closed = true;
    for (const timer of this.retiring) clearTimeout(timer);
    this.retiring.clear();
    for (const { agent } of this.pools.values()) agent.destroy();
    this.pools.clear();
  }

  private retire(agent: http.Agent) {
    const timer = setTimeout(() => {
      this.retiring.delete(timer);
      agent.destroy();
    }, RETIRE_MS);
    timer.unref();
    this.retiring.add(timer);
  }
}

/** Plain http or https agents only: a proxy agent subclass connects its own way. */
function agentKind(agent: http.Agent): 'http' | 'https' | undefined {
  const { constructor } = agent;
  if (constructor === https.Agent) return 'https';
  if (constructor === http.Agent) return 'http';
  return undefined;
}

/**
 * Whether a request's TLS settings are those a pool was made with, compared by value: the
 * Kubernetes client decodes the certificates anew for every request. (The agent holds these
 * settings anyway; no copy is kept anywhere else.)
 */
function sameSettings(
  pool: TlsSettings,
  options: Record<string, unknown>,
): boolean {
  return TLS_OPTIONS.every(name => sameValue(pool[name], options[name]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  // Lists of certificates, or a value of another kind than the other.
  return (
    typeof a === 'object' &&
    typeof b === 'object' &&
    a !== null &&
    b !== null &&
    JSON.stringify(a) === JSON.stringify(b)
  );
}
