// The notify protocol of systemd (Type=notify, NOTIFY_SOCKET) for services
// with `ready: notify` or `live: { watchdog }`: each instance gets a unix
// datagram socket of its own, named in NOTIFY_SOCKET, and tells usher
// READY=1, STOPPING=1, STATUS=... and WATCHDOG=1 through it (sd_notify(3),
// `systemd-notify`, or usher-init/shutdown).
//
// Who may send: the socket sits in a directory of its own, 0700 and owned by
// the service's user, inside usher's private directory (0711: nobody may list
// it or create in it), so only that user and root can reach it. A message
// counts when its sender (the kernel's SCM_CREDENTIALS) is a process of the
// instance: in its session, or below its first process. A sender that has
// exited already (systemd-notify --no-block) cannot be placed; its message
// counts when its user is the service's or root, who could reach the service
// anyway. As systemd's NotifyAccess=all, any process of the service may send,
// which `systemd-notify --ready` (it sends from its own pid) needs.
//
// Messages are at most 4 KiB (systemd's own limit) and 100 a second per
// instance; descriptors passed along (systemd-notify's barrier) are closed by
// the kernel, unread.
import { lchownSync, mkdirSync, mkdtempSync, chmodSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatagramReceiver, type ReceivedDatagram } from '../core/datagram.js';
import { readProcessInfo } from '../core/proc-fs.js';
import { MAX_SOCKET_PATH_BYTES } from './control-protocol.js';
import type { ServiceConfig } from './types.js';

/** The longest message read; longer ones are dropped (systemd's limit too). */
export const NOTIFY_MAX_BYTES = 4096;
/** Messages read per second per instance; a faster sender is slowed down by the kernel's queue. */
export const NOTIFY_MAX_PER_SECOND = 100;
/** How far up the parent chain a sender is looked for below the instance's first process. */
const MAX_ANCESTRY = 64;

/** What the service told usher, for `usher ps`. */
export interface NotifyView {
  /** The last STATUS=. */
  status?: string;
  /** STOPPING=1 was sent. */
  stopping?: true;
}

/** Whether a service needs a NOTIFY_SOCKET. */
export function usesNotify(config: ServiceConfig): boolean {
  return config.ready?.probe.kind === 'notify' || config.live?.probe.kind === 'watchdog';
}

/** usher's private directory of notify sockets, created when the first is opened. */
export class NotifySockets {
  #dir: string | undefined;
  #opened = 0;

  /** A socket for a new instance of `service`; `warn` tells about messages that do not count. */
  open(service: ServiceConfig, warn: (text: string) => void): NotifyChannel {
    if (this.#dir === undefined) {
      const dir = mkdtempSync(join(tmpdir(), 'usher-notify-'));
      // Each service's user must pass through to its own directory; nobody may list or create.
      chmodSync(dir, 0o711);
      this.#dir = dir;
    }
    const instanceDir = join(this.#dir, `${service.name}.${++this.#opened}`);
    mkdirSync(instanceDir, { mode: 0o700 });
    const path = join(instanceDir, 'notify');
    if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
      removeDirectory(instanceDir);
      throw new Error(`its path ${path} is longer than a unix socket path may be (${MAX_SOCKET_PATH_BYTES} bytes): set TMPDIR to a shorter directory`);
    }
    try {
      const channel = new NotifyChannel(path, instanceDir, service, warn);
      // Bound while the directory was root's alone; handed over only now. lchown never follows a link.
      if (service.user) {
        lchownSync(path, service.user.uid, service.user.gid);
        lchownSync(instanceDir, service.user.uid, service.user.gid);
      }
      return channel;
    } catch (e) {
      removeDirectory(instanceDir);
      throw e;
    }
  }

  /** Removes the directory (each instance removed its own already). */
  close(): void {
    if (this.#dir !== undefined) removeDirectory(this.#dir);
    this.#dir = undefined;
  }
}

/** One instance's socket and what came through it. */
export class NotifyChannel {
  readonly #receiver: DatagramReceiver;
  /** The instance's first process: its session, and the root of its tree. */
  #sid = 0;
  #ready = false;
  #lastWatchdog = 0;
  #triggered = false;
  #view: NotifyView = {};
  readonly #wake = new Set<() => void>();
  readonly #warned = new Set<string>();
  #closed = false;

