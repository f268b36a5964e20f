// Where usher writes the services' lines and its own events: fd 1 and fd 2.
//
// A pipe or socket is written through a non-blocking libuv stream, so a reader
// that stops reading never blocks usher's event loop (signals, reaping and the
// shutdown go on); the relay pauses the services' pipes instead (back-pressure).
// A reader that goes away (EPIPE) only silences the output: usher keeps
// supervising. Node ignores SIGPIPE, so the write fails instead of killing us.
import { closeSync, fstatSync, openSync, writeSync, type Stats } from 'node:fs';
import net from 'node:net';
import tty from 'node:tty';

export interface OutputSink {
  readonly isTTY: boolean;
  /** Queues text; false when the reader is behind and sources should pause until onDrain. */
  write(text: string | Buffer): boolean;
  /** Called once, when what was queued has been written (or the output is gone). */
  onDrain(listener: () => void): void;
  /** Resolves when everything queued is written, the output is gone, or at the deadline. */
  flush(deadline: number): Promise<void>;
}

const HIGH_WATER = 256 * 1024;

class StreamSink implements OutputSink {
  #closed = false;
  #drainListeners: (() => void)[] = [];

  constructor(
    private readonly stream: net.Socket | tty.WriteStream,
    readonly isTTY: boolean,
    fd: number,
  ) {
    stream.on('error', () => this.#close());
    stream.on('close', () => {
      this.#close();
      // Node closed the descriptor with the stream. Put /dev/null in its place,
      // so the next pipe usher opens for a service never lands on fd 1 or 2.
      holdDescriptor(fd);
    });
    stream.on('drain', () => this.#drained());
  }

  write(text: string | Buffer): boolean {
    if (this.#closed) return true;
    this.stream.write(text);
    return this.stream.writableLength < HIGH_WATER;
  }

  onDrain(listener: () => void): void {
    if (this.#closed || this.stream.writableLength === 0) return listener();
    this.#drainListeners.push(listener);
  }

  flush(deadline: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.#closed || this.stream.writableLength === 0) return resolve();
      const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      this.onDrain(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #drained(): void {
    for (const listener of this.#drainListeners.splice(0)) listener();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#drained();
  }
}

/** Regular files and devices such as /dev/null: a write never waits on a reader. */
class FileSink implements OutputSink {
  readonly isTTY = false;
  #closed = false;
  constructor(private readonly fd: number) {}
  write(text: string | Buffer): boolean {
    if (this.#closed) return true;
    try {
      if (typeof text === 'string') writeSync(this.fd, text);
      else writeSync(this.fd, text);
    } catch {
      this.#closed = true;
    }
    return true;
  }
  onDrain(listener: () => void): void {
    listener();
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
}

class NullSink implements OutputSink {
  readonly isTTY = false;
  write(): boolean {
    return true;
  }
  onDrain(listener: () => void): void {
    listener();
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
}

function holdDescriptor(fd: number): void {
  try {
    fstatSync(fd);
    return; // still (or again) open
  } catch {
    // closed: fill it
  }
  try {
    const got = openSync('/dev/null', 'w');
    if (got !== fd) closeSync(got);
  } catch {
    // nothing more to do
  }
}

function statOf(fd: number): Stats | undefined {
  try {
    return fstatSync(fd);
  } catch {
    return undefined;
  }
}

function openSink(fd: number, stat: Stats | undefined): OutputSink {
  if (!stat) return new NullSink();
  if (tty.isatty(fd)) {
    const stream = new tty.WriteStream(fd);
    // Node makes terminal writes blocking; a terminal that stops reading
    // (Ctrl-S, a stuck pty reader) would then freeze usher. libuv reopened the
    // terminal for its own file description, so this does not leak to others.
    (stream as unknown as { _handle?: { setBlocking?(blocking: boolean): number } })._handle?.setBlocking?.(false);
    return new StreamSink(stream, true, fd);
  }
  if (stat.isFIFO() || stat.isSocket()) {
    return new StreamSink(new net.Socket({ fd, readable: false, writable: true }), false, fd);
  }
  return new FileSink(fd);
}

/**
 * Sinks for fd 1 and fd 2. When both are the same pipe or terminal (`2>&1`,
 * `docker run -t`), they share one sink so that lines from the two never
 * interleave inside a write.
 */
export function openStdSinks(): { stdout: OutputSink; stderr: OutputSink } {
  const out = statOf(1);
  const err = statOf(2);
  const stdout = openSink(1, out);
  const same = out && err && out.dev === err.dev && out.ino === err.ino && !out.isFile();
  return { stdout, stderr: same ? stdout : openSink(2, err) };
}
