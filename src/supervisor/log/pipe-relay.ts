// Relays one service stream (the read end of its stdout or stderr pipe) to
// usher's output, line by line. The pipe is read through a non-blocking libuv
// handle (never a thread-pool read, which would hold a worker per service);
// when usher's output is behind, reading pauses, so the service blocks on its
// own writes instead of usher buffering without bound.
import net from 'node:net';
import { LineSplitter, type LinePiece } from './line-splitter.js';
import type { LogOutput, StreamName } from './log-output.js';

export class PipeRelay {
  /** Settles at end of file: every writer of the pipe has closed it and every line is written. */
  readonly ended: Promise<void>;
  readonly #socket: net.Socket;
  readonly #splitter = new LineSplitter();
  #continuing = false;

  constructor(
    fd: number,
    readonly service: string,
    readonly stream: StreamName,
    private readonly output: LogOutput,
    private readonly onLines: (pieces: readonly LinePiece[]) => void,
  ) {
    this.#socket = new net.Socket({ fd, readable: true, writable: false });
    this.ended = new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        // The last line may have no '\n': it is still a line.
        this.#write(this.#splitter.end());
        resolve();
      };
      this.#socket.on('end', finish);
      // A read error ends the stream the same way: nothing more will come.
      this.#socket.on('error', finish);
      this.#socket.on('close', finish);
    });
    this.#socket.on('data', (chunk: Buffer) => this.#write(this.#splitter.push(chunk)));
  }

  #write(pieces: LinePiece[]): void {
    if (pieces.length === 0) return;
    const keepUp = this.output.lines(this.service, this.stream, pieces, this.#continuing);
    this.#continuing = (pieces[pieces.length - 1] as LinePiece).continued;
    this.onLines(pieces);
    if (!keepUp && !this.#socket.isPaused()) {
      this.#socket.pause();
      this.output.sinkFor(this.stream).onDrain(() => this.#socket.resume());
    }
  }

  /** Stops reading (the writers are gone or no longer ours); the pipe is closed. */
  close(): void {
    this.#socket.destroy();
  }
}
