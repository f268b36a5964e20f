// What every probe gets, and the one function that runs an attempt of any kind.
// One probe per file (process-compose's layout): tcp, http, exec, log, delay.
import type { ProcessTable } from '../../core/process-table.js';
import type { Probe, ServiceConfig } from '../types.js';
import { delayProbe } from './delay.js';
import { execProbe } from './exec.js';
import { httpProbe } from './http.js';
import { logProbe } from './log.js';
import { tcpProbe } from './tcp.js';

export interface ProbeContext {
  table: ProcessTable;
  service: ServiceConfig;
  /** The service's environment (exec probes run with it). */
  env: NodeJS.ProcessEnv;
  /** Epoch ms when the current instance started. */
  startedAt: number;
  /** Lines of the service's output seen so far by the log probe's matcher. */
  lines: LineWatch;
}

/** Remembers when the service last printed a line matching a pattern, and wakes waiters. */
export class LineWatch {
  #lastMatch = 0;
  #waiters = new Set<() => void>();
  constructor(private readonly pattern: RegExp | undefined) {}
  get lastMatch(): number {
    return this.#lastMatch;
  }
  offer(line: string): void {
    if (!this.pattern) return;
    this.pattern.lastIndex = 0;
    if (!this.pattern.test(line)) return;
    this.#lastMatch = Date.now();
    for (const w of this.#waiters) w();
  }
  /** Calls wake on the next match; returns the unsubscribe function. */
  subscribe(wake: () => void): () => void {
    this.#waiters.add(wake);
    return () => this.#waiters.delete(wake);
  }
}

/**
 * One attempt. `since`: for a log probe, a matching line at or after this
 * time counts. Resolves false at `deadline` at the latest, or when `signal`
 * aborts (the service exited or is stopping).
 */
export function attempt(probe: Probe, ctx: ProbeContext, since: number, deadline: number, signal: AbortSignal): Promise<boolean> {
  switch (probe.kind) {
    case 'tcp':
      return tcpProbe(probe, deadline, signal);
    case 'http':
      return httpProbe(probe, deadline, signal);
    case 'exec':
      return execProbe(probe, ctx, deadline, signal);
    case 'log':
      return logProbe(ctx.lines, since, deadline, signal);
    case 'delay':
      return delayProbe(probe, ctx.startedAt, deadline, signal);
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
      return `log ${probe.pattern}`;
    case 'delay':
      return `delay ${probe.ms}ms`;
  }
}
