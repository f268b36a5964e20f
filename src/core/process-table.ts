// The one place that spawns children, knows them, and reaps every process that
// ends up parented to usher. The supervisor and the doctor use this same table.
//
// Reaping is waitpid(-1, WNOHANG) in a loop on every SIGCHLD: the only way to
// collect orphans that were re-parented to us. Because waitpid(-1) takes any
// child, nothing else in the process may wait for children: never use
// node:child_process next to a ProcessTable (libuv would race us for its own
// children and lose their exit statuses, or we would steal them from it).
import { EventEmitter } from 'node:events';
import { whileBehindOnSignals, onSignal } from './signal-pipe.js';
import {
  ERRNO,
  lastWaitStatus,
  processGroupOf,
  reapOne,
  sendSignal,
  spawnProcess,
  SystemCallError,
  type SessionMode,
  type SpawnUser,
  type StdioTarget,
} from './libc.js';
import {
  activationDescriptors,
  activationEnvironment,
  predictNextPid,
  readActivationOffer,
  type ActivationOffer,
} from './socket-activation.js';
import { decodeWaitStatus, type ExitStatus } from './wait-status.js';

export interface SpawnOptions {
  argv: readonly string[];
  /**
   * The program to execute; default argv[0], looked up in usher's own PATH
   * when it has no '/' (posix_spawnp). A caller whose child has another PATH
   * finds the program itself and passes its path here.
   */
  file?: string;
  /** Defaults to usher's own environment. */
  env?: NodeJS.ProcessEnv;
  session: SessionMode;
  foregroundTerminalFd?: number;
  /** fd 0, 1 and 2 of the child; default: usher's own. */
  stdio?: readonly [StdioTarget, StdioTarget, StdioTarget];
  cwd?: string;
  /** Run as this user (usher must be root). */
  user?: SpawnUser;
  controllingTerminal?: string;
  /**
   * Hand this child the sockets systemd-style socket activation gave usher
   * (socket-activation.ts). Without it, and when usher was given none, the
   * child gets no LISTEN_* variable: only 0, 1 and 2 are ever passed then.
   */
  socketActivation?: boolean;
}

/** A spawn that failed before the program ran: the program is missing or not executable. */
export class SpawnError extends Error {
  constructor(
    readonly file: string,
    readonly errno: number,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'SpawnError';
  }
  /** The shell's exit codes: 127 not found, 126 found but not executable. */
  get exitCode(): number {
    return this.errno === ERRNO.ENOENT || this.errno === ERRNO.ENOTDIR ? 127 : 126;
  }
}

export class ChildProcess {
  #status: ExitStatus | undefined;
  #resolve!: (status: ExitStatus) => void;
  /** Settles when the child has been reaped. */
  readonly exited: Promise<ExitStatus>;