  constructor(
    readonly path: string,
    private readonly dir: string,
    private readonly service: ServiceConfig,
    private readonly warn: (text: string) => void,
  ) {
    this.#receiver = new DatagramReceiver(path, {
      maxPerSecond: NOTIFY_MAX_PER_SECOND,
      onDatagram: (d) => this.#receive(d),
      onThrottled: () => this.#warnOnce('rate', `more than ${NOTIFY_MAX_PER_SECOND} notify messages a second; reading them slowed down`),
    });
  }

  /** The instance is running: its first process is `sid` (it leads its session). */
  attach(sid: number): void {
    this.#sid = sid;
  }

  get ready(): boolean {
    return this.#ready;
  }
  /** Epoch ms of the last WATCHDOG=1; 0 before the first. */
  get lastWatchdog(): number {
    return this.#lastWatchdog;
  }
  /** WATCHDOG=trigger was sent: the service asks to be treated as hung. */
  get watchdogTriggered(): boolean {
    return this.#triggered;
  }
  get view(): NotifyView {
    return { ...this.#view };
  }

  /** Calls wake after each message that counted; returns the unsubscribe function. */
  subscribe(wake: () => void): () => void {
    this.#wake.add(wake);
    return () => this.#wake.delete(wake);
  }

  /** Closes the socket and removes its directory; what was said stays readable. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#receiver.close();
    removeDirectory(this.dir);
    this.#wake.clear();
  }

  #receive(datagram: ReceivedDatagram): void {
    if (datagram.truncated || datagram.bytes.length > NOTIFY_MAX_BYTES) {
      return this.#warnOnce('size', `a notify message longer than ${NOTIFY_MAX_BYTES} bytes was dropped`);
    }
    const refusal = this.#senderRefusal(datagram);
    if (refusal !== undefined) return this.#warnOnce('sender', `a notify message was dropped: ${refusal}`);
    let counted = false;
    for (const line of datagram.bytes.toString('utf8').split('\n')) {
      const eq = line.indexOf('=');
      if (eq <= 0) continue;
      const key = line.slice(0, eq);
      const value = line.slice(eq + 1);
      if (key === 'READY' && value === '1') this.#ready = counted = true;
      else if (key === 'STOPPING' && value === '1') (this.#view.stopping = true), (counted = true);
      else if (key === 'STATUS') (this.#view.status = value), (counted = true);
      else if (key === 'WATCHDOG' && value === '1') (this.#lastWatchdog = Date.now()), (counted = true);
      else if (key === 'WATCHDOG' && value === 'trigger') this.#triggered = counted = true;
    }
    if (counted) for (const wake of [...this.#wake]) wake();
  }

  /** Why the sender does not count, or undefined when it does. */
  #senderRefusal({ pid, uid }: ReceivedDatagram): string | undefined {
    const serviceUid = this.service.user?.uid ?? (process.geteuid?.() ?? 0);
    if (uid !== serviceUid && uid !== 0) return `sent by uid ${uid}, not the service's user`;
    if (pid <= 0 || this.#sid === 0) return undefined;
    let info = readProcessInfo(pid);
    // Exited already (or a zombie): cannot be placed; the user check above stands.
    if (!info || info.state === 'Z') return undefined;
    if (info.session === this.#sid) return undefined;
    for (let i = 0; i < MAX_ANCESTRY && info && info.ppid > 1; i++) {
      if (info.ppid === this.#sid) return undefined;
      info = readProcessInfo(info.ppid);
    }
    return `sent by pid ${pid}, which is not a process of ${this.service.name}`;
  }

  #warnOnce(kind: string, text: string): void {
    if (this.#warned.has(kind)) return;
    this.#warned.add(kind);
    this.warn(`${text} (further ones are not reported)`);
  }
}

function removeDirectory(dir: string): void {
  try {
    // Not recursive: a directory the service's user owns is never walked by root.
    rmdirSync(dir);
  } catch {
    // not empty (the service put something there) or gone: it is in usher's temporary directory
  }
}
