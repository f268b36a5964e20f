// Catching signals and passing them on to the child or its process group.
import type { Logger } from './log.js';
import type { ChildProcess } from './process-table.js';
import { nodeSignalName, signalName } from './signals.js';

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
 * write), so the callback may do anything, including more system calls.
 */
export function listenForSignals(signals: readonly number[], onSignal: (signal: number) => void): () => void {
  const installed: [NodeJS.Signals, () => void][] = [];
  for (const n of signals) {
    const name = nodeSignalName(n);
    if (!name) continue;
    const listener = () => onSignal(n);
    process.on(name, listener);
    installed.push([name, listener]);
  }
  return () => {
    for (const [name, listener] of installed) process.off(name, listener);
  };
}

export class SignalForwarder {
  constructor(
    private readonly policy: ForwardPolicy,
    private readonly log: Logger,
  ) {}

  /** What `received` becomes after --rewrite; 0 when it is dropped. */
  translate(received: number): number {
    return this.policy.rewrite.get(received) ?? received;
  }

  /**
   * Sends the (rewritten) signal to the child or its group. Returns the signal
   * sent, or 0 when it was dropped or nobody was left to receive it.
   */
  forward(received: number, child: ChildProcess | undefined): number {
    const signal = this.translate(received);
    if (signal !== received) {
      this.log.info(
        signal === 0
          ? `dropping ${signalName(received)} (rewritten to 0)`
          : `rewriting ${signalName(received)} to ${signalName(signal)}`,
      );
    }
    if (signal === 0) return 0;
    if (!child) {
      this.log.info(`no child to forward ${signalName(signal)} to`);
      return 0;
    }
    const group = this.policy.target === 'group';
    const delivered = group ? child.signalGroup(signal) : child.signal(signal);
    if (delivered) {
      this.log.info(`forwarded ${signalName(signal)} to ${group ? `process group ${child.pgid}` : `pid ${child.pid}`}`);
      return signal;
    }
    this.log.info(`${signalName(signal)} not forwarded: ${group ? 'process group' : 'child'} already gone`);
    return 0;
  }
}
