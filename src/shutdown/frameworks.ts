/**
 * Integrations for frameworks whose own shutdown must run after the drain,
 * or whose signal handling gets in the way. They depend on no framework:
 * each takes the few members it uses, and is checked against the real one
 * in the tests.
 *
 * @packageDocumentation
 */
import type { DrainableServer, ServerDrainer } from './http-drain.js';
import type { AttachServerOptions, HookOptions, Lifecycle, ShutdownReason } from './lifecycle.js';

/** What {@link attachFastify} uses of a Fastify instance. */
export interface FastifyLike {
  /** The Node server Fastify created (it exists before `listen()`). */
  readonly server: DrainableServer;
  /** Runs Fastify's `preClose` and `onClose` hooks. */
  close(): PromiseLike<unknown>;
}

/** What {@link attachNest} uses of a Nest application. */
export interface NestApplicationLike {
  getHttpServer(): unknown;
  /** Runs Nest's destroy and shutdown hooks, with the signal name. */
  close(signal?: string): Promise<void>;
}

/** Options of {@link attachFastify} and {@link attachNest}. */
export interface FrameworkOptions extends AttachServerOptions {
  /** Milliseconds the framework's own close (its hooks) may take; default the lifecycle's hook timeout. */
  readonly closeTimeout?: number;
}

/**
 * Registers the server drain and then the framework's close so that they run
 * in that order, whatever the lifecycle's step order.
 */
function drainThenClose(
  lifecycle: Lifecycle,
  server: DrainableServer,
  name: string,
  close: (reason: ShutdownReason) => Promise<unknown>,
  options: FrameworkOptions,
): ServerDrainer {
  const { closeTimeout, ...attachOptions } = options;
  const hookOptions: HookOptions = closeTimeout === undefined ? {} : { timeout: closeTimeout };
  const addClose = (): void => void lifecycle.addHook(name, ({ reason }) => close(reason).then(() => undefined), hookOptions);
  // Steps run last registered first, unless the lifecycle says otherwise.
  if (lifecycle.order === 'reverse') {
    addClose();
    return lifecycle.attachServer(server, attachOptions);
  }
  const drainer = lifecycle.attachServer(server, attachOptions);
  addClose();
  return drainer;
}

/**
 * Fastify: drains `fastify.server`, then calls `fastify.close()` so that the
 * app's `onClose` hooks (database pools and the like) run once no request is
 * in flight. Call it before `fastify.listen()`; no other hook should call
 * `fastify.close()`.
 *
 * @example
 * ```ts
 * const app = Fastify();
 * const lifecycle = createLifecycle();
 * attachFastify(lifecycle, app);
 * await app.listen({ port: 8080, host: '0.0.0.0' });
 * lifecycle.ready();
 * ```
 * @returns the server's drainer
 */
export function attachFastify(lifecycle: Lifecycle, fastify: FastifyLike, options: FrameworkOptions = {}): ServerDrainer {
  return drainThenClose(lifecycle, fastify.server, options.name === undefined ? 'fastify' : `${options.name} (fastify close)`,
    () => Promise.resolve(fastify.close()), options);
}

/** Nest keeps the signals of `enableShutdownHooks()` here; not public API, only read to warn. */
interface NestWithSignals {
  activeShutdownSignals?: unknown;
}

/**
 * NestJS (on Express or Fastify), replacing `app.enableShutdownHooks()`:
 * drains the HTTP server, then calls `app.close(signal)`, so that
 * `onModuleDestroy`, `beforeApplicationShutdown(signal)` and
 * `onApplicationShutdown(signal)` run once no request is in flight and
 * receive the signal's name (`SIGTERM`; undefined for `lifecycle.shutdown()`).
 * Unlike `enableShutdownHooks()`, nothing re-raises the signal: the process
 * exits with the lifecycle's exit code.
 *
 * Do not also call `app.enableShutdownHooks()`: Nest would close the app
 * beside the drain and then kill the process with the signal again (exit 143).
 *
 * @example
 * ```ts
 * const app = await NestFactory.create(AppModule);
 * const lifecycle = createLifecycle();
 * attachNest(lifecycle, app);
 * await app.listen(8080);
 * lifecycle.ready();
 * ```
 * @returns the server's drainer
 */
export function attachNest(lifecycle: Lifecycle, app: NestApplicationLike, options: FrameworkOptions = {}): ServerDrainer {
  const warnIfNestHandlesSignals = (): void => {
    const signals = (app as NestWithSignals).activeShutdownSignals;
    if (Array.isArray(signals) && signals.length > 0) {
      process.emitWarning('app.enableShutdownHooks() is active beside attachNest(): Nest will close the app during the drain ' +
        'and kill the process with the signal again (exit 143). Remove the enableShutdownHooks() call.', { code: 'USHER_NEST_SHUTDOWN_HOOKS' });
    }
  };
  warnIfNestHandlesSignals();
  lifecycle.readiness.onChange((state) => {
    if (state === 'shutting-down') warnIfNestHandlesSignals();
  });
  return drainThenClose(lifecycle, app.getHttpServer() as DrainableServer, options.name === undefined ? 'nest' : `${options.name} (nest close)`,
    (reason) => app.close(reason.type === 'signal' ? reason.signal : undefined), options);
}
