/**
 * Next.js standalone (`output: 'standalone'`), as a preload:
 *
 * ```sh
 * node --import usher-shutdown/next server.js
 * ```
 *
 * The generated `server.js` neither exposes its server nor lets anyone else
 * handle SIGTERM: its own handler closes the server the racy way and exits
 * with 143. This preload, loaded before `server.js`:
 * - sets `NEXT_MANUAL_SIG_HANDLE`, so that Next installs no signal handler;
 * - creates the lifecycle (its options from the environment: the deadline
 *   from `USHER_SHUTDOWN_BUDGET_MS`, `NOTIFY_SOCKET`);
 * - attaches the first HTTP server the process creates (Next's) before it
 *   listens, and marks the app ready when it does.
 *
 * Next's own close, which awaits pending `after()` work, does not run.
 *
 * @packageDocumentation
 */
import http from 'node:http';
import https from 'node:https';
import type { DrainableServer } from './http-drain.js';
import { createLifecycle, type Lifecycle } from './lifecycle.js';

process.env['NEXT_MANUAL_SIG_HANDLE'] = 'true';

/** The lifecycle of the Next.js process: add hooks to it from your own preload or instrumentation. */
export const lifecycle: Lifecycle = createLifecycle();

type CreateServer = (...args: unknown[]) => DrainableServer;

const originals = { http: http.createServer, https: https.createServer };

function restore(): void {
  http.createServer = originals.http;
  https.createServer = originals.https;
}

function capturing(original: CreateServer): CreateServer {
  return function (this: unknown, ...args: unknown[]): DrainableServer {
    restore();
    const server = original.apply(this, args);
    lifecycle.attachServer(server, { name: 'next' });
    server.once('listening', () => lifecycle.ready());
    return server;
  };
}

http.createServer = capturing(originals.http as CreateServer) as typeof http.createServer;
https.createServer = capturing(originals.https as CreateServer) as typeof https.createServer;
