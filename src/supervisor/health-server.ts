// The pod's health endpoint (`health: { port, host }` in usher.yaml):
//   GET /live   200 while usher is not shutting down, else 503
//   GET /ready  200 when every service with a `ready` check is ready and none
//               failed, else 503 with a short JSON body naming what is not ready
//   GET /metrics   the services' states, restarts and exits, and the shutdown's
//               progress, in Prometheus's text format (metrics.ts)
// GET and HEAD only (405 otherwise), anything else 404.
//
// The port is open to the network (a kubelet probes the pod IP), so the server
// tells little and accepts little. /ready names services and their states, never
// a reason: a reason can quote a probe's command line and the secrets expanded
// into it (usher's log and `usher ps` have the details). A connection carries one
// small request, is answered with Connection: close, and is cut at an absolute
// deadline; only a few are open at once. So a slow or idle client (slowloris)
// neither holds a socket for long nor keeps close() waiting.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Server, Socket } from 'node:net';
import { formatMetrics, METRICS_CONTENT_TYPE } from './metrics.js';
import { AttachmentRefused, type ServiceStatus, type SupervisorControl } from './types.js';

/** Connections open at once; past it a new one is closed at accept. Probes come one at a time. */
export const MAX_CONNECTIONS = 32;
/** From accept to the last byte of the answer: a connection still open then is cut. */
export const CONNECTION_DEADLINE_MS = 5_000;
/** Request line and headers together; larger is answered 431 by node's parser. */
export const MAX_HEADER_BYTES = 4096;
/** The largest delay node's timers take (a longer one fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface HealthServer {
  /** The port actually bound (differs from the one asked for only when that was 0). */
  readonly port: number;
  /** The address actually bound: `0.0.0.0` when `::` was asked for on a kernel without IPv6. */
  readonly host: string;
  close(): Promise<void>;
}

/** The endpoint was asked for in the file: without it the pod's probes would fail later, so nothing is started. */
export class HealthServerError extends AttachmentRefused {
  override name = 'HealthServerError';
}

export async function startHealthServer(control: SupervisorControl, opts: { port: number; host: string }): Promise<HealthServer> {
  const server = createServer(
    {
      maxHeaderSize: MAX_HEADER_BYTES,
      // node enforces its own header and request timeouts from a timer that wakes
      // every connectionsCheckingInterval while the server listens. The deadline
      // per connection below does that job and exists only while a connection
      // does, so an idle usher keeps zero wake-ups: node's check is pushed away.
      connectionsCheckingInterval: MAX_TIMER_MS,
      requestTimeout: CONNECTION_DEADLINE_MS,
      headersTimeout: CONNECTION_DEADLINE_MS,
      keepAliveTimeout: 1_000,
    },
    (req, res) => respond(control, req, res),
  );
  server.maxConnections = MAX_CONNECTIONS;
  server.on('connection', cutAtDeadline);
  // `::` is every address, IPv6 and IPv4 (IPv6-only pods exist); a kernel
  // without IPv6 refuses it, and every IPv4 address is what was meant.
  const hosts = opts.host === '::' ? ['::', '0.0.0.0'] : [opts.host];
  let host: string;
  try {
    host = await listenOnFirst(server, opts.port, hosts);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EADDRINUSE' ? 'the port is already in use' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new HealthServerError(`the health server cannot listen on ${hostPort(opts.host, opts.port)}: ${why}; change health.port in the config`);
  }
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : opts.port;

  let closing: Promise<void> | undefined;
  return {
    port,
    host,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Errors of an address this machine does not have (no IPv6 in the kernel, an address of no interface). */
const ADDRESS_UNAVAILABLE = new Set(['EAFNOSUPPORT', 'EADDRNOTAVAIL']);

/**
 * Listens on the first of `hosts` the machine has; any other error (the port
 * is taken, permission denied) is thrown at once. Resolves to the host bound.
 */
export async function listenOnFirst(server: Server, port: number, hosts: readonly string[]): Promise<string> {
  for (const [i, host] of hosts.entries()) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return host;
    } catch (e) {
      if (i === hosts.length - 1 || !ADDRESS_UNAVAILABLE.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
    }
  }
  throw new Error('listenOnFirst: no address given');
}

function cutAtDeadline(socket: Socket): void {
  const timer = setTimeout(() => socket.destroy(), CONNECTION_DEADLINE_MS);
  socket.once('close', () => clearTimeout(timer));
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function respond(control: SupervisorControl, req: IncomingMessage, res: ServerResponse): void {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    return send(res, method, 405, { error: 'method not allowed: GET /live, /ready or /metrics' }, { allow: 'GET, HEAD' });
  }
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/metrics') return sendMetrics(control, res, method);
  if (path !== '/live' && path !== '/ready') return send(res, method, 404, { error: 'not found: GET /live, /ready or /metrics' });
  if (path === '/live') {
    return control.isLive() ? send(res, method, 200, { live: true }) : send(res, method, 503, { live: false, reason: 'shutting down' });
  }
  if (control.isReady()) return send(res, method, 200, { ready: true });
  send(res, method, 503, { ready: false, ...notReady(control) });
}

function sendMetrics(control: SupervisorControl, res: ServerResponse, method: string): void {
  let text: string;
  try {
    text = formatMetrics(control.metrics());
  } catch {
    // a request must never take usher down
    return send(res, method, 500, { error: 'metrics unavailable' });
  }
  sendText(res, method, text, METRICS_CONTENT_TYPE);
}

/** What keeps /ready at 503: names and states, nothing a service or its config said. */
function notReady(control: SupervisorControl): { shutting_down?: true; not_ready: { name: string; state: string }[] } {
  let services: ServiceStatus[] = [];
  try {
    services = control.status();
  } catch {
    // the 503 stands without the details
  }
  const not_ready = services.filter((s) => s.state === 'failed' || s.ready === false).map((s) => ({ name: s.name, state: s.state }));
  return control.isLive() ? { not_ready } : { shutting_down: true, not_ready };
}

function send(res: ServerResponse, method: string, status: number, body: object, extraHeaders: Record<string, string> = {}): void {
  sendText(res, method, `${JSON.stringify(body)}\n`, 'application/json', status, extraHeaders);
}

function sendText(res: ServerResponse, method: string, text: string, contentType: string, status = 200, extraHeaders: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    connection: 'close',
    ...extraHeaders,
  });
  res.end(method === 'HEAD' ? undefined : text);
}
