// Formats what goes to usher's stdout and stderr: the services' lines, as
// `NAME | line` (names padded to the longest, a colour per service on a
// terminal) or as one JSON object per line, and usher's own events.
import { escapeControl } from '../../core/escape.js';
import type { LinePiece } from './line-splitter.js';
import type { OutputSink } from './output-sink.js';

export type LogFormat = 'text' | 'json';
export type StreamName = 'stdout' | 'stderr';

/** The name usher's own events carry in the `service` field and the text prefix. */
export const USHER_NAME = 'usher';

// Bright enough on dark and light backgrounds; red is left for nothing, so no
// service looks like an error.
const COLOURS = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];

export interface LogOutputOptions {
  format: LogFormat;
  /** Colour the names (only when the sink is a terminal). */
  colour: boolean;
  /** Every service name, for the padding and the colours. */
  names: readonly string[];
}

export type EventFields = Record<string, string | number | boolean | null | undefined>;

export class LogOutput {
  readonly #prefix = new Map<string, { first: Buffer; next: Buffer }>();
  readonly #usherPrefix: string;

  constructor(
    private readonly options: LogOutputOptions,
    readonly stdout: OutputSink,
    readonly stderr: OutputSink,
  ) {
    const width = Math.max(USHER_NAME.length, ...options.names.map((n) => n.length));
    const paint = (name: string, code: number | undefined, sep: string, sink: OutputSink) => {
      const padded = name.padEnd(width);
      return options.colour && sink.isTTY && code !== undefined
        ? `\x1b[${code}m${padded} ${sep}\x1b[0m `
        : `${padded} ${sep} `;
    };
    options.names.forEach((name, i) => {
      const code = COLOURS[i % COLOURS.length];
      // A terminal on stdout decides; the prefix is the same string on both streams.
      this.#prefix.set(name, { first: Buffer.from(paint(name, code, '|', stdout)), next: Buffer.from(paint(name, code, '+', stdout)) });
    });
    this.#usherPrefix = paint(USHER_NAME, 1, '|', stderr);
  }

  sinkFor(stream: StreamName): OutputSink {
    return stream === 'stdout' ? this.stdout : this.stderr;
  }

  /**
   * Writes a batch of one stream's lines in one write. A piece that continues a
   * cut line is marked: `NAME + rest` in text, `"continued": true` on the piece
   * before it in JSON. Returns false when the reader is behind.
   */
  lines(service: string, stream: StreamName, pieces: readonly LinePiece[], continuing: boolean): boolean {
    if (pieces.length === 0) return true;
    if (this.options.format === 'json') {
      // Same keys and order as JSON.stringify({time, service, stream, line}),
      // with the constant part built once per batch.
      const head = `{"time":"${new Date().toISOString()}","service":${JSON.stringify(service)},"stream":"${stream}","line":`;
      let text = '';
      for (const p of pieces) {
        text += head + JSON.stringify(p.bytes.toString('utf8')) + (p.continued ? ',"continued":true}\n' : '}\n');
      }
      return this.sinkFor(stream).write(text);
    }
    // Text: bytes are copied as they came, prefix inserted, with no decoding;
    // one buffer and one write per batch. A piece never holds a newline (lines
    // are cut there), so whatever a service prints, `usher | ...` included,
    // stays behind its own name; its colours and carriage returns are left as
    // they are, as on its own terminal (JSON output escapes them).
    const prefix = this.#prefix.get(service) ?? { first: Buffer.from(`${service} | `), next: Buffer.from(`${service} + `) };
    let size = 0;
    let cont = continuing;
    for (const p of pieces) {
      size += (cont ? prefix.next : prefix.first).length + p.bytes.length + 1;
      cont = p.continued;
    }
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    cont = continuing;
    for (const p of pieces) {
      at += (cont ? prefix.next : prefix.first).copy(out, at);
      at += p.bytes.copy(out, at);
      out[at++] = 10;
      cont = p.continued;
    }
    return this.sinkFor(stream).write(out);
  }

  /** usher's own event: `{"time", "service": "usher", "event", ...fields}` or `usher | text`. On stderr. */
  event(event: string, fields: EventFields, text: string): void {
    this.stderr.write(formatEvent(this.options.format, this.#usherPrefix, event, fields, text));
  }

  /** A warning of the config loader (`FILE:LINE:COL: ...`), as the event `warning` (message). */
  warning(line: string): void {
    this.stderr.write(formatWarning(this.options.format, this.#usherPrefix, line));
  }

  async flush(deadline: number): Promise<void> {
    await Promise.all([this.stdout.flush(deadline), this.stderr.flush(deadline)]);
  }
}

/**
 * The line of one of usher's own events, as `prefix` + text or as a JSON
 * record. `usher run --check` uses it too (prefix `usher | `: no service names
 * to pad to).
 */
export function formatEvent(format: LogFormat, prefix: string, event: string, fields: EventFields, text: string): string {
  if (format === 'json') {
    const record: Record<string, unknown> = { time: new Date().toISOString(), service: USHER_NAME, event };
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) record[k] = v;
    return JSON.stringify(record) + '\n';
  }
  // A command line, a multi-line `command: |` or a reason quoting either
  // must not start a line of its own that reads like another event.
  return prefix + escapeControl(text) + '\n';
}

/** A config loader's warning as an event line; `usher run --check` prints it without a LogOutput. */
export function formatWarning(format: LogFormat, prefix: string, line: string): string {
  return formatEvent(format, prefix, 'warning', { message: line }, line);
}
