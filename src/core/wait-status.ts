// How a child ended, decoded from the raw waitpid(2) status.
import { exitCodeForSignal, signalName } from './signals.js';

export type ExitStatus =
  | { kind: 'exited'; code: number }
  | { kind: 'killed'; signal: number; coreDumped: boolean };

// An orphan storm reaps thousands of processes that almost all ended the same
// way: one frozen status per raw value, instead of an object per reap.
const decoded = new Map<number, Readonly<ExitStatus>>();

export function decodeWaitStatus(raw: number): Readonly<ExitStatus> {
  let status = decoded.get(raw);
  if (status === undefined) {
    const termSignal = raw & 0x7f;
    status = Object.freeze(
      termSignal === 0
        ? { kind: 'exited' as const, code: (raw >> 8) & 0xff }
        : { kind: 'killed' as const, signal: termSignal, coreDumped: (raw & 0x80) !== 0 },
    );
    // Exit codes and signals bound the distinct values (a few hundred at most).
    if (decoded.size < 1024) decoded.set(raw, status);
  }
  return status;
}

/** The exit code a shell would report: the code itself, or 128+N for signal N. */
export function shellExitCode(status: ExitStatus): number {
  return status.kind === 'exited' ? status.code : exitCodeForSignal(status.signal);
}

export function describeExit(status: ExitStatus): string {
  return status.kind === 'exited'
    ? `exited with code ${status.code}`
    : `was killed by ${signalName(status.signal)}${status.coreDumped ? ' (core dumped)' : ''}`;
}
