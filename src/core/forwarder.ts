// Catching signals and passing them on to the child or its process group.
import { sendSignal } from './libc.js';
import type { ChildProcess } from './process-table.js';
import { onSignal } from './signal-pipe.js';
import { nodeSignalName } from './signals.js';
import { signalToEnd } from './terminate.js';

export type ForwardTarget =
  /** kill(-pgid): the child and everything it started in its group (dumb-init's default). */
  | 'group'
  /** kill(pid): the direct child only (tini's default, dumb-init -c). */
  | 'child';

export interface ForwardPolicy {
  target: ForwardTarget;
  /** Received signal -> signal to send; 0 means drop it. */
  rewrite: ReadonlyMap<number, number>;
}

/**
 * Installs one listener per signal; returns a function that removes them.
 * Node delivers these on the event loop (libuv turns the handler into a pipe
 * write, see signal-pipe.ts), so the callback may do anything, including more
 * system calls.
 */
export function listenForSignals(signals: readonly number[], listener: (signal: number) => void): () => void {
  const removers: (() => void)[] = [];
  for (const n of signals) {
    const name = nodeSignalName(n);
    if (name) removers.push(onSignal(name, () => listener(n)));
  }
  return () => {
    for (const remove of removers) remove();
  };
}

/** What the forwarder tells, each init personality in its own words. */
export interface ForwardNarration {
  translated(from: number, to: number): void;
  forwarded(signal: number, target: string, delivered: boolean): void;
  dropped(received: number): void;
}

export class SignalForwarder {
  constructor(
    private readonly policy: ForwardPolicy,
    private readonly narrate: ForwardNarration,
  ) {}

  /** What `received` becomes after --rewrite; 0 when it is dropped. */
  translate(received: number): number {
    return this.policy.rewrite.get(received) ?? received;
  }

  /** How the target is named in messages. */
  describeTarget(child: ChildProcess): string {
    return this.policy.target === 'group' ? `process group ${child.pgid}` : `pid ${child.pid}`;
  }

  /**
   * Sends the (rewritten) signal to the child or its group. Returns the signal
   * sent, or 0 when it was dropped or nobody was left to receive it. `toEnd`:
   * the signal asks them to stop, and a stopped one is continued after it
   * (signalToEnd).
   */
  forward(received: number, child: ChildProcess | undefined, { toEnd = false } = {}): number {
    const signal = this.translate(received);
    if (this.policy.rewrite.has(received)) this.narrate.translated(received, signal);
    if (signal === 0) {
      this.narrate.dropped(received);
      return 0;
    }
    if (!child) return 0;
    const send = toEnd ? signalToEnd : sendSignal;
    const delivered = this.policy.target === 'group' ? send(-child.pgid, signal) : child.running && send(child.pid, signal);
    this.narrate.forwarded(signal, this.describeTarget(child), delivered);
    return delivered ? signal : 0;
  }
}
