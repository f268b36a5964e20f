// Cuts one stream of bytes into whole lines. Each service's stdout and stderr
// has its own splitter, so a line is only ever made of one stream's bytes; the
// relay writes whole lines only, so two services never share an output line.

/** A line longer than this is cut into pieces of at most this many bytes. */
export const MAX_LINE_BYTES = 64 * 1024;

export interface LinePiece {
  /** The line's bytes (a view: copy them to keep them beyond the current chunk). */
  bytes: Buffer;
  /** True when the line goes on in the next piece (it was longer than MAX_LINE_BYTES). */
  continued: boolean;
}

export class LineSplitter {
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  constructor(private readonly maxBytes = MAX_LINE_BYTES) {}

  /** Appends a chunk; returns the lines it completed (without their '\n' or '\r\n'). */
  push(chunk: Buffer): LinePiece[] {
    const out: LinePiece[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      if (this.#pendingBytes === 0 && nl - start <= this.maxBytes) {
        // The common case: a whole line inside this chunk, no copy.
        let end = nl;
        if (end > start && chunk[end - 1] === 13) end--;
        out.push({ bytes: chunk.subarray(start, end), continued: false });
      } else {
        this.#append(chunk.subarray(start, nl), out);
        this.#emitPending(out, false);
      }
      start = nl + 1;
    }
    // Kept beyond this chunk: copy, the chunk's memory may be reused.
    if (start < chunk.length) this.#append(Buffer.from(chunk.subarray(start)), out);
    return out;
  }

  /** End of the stream: a last line without '\n' is still a line. */
  end(): LinePiece[] {
    const out: LinePiece[] = [];
    if (this.#pendingBytes > 0) this.#emitPending(out, false);
    return out;
  }

  #append(bytes: Buffer, out: LinePiece[]): void {
    while (this.#pendingBytes + bytes.length > this.maxBytes) {
      // Cut at the limit, but never inside a UTF-8 sequence: back up over
      // continuation bytes (10xxxxxx) to the start of the character.
      const all = this.#pendingBytes > 0 ? Buffer.concat([...this.#pending, bytes]) : bytes;
      let cut = this.maxBytes;
      while (cut > this.maxBytes - 4 && ((all[cut] as number) & 0xc0) === 0x80) cut--;
      this.#pending = [all.subarray(0, cut)];
      this.#pendingBytes = cut;
      this.#emitPending(out, true);
      bytes = all.subarray(cut);
    }
    if (bytes.length > 0) {
      this.#pending.push(bytes);
      this.#pendingBytes += bytes.length;
    }
  }

  #emitPending(out: LinePiece[], continued: boolean): void {
    let line = this.#pending.length === 1 ? (this.#pending[0] as Buffer) : Buffer.concat(this.#pending);
    if (!continued && line.length > 0 && line[line.length - 1] === 13) line = line.subarray(0, line.length - 1);
    out.push({ bytes: line, continued });
    this.#pending = [];
    this.#pendingBytes = 0;
  }
}