  constructor(
    readonly pid: number,
    /** Process group the child leads, or usher's own group when it shares it. */
    readonly pgid: number,
    readonly argv: readonly string[],
    /** With socket activation: how many sockets it got, and the LISTEN_PID it was told (its own pid unless the prediction missed). */
    readonly activation?: { sockets: number; listenPid: number | undefined },
  ) {
    this.exited = new Promise((resolve) => (this.#resolve = resolve));
  }

  get running(): boolean {
    return this.#status === undefined;
  }

  get status(): ExitStatus | undefined {
    return this.#status;
  }

  /** Signals the child alone. False if it is already gone. */
  signal(signal: number): boolean {
    return this.running && sendSignal(this.pid, signal);
  }

  /** Signals the child's whole process group. False if the group is empty. */
  signalGroup(signal: number): boolean {
    return sendSignal(-this.pgid, signal);
  }

  /** @internal called by the table when waitpid returned this pid. */
  settle(status: ExitStatus): void {
    this.#status = status;
    this.#resolve(status);
  }
}

export interface ProcessTableEvents {
  /** A child spawned through this table ended. */
  exit: [child: ChildProcess, status: ExitStatus];
  /** A process usher did not spawn (an orphan re-parented to it) was reaped. */
  orphan: [pid: number, status: ExitStatus];
  /** SIGCHLD arrived; emitted before the reaping it causes. */
  sigchld: [];
  /** A reaping pass found nothing more to reap: children are left (still running), or none at all. */
  idle: [childrenLeft: boolean];
}

let existing: ProcessTable | undefined;

/** Spawns and reaps so far: what was read from /proc about usher's children holds while this stays the same. */
let changes = 0;

export function processTableChanges(): number {
  return changes;
}

export class ProcessTable extends EventEmitter<ProcessTableEvents> {
  readonly #children = new Map<number, ChildProcess>();
  readonly #onSigchld = () => {
    this.emit('sigchld');
    this.reap();
  };
  // Signal listeners do not keep Node's event loop alive; while children run this
  // timer does, and it fires once every 24.8 days, so an idle usher stays idle.
  #keepAlive: NodeJS.Timeout | undefined;

  /** There is one reaper per process: a second table would steal exit statuses. */
  static open(): ProcessTable {
    existing ??= new ProcessTable();
    return existing;
  }

  /**
   * What usher's own environment offers for socket activation, read when the
   * table is created: before usher opens a socket of its own at fd 3 or above.
   */
  readonly activationOffer: ActivationOffer = readActivationOffer(process.env, process.pid);

  // A SIGCHLD can be lost in a storm of signals (signal-pipe.ts): while one
  // lasts, every signal that arrives also runs a reaping pass.
  readonly #stopListening: (() => void)[];

  private constructor() {
    super();
    this.#stopListening = [onSignal('SIGCHLD', this.#onSigchld), whileBehindOnSignals(() => this.reap())];
  }

  spawn(options: SpawnOptions): ChildProcess {
    const file = options.file ?? options.argv[0];
    if (file === undefined || options.argv.length === 0) throw new Error('spawn: empty argv');
    const offer = options.socketActivation ? this.activationOffer : undefined;
    const sockets = offer ? activationDescriptors(offer) : [];
    const listenPid = sockets.length > 0 ? predictNextPid() : undefined;
    const env = Object.entries(activationEnvironment(options.env ?? process.env, offer, listenPid))
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([k, v]) => `${k}=${v}`);
    let pid: number;
    try {
      pid = spawnProcess({
        file,
        argv: options.argv,
        env,
        session: options.session,
        inheritFds: [0, 1, 2, ...sockets],
        ...(options.foregroundTerminalFd !== undefined ? { foregroundTerminalFd: options.foregroundTerminalFd } : {}),
        ...(options.stdio ? { stdio: options.stdio } : {}),
        ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
        ...(options.user ? { user: options.user } : {}),
        ...(options.controllingTerminal !== undefined ? { controllingTerminal: options.controllingTerminal } : {}),
      });
    } catch (err) {
      if (err instanceof SystemCallError) throw new SpawnError(file, err.errno, err.message.replace(/^[^:]*: /, ''));
      throw err;
    }
    const pgid = options.session === 'inherit' ? processGroupOf(0) : pid;
    changes++;
    const child = new ChildProcess(pid, pgid, options.argv, sockets.length > 0 ? { sockets: sockets.length, listenPid } : undefined);
    this.#children.set(pid, child);
    this.#keepAlive ??= setInterval(() => {}, 0x7fffffff);
    return child;
  }

  get(pid: number): ChildProcess | undefined {
    return this.#children.get(pid);
  }

  /** Children spawned through this table that have not been reaped yet. */
  running(): ChildProcess[] {
    return [...this.#children.values()];
  }

  /**
   * Collects every child that has ended. Runs on SIGCHLD; safe to call at any
   * time (a signal may have been coalesced with another).
   */
  reap(): void {
    let pid: number;
    while ((pid = reapOne()) > 0) {
      changes++;
      const status = decodeWaitStatus(lastWaitStatus());
      const child = this.#children.get(pid);
      if (child) {
        this.#children.delete(pid);
        child.settle(status);
        this.emit('exit', child, status);
      } else {
        this.emit('orphan', pid, status);
      }
    }
    this.emit('idle', pid === 0);
    if (this.#children.size === 0 && this.#keepAlive) {
      clearInterval(this.#keepAlive);
      this.#keepAlive = undefined;
    }
  }

  /** Stops listening for SIGCHLD; for tests and for a clean exit. */
  close(): void {
    for (const stop of this.#stopListening) stop();
    if (this.#keepAlive) clearInterval(this.#keepAlive);
    this.#keepAlive = undefined;
    if (existing === this) existing = undefined;
  }
}
