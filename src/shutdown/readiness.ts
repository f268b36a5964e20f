/**
 * Readiness state and a small Kubernetes-style health server.
 *
 * @packageDocumentation
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Where the app is in its life:
 * - `starting`: up but not yet taking traffic;
 * - `ready`: taking traffic;
 * - `shutting-down`: a shutdown has begun; load balancers should stop sending traffic;
 * - `stopped`: the shutdown has finished.
 *
 * States only move forward, in that order.
 */
export type ReadinessState = 'starting' | 'ready' | 'shutting-down' | 'stopped';

/** Called after each state change. */
export type ReadinessListener = (state: ReadinessState, previous: ReadinessState) => void;

const ORDER: Record<ReadinessState, number> = { 'starting': 0, 'ready': 1, 'shutting-down': 2, 'stopped': 3 };

/**
 * The readiness state machine. Transitions only move forward, so a late
 * `markReady()` from a slow start-up cannot make a shutting-down app look
 * ready again.
 */
export class Readiness {
  #state: ReadinessState = 'starting';
  readonly #listeners = new Set<ReadinessListener>();

  /** The current state. */
  get state(): ReadinessState {
    return this.#state;
  }

  /** True only in the `ready` state: the app wants traffic. */
  get isReady(): boolean {
    return this.#state === 'ready';
  }

  /**
   * `starting` → `ready`.
   * @returns false (and changes nothing) when the state is already past `starting`
   */
  markReady(): boolean {
    return this.#moveTo('ready');
  }

  /**
   * → `shutting-down`; readiness probes fail from now on.
   * @returns false when a shutdown had already begun
   */
  markShuttingDown(): boolean {
    return this.#moveTo('shutting-down');
  }

  /**
   * → `stopped`.
   * @returns false when already stopped
   */
  markStopped(): boolean {
    return this.#moveTo('stopped');
  }

  /**
   * Subscribes to state changes. A listener that throws does not stop the
   * others nor the transition.
   * @returns a function that unsubscribes
   */
  onChange(listener: ReadinessListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #moveTo(next: ReadinessState): boolean {
    const previous = this.#state;
    if (ORDER[next] <= ORDER[previous]) return false;
    this.#state = next;
    for (const listener of [...this.#listeners]) {
      try {
        listener(next, previous);
      } catch {
        // A broken observer must not be able to block a shutdown.
      }
    }
    return true;
  }
}

/** Options of {@link startHealthServer}. */
export interface HealthServerOptions {
  /** TCP port; 0 (the default) picks a free one, see {@link HealthServer.port}. */
  readonly port?: number;
  /** Address to bind; by default all interfaces, as probes come from the node, not from localhost. */
  readonly host?: string;
  /** Liveness path, answered 200 while the process is up. Default `/live`. */
  readonly livePath?: string;
  /** Readiness path, answered 200 when ready and 503 otherwise. Default `/ready`. */
  readonly readyPath?: string;
}

/** A running health server. */
export interface HealthServer {
  /** The underlying server. */
  readonly server: http.Server;
  /** The port it listens on (useful with `port: 0`). */
  readonly port: number;
  /** Closes the server and every connection to it. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a health server answering Kubernetes-style probes:
 * - `GET /live`: 200 while the process is up, whatever the readiness state;
 *   restarting a process that is shutting down would only make things worse.
 * - `GET /ready`: 200 in the `ready` state, 503 otherwise, with the state as body.
 *
 * Other paths get 404, other methods than GET and HEAD get 405. Every answer
 * carries `Connection: close` so that probe connections never linger and the
 * server can be closed at once at the very end of a shutdown.
 *
 * @param readiness - the state to report
 * @param options - port, host and paths
 * @returns once the server is listening
 */
export async function startHealthServer(
  readiness: Readiness,
  options: HealthServerOptions = {},
): Promise<HealthServer> {
  const livePath = options.livePath ?? '/live';
  const readyPath = options.readyPath ?? '/ready';
  const server = http.createServer((req, res) => {
    res.setHeader('Connection', 'close');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    const path = (req.url ?? '/').split('?', 1)[0];
    let status: number;
    let body: string;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      status = 405;
      body = 'method not allowed';
    } else if (path === livePath) {
      status = 200;
      body = 'alive';
    } else if (path === readyPath) {
      status = readiness.isReady ? 200 : 503;
      body = readiness.state;
    } else {
      status = 404;
      body = 'not found';
    }
    res.writeHead(status);
    res.end(req.method === 'HEAD' ? undefined : `${body}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ port: options.port ?? 0, host: options.host }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    server,
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
