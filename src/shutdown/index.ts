/**
 * `usher-init/shutdown`: graceful shutdown for Node.js apps, in containers and
 * under usher.
 *
 * - {@link createLifecycle}: signals, ordered hooks with timeouts, an overall
 *   deadline, the exit code, attached HTTP servers and readiness, together.
 * - {@link ServerDrainer}: drains one `http`/`https`/`http2` server on its own,
 *   WebSockets and server-sent event streams included.
 * - {@link attachFastify}, {@link attachNest}: the frameworks whose own close
 *   must follow the drain; `usher-shutdown/next` is the Next.js preload.
 * - {@link createSupervisorNotifier}: `READY=1`/`STOPPING=1` to `NOTIFY_SOCKET`.
 * - {@link Readiness} and {@link startHealthServer}: readiness state and
 *   Kubernetes-style `/live` and `/ready` probes.
 * - {@link resolveDeadline}: how the deadline follows the budget usher announces.
 *
 * See docs/shutdown.md for usage and for how the deadline fits usher's stop
 * timeout and the container runtime's grace period.
 *
 * @packageDocumentation
 */
export {
  createLifecycle,
  Lifecycle,
  DEFAULT_SIGNALS,
  DEFAULT_FORCE_SIGNALS,
  DUPLICATE_SIGNAL_WINDOW_MS,
  type LifecycleOptions,
  type LifecycleEvent,
  type ShutdownHook,
  type HookContext,
  type HookOptions,
  type AttachServerOptions,
  type ShutdownReason,
  type ShutdownRequest,
  type ShutdownResult,
  type StepOutcome,
  type StepStatus,
  type StepKind,
} from './lifecycle.js';
export {
  ServerDrainer,
  DEFAULT_IDLE_GRACE_MS,
  DEFAULT_WEBSOCKET_CLOSE,
  isEventStream,
  type DrainableServer,
  type DrainReport,
  type ServerDrainerOptions,
  type WebSocketClose,
} from './http-drain.js';
export {
  attachFastify,
  attachNest,
  type FastifyLike,
  type FrameworkOptions,
  type NestApplicationLike,
} from './frameworks.js';
export {
  createSupervisorNotifier,
  NOTIFY_SOCKET_ENV,
  NOTIFY_PROGRAM,
  type NotifyOutcome,
  type SupervisorNotifier,
} from './notify.js';
export {
  Readiness,
  startHealthServer,
  type ReadinessState,
  type ReadinessListener,
  type HealthServer,
  type HealthServerOptions,
} from './readiness.js';
export {
  resolveDeadline,
  deadlineForBudget,
  DEFAULT_DEADLINE_MS,
  BUDGET_ENV_VAR,
  type DeadlineChoice,
  type DeadlineSource,
} from './budget.js';
