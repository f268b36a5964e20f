// What every probe gets, and the one function that runs an attempt of any kind.
// One probe per file (process-compose's layout): tcp, http, exec, log, delay.
// The polled kinds are loaded on their first attempt: a config without an http
// probe never loads node:http and node:https (with tls and crypto, about 3.5 MB
// of PID 1's memory and 20 ms of its start-up).
import type { ProcessTable } from '../../core/process-table.js';
import type { LinePiece } from '../log/line-splitter.js';
import type { LinePattern, Probe, ServiceConfig } from '../types.js';
import { delayProbe } from './delay.js';
import { logProbe } from './log.js';
import { notifyProbe } from './notify.js';
import type { NotifyChannel } from '../notify.js';

export interface ProbeContext {
  table: ProcessTable;
  service: ServiceConfig;
  /** The service's environment (exec probes run with it). */
  env: NodeJS.ProcessEnv;
  /** Epoch ms when the current instance started. */
  startedAt: number;
  /** Lines of the service's output seen so far by the log probe's matcher. */
  lines: LineWatch;
  /** The instance's NOTIFY_SOCKET, for a notify probe or a watchdog. */
  notify?: NotifyChannel;
}

/** Only the start of a line is matched: a ready line is short, a service's lines need not be. */
export const MATCHED_LINE_BYTES = 4096;

/**
 * Remembers when the service last printed a line matching a pattern, and wakes
 * waiters. A watch that is done (a ready probe once the outcome is known) stops
 * matching: nothing a service prints later costs PID 1 anything.
 */
export class LineWatch {
  #lastMatch = 0;
  #waiters = new Set<() => void>();
  #pattern: LinePattern | undefined;
  constructor(pattern: LinePattern | undefined) {
    this.#pattern = pattern;
  }
  get lastMatch(): number {
    return this.#lastMatch;
  }
  /** False once done, or when there is no log probe: no line need be decoded for it. */
  get watching(): boolean {
    return this.#pattern !== undefined;
  }
  /** `line` is already cut to MATCHED_LINE_BYTES by the caller. */
  offer(line: string): void {
    if (!this.#pattern?.test(line)) return;
    this.#lastMatch = Date.now();
    for (const w of this.#waiters) w();
  }
  /** Stops matching for good; lastMatch stays. */
  done(): void {
    this.#pattern = undefined;
  }
  /** Calls wake on the next match; returns the unsubscribe function. */
  subscribe(wake: () => void): () => void {
    this.#waiters.add(wake);
    return () => this.#waiters.delete(wake);
  }
}

/**
 * For one stream (stdout or stderr) of a service: hands the start of each line
 * (its first MATCHED_LINE_BYTES) to the watches still watching. The rest of a
 * long line, and its pieces after the first, are never matched.
 */
export function lineStartFeeder(watches: readonly LineWatch[]): (pieces: readonly LinePiece[]) => void {
  let continuing = false;
  return (pieces) => {
    for (const piece of pieces) {
      const lineStart = !continuing;
      continuing = piece.continued;
      if (!lineStart || !watches.some((w) => w.watching)) continue;
      const text = piece.bytes.subarray(0, MATCHED_LINE_BYTES).toString('utf8');
      for (const w of watches) w.offer(text);
    }
  };
}

/**
 * One attempt. `since`: for a log probe, a matching line at or after this
 * time counts. Resolves false at `deadline` at the latest, or when `signal`
 * aborts (the service exited or is stopping).
 */
export async function attempt(probe: Probe, ctx: ProbeContext, since: number, deadline: number, signal: AbortSignal): Promise<boolean> {
  switch (probe.kind) {
    case 'tcp':
      return (await import('./tcp.js')).tcpProbe(probe, deadline, signal);
    case 'http':
      return (await import('./http.js')).httpProbe(probe, deadline, signal);
    case 'exec':
      return (await import('./exec.js')).execProbe(probe, ctx, deadline, signal);
    case 'log':
      return logProbe(ctx.lines, since, deadline, signal);
    case 'delay':
      return delayProbe(probe, ctx.startedAt, deadline, signal);
    case 'notify':
      return notifyProbe(ctx.notify, deadline, signal);
    case 'watchdog':
      // Not an attempt: liveness.ts waits on the watchdog's own deadline.
      return Promise.resolve(false);
  }
}

/** Resolves after ms, or at once when signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal.addEventListener('abort', done);
  });
}

export function describeProbe(probe: Probe): string {
  switch (probe.kind) {
    case 'tcp':
      return `tcp ${probe.host}:${probe.port}`;
    case 'http':
      return `http ${probe.url}`;
    case 'exec':
      return `exec ${probe.argv.join(' ')}`;
    case 'log':
      return `log /${probe.pattern.source}/`;
    case 'delay':
      return `delay ${probe.ms}ms`;
    case 'notify':
      return 'notify READY=1';
    case 'watchdog':
      return `watchdog ${probe.ms}ms`;
  }
}
