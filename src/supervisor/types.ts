// The contract between the parts of supervisor mode: the config loader
// produces a SupervisorConfig (every default applied, every duration in ms,
// every name resolved); the runtime consumes it and exposes SupervisorControl,
// which the control socket (usher ps/start/stop/restart/signal) and the health
// server (/live, /ready) use. Nothing here has behaviour.

/** How a dependant waits for a dependency (`depends_on`). */
export type DependencyCondition = 'started' | 'ready' | 'completed';

export type Probe =
  /** A TCP connect succeeds. */
  | { kind: 'tcp'; host: string; port: number }
  /** GET answers 2xx or 3xx. */
  | { kind: 'http'; url: string }
  /** The command exits 0 (a string command runs through /bin/sh -c). */
  | { kind: 'exec'; argv: string[] }
  /** A line of the service's stdout or stderr matches. */
  | { kind: 'log'; pattern: LinePattern }
  /** The service is still running this long after it started. */
  | { kind: 'delay'; ms: number }
  /** The service sends READY=1 to its NOTIFY_SOCKET (ready only). */
  | { kind: 'notify' }
  /** The service sends WATCHDOG=1 to its NOTIFY_SOCKET at least this often (live only). */
  | { kind: 'watchdog'; ms: number };

/** A compiled `log:` pattern (probes/line-pattern.ts): matching takes time linear in the line. */
export interface LinePattern {
  /** As written in the file. */
  readonly source: string;
  /** True when the pattern matches somewhere in the line. */
  test(line: string): boolean;
}

export interface ReadySpec {
  probe: Probe;
  /** Between two attempts. */
  intervalMs: number;
  /** Not ready by then (from the start of the service): the service failed to become ready. */
  timeoutMs: number;
}

export interface LiveSpec {
  probe: Probe;
  intervalMs: number;
  /** One attempt's bound. */
  timeoutMs: number;
  /** Consecutive failed attempts that count as dead (restart per policy). */
  failures: number;
}

export type RestartPolicy = 'no' | 'on-failure' | 'always';

export interface UserSpec {
  /** As written in the file, for messages. */
  spec: string;
  uid: number;
  gid: number;
  /** Supplementary groups (from /etc/group), the primary gid included. */
  groups: number[];
  /** For HOME/USER/LOGNAME in the service's environment, when known from /etc/passwd. */
  name?: string;
  home?: string;
}

export interface ServiceConfig {
  name: string;
  /** What is executed: the argv list, or ['/bin/sh', '-c', string]. */
  argv: string[];
  /** The command as written (string or list), for messages and --check. */
  commandText: string;
  cwd?: string;
  /** The service's own variables (env_file first, then env; ${VAR} already expanded), added to usher's environment. */
  env: Record<string, string>;
  user?: UserSpec;
  dependsOn: { name: string; condition: DependencyCondition }[];
  ready?: ReadySpec;
  live?: LiveSpec;
  restart: RestartPolicy;
  /** Restarts in a row (none of them running stableAfterMs); undefined: no limit. */
  maxRestarts?: number;
  /** An instance that runs this long is a stable start: the max_restarts count and the back-off start over. */
  stableAfterMs: number;
  /** Not started with the others; only by `usher start` (it begins 'stopped'). */
  disabled: boolean;
  backoff: { initialMs: number; maxMs: number };
  /** Signal number, sent to the service's whole process group (or its main process: signalGroup). */
  stopSignal: number;
  stopTimeoutMs: number;
  /**
   * true: the stop signal, passed-on signals and `usher signal` reach every
   * process group of the service's session. false: its main process only;
   * what is left once it has exited gets the stop signal afterwards.
   */
  signalGroup: boolean;
  /** When it fails for good (exits with no restart left, or fails its dependencies), the container stops. */
  critical: boolean;
  /** When it ends at all (completed too), everything stops with its status: foreman's rule for Procfile entries. */
  exitOnEnd: boolean;
}

export interface SupervisorConfig {
  /** Absolute path of the file read (the first, when several were merged). */
  file: string;
  /** Every file merged into this config, in merge order (includes before the file naming them), when more than one. */
  files?: string[];
  format: 'yaml' | 'procfile';
  /** The whole shutdown budget. */
  graceMs: number;
  health?: { port: number; host: string };
  /** In the order of the file. */
  services: ServiceConfig[];
  /** Start order as waves: every service of a wave depends only on earlier waves. */
  startOrder: string[][];
}

export type ServiceState =
  /** Waiting for its dependencies. */
  | 'waiting'
  /** Running, its ready probe not passed yet. */
  | 'starting'
  /** Running (and ready, when it has a ready probe). */
  | 'running'
  /** Ended, waiting for its back-off before the next start. */
  | 'backoff'
  /** Its stop signal was sent; waiting for it to end. */
  | 'stopping'
  /** Stopped on request (usher stop, or shutdown). */
  | 'stopped'
  /** Exited 0 and not restarted (a one-shot job). */
  | 'completed'
  /** Exited non-zero with no restart left, failed its ready probe, or a dependency failed. */
  | 'failed';

export interface ServiceStatus {
  name: string;
  pid: number | null;
  state: ServiceState;
  /** null: the service has no ready probe. */
  ready: boolean | null;
  restarts: number;
  /** Epoch ms of the current instance's start; null when not running. */
  startedAt: number | null;
  lastExit: { code: number | null; signal: string | null; at: number } | null;
  /** Why it failed, when state is 'failed'. */
  reason?: string;
  /** What a service with a NOTIFY_SOCKET said: its last STATUS=, and STOPPING=1. */
  notify?: { status?: string; stopping?: true };
}

/** What the control socket and the health server may ask of a running supervisor. */
export interface SupervisorControl {
  status(): ServiceStatus[];
  /** Starts a stopped, completed or failed service (dependencies are not started for it). */
  start(name: string): Promise<void>;
  /** Stops one service with its stop signal and timeout; it stays stopped until started. */
  stop(name: string): Promise<void>;
  restart(name: string): Promise<void>;
  /** Sends a signal to the service's process groups (its main process only with signal_group: false). */
  signal(name: string, signal: number): void;
  /** Every service with a ready probe is ready, and none is failed. */
  isReady(): boolean;
  /** usher is not shutting down. */
  isLive(): boolean;
  /** What GET /metrics reports. */
  metrics(): MetricsSnapshot;
}

/** The supervisor's numbers for GET /metrics (metrics.ts picks what it shows: never a reason). */
export interface MetricsSnapshot {
  /** Epoch ms the snapshot was taken at. */
  now: number;
  /** stateSince: epoch ms the service entered its current state. */
  services: { status: ServiceStatus; stateSince: number }[];
  shutdown: {
    /** Epoch ms; null before any shutdown. */
    startedAt: number | null;
    /** Epoch ms; null until it is over. */
    endedAt: number | null;
    /** Processes usher had to SIGKILL (stop_timeout or grace ran out). */
    killed: number;
  };
}

/** A control request fails with this: unknown service, wrong state; the message is for the user. */
export class ControlError extends Error {
  override name = 'ControlError';
}

/**
 * Thrown by something usher serves beside the services (the control socket,
 * the health endpoint) when it cannot be opened for a reason the user must fix
 * first: another usher already answers on the socket, the health port is taken.
 * usher then starts nothing and exits 2. Any other error of an attachment (say
 * a read-only /run) only leaves that attachment out, with a warning.
 */
export class AttachmentRefused extends Error {
  override name = 'AttachmentRefused';
}
