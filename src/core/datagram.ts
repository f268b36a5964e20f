// Unix datagram sockets, read with no polling and no thread: the notify
// protocol (systemd's NOTIFY_SOCKET) needs one, and Node has none.
//
// What was weighed: Node's dgram is UDP only (bind({fd}) refuses a unix
// socket), and net.Socket({fd}) refuses a datagram socket; forcing libuv's
// stream handle onto one through Node's internal bindings would read an empty
// datagram as end of file, and those bindings are not an API. A blocking read
// (fs.read, or an FFI call run on libuv's thread pool) would hold one of the
// pool's four threads for as long as a service stays silent; a non-blocking
// one needs a timer to try again, and an idle usher must have no wake-ups.
//
// So the kernel says when: each socket is non-blocking with O_ASYNC, and a
// datagram's arrival sends usher SIGIO, which Node delivers on the event loop
// like any signal. The listener then reads every socket until it would block.
// No arrival, no wake-up. SIGIO is thereby usher's own: supervisor mode does
// not pass it on to the services. The listener stays installed once a socket
// was opened: removing it would restore SIGIO's default action, and a SIGIO
// still on its way would then end usher (when it is not PID 1).
import { closeSync, unlinkSync } from 'node:fs';
import { openDatagramSocket, receiveDatagram, signalOnArrival, type ReceivedDatagram } from './libc.js';
import { onSignal } from './signal-pipe.js';

export type { ReceivedDatagram };

export interface ReceiverOptions {
  /** Datagrams taken from the socket per second at most (burst: as many at once). */
  maxPerSecond: number;
  onDatagram(datagram: ReceivedDatagram): void;
  /** The sender outpaces maxPerSecond: reading pauses (the kernel's queue then holds, and blocks, the sender). */
  onThrottled?(): void;
}

const open = new Set<DatagramReceiver>();
let listening = false;

function drainAll(): void {
  for (const receiver of open) receiver.drain();
}

export class DatagramReceiver {
  readonly #fd: number;
  #closed = false;
  #tokens: number;
  #refilledAt = Date.now();
  #resumeTimer: NodeJS.Timeout | undefined;

  /** Binds a socket at `path` (which must not exist) and delivers its datagrams as they arrive. */
  constructor(
    readonly path: string,
    private readonly options: ReceiverOptions,
  ) {
    this.#tokens = options.maxPerSecond;
    this.#fd = openDatagramSocket(path);
    if (!listening) {
      onSignal('SIGIO', drainAll);
      listening = true;
    }
    open.add(this);
    try {
      signalOnArrival(this.#fd);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** Takes what is waiting, up to the rate allowed; called on SIGIO. */
  drain(): void {
    if (this.#closed || this.#resumeTimer) return;
    const now = Date.now();
    const { maxPerSecond } = this.options;
    this.#tokens = Math.min(maxPerSecond, this.#tokens + ((now - this.#refilledAt) * maxPerSecond) / 1000);
    this.#refilledAt = now;
    while (this.#tokens >= 1) {
      let datagram: ReceivedDatagram | undefined;
      try {
        datagram = receiveDatagram(this.#fd);
      } catch {
        return; // an error on the socket: nothing more to read now
      }
      if (!datagram) return;
      this.#tokens--;
      try {
        this.options.onDatagram(datagram);
      } catch {
        // a message that could not be handled is dropped; it must not take usher (PID 1) down
      }
      if (this.#closed) return;
    }
    // Out of budget with datagrams possibly left: their SIGIO has been and
    // gone, so come back when a datagram's worth of budget is there again.
    this.options.onThrottled?.();
    this.#resumeTimer = setTimeout(() => {
      this.#resumeTimer = undefined;
      this.drain();
    }, Math.ceil(1000 / maxPerSecond));
  }

  /** Closes the socket and removes its path. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    open.delete(this);
    clearTimeout(this.#resumeTimer);
    this.#resumeTimer = undefined;
    try {
      closeSync(this.#fd);
    } catch {
      // already closed
    }
    try {
      unlinkSync(this.path);
    } catch {
      // gone already
    }
  }
}
