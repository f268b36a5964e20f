// The pod's health endpoint (`health: { port }` in usher.yaml):
//   GET /live   200 while usher is not shutting down, else 503
//   GET /ready  200 when every service with a `ready` check is ready and none
//               failed, else 503 with a short JSON body naming what is not ready
// anything else 404. Every response closes its connection, so close() never
// waits on an idle keep-alive socket of a kubelet or load balancer.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { AttachmentRefused, type ServiceStatus, type SupervisorControl } from './types.js';

export interface HealthServer {
  /** The port actually bound (differs from the one asked for only when that was 0). */
  readonly port: number;
  close(): Promise<void>;
}

/** The endpoint was asked for in the file: without it the pod's probes would fail later, so nothing is started. */
export class HealthServerError extends AttachmentRefused {
  override name = 'HealthServerError';
}

export async function startHealthServer(control: SupervisorControl, opts: { port: number; host: string }): Promise<HealthServer> {
  const server = createServer((req, res) => respond(control, req, res));
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'the port is already in use' : err.code === 'EACCES' ? 'permission denied' : err.message;
      reject(new HealthServerError(`the health server cannot listen on ${opts.host}:${opts.port}: ${why}; change health.port in the config`));
    });
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : opts.port;

  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function respond(control: SupervisorControl, req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  const method = req.method ?? 'GET';
  if ((method !== 'GET' && method !== 'HEAD') || (path !== '/live' && path !== '/ready')) {
    return send(res, method, 404, { error: 'not found: GET /live or GET /ready' });
  }
  if (path === '/live') {
    return control.isLive() ? send(res, method, 200, { live: true }) : send(res, method, 503, { live: false, reason: 'shutting down' });
  }
  if (control.isReady()) return send(res, method, 200, { ready: true });
  send(res, method, 503, { ready: false, ...notReady(control) });
}

/** What keeps /ready at 503, in a few words per service. */
function notReady(control: SupervisorControl): { shutting_down?: true; not_ready: { name: string; state: string; reason?: string }[] } {
  let services: ServiceStatus[] = [];
  try {
    services = control.status();
  } catch {
    // the 503 stands without the details
  }
  const not_ready = services
    .filter((s) => s.state === 'failed' || s.ready === false)
    .map((s) => ({ name: s.name, state: s.state, ...(s.reason ? { reason: s.reason } : {}) }));
  return control.isLive() ? { not_ready } : { shutting_down: true, not_ready };
}

function send(res: ServerResponse, method: string, status: number, body: object): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    connection: 'close',
  });
  res.end(method === 'HEAD' ? undefined : text);
}
