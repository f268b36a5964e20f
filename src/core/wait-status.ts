// How a child ended, decoded from the raw waitpid(2) status.
import { exitCodeForSignal, signalName } from './signals.js';

export type ExitStatus =
  | { kind: 'exited'; code: number }
  | { kind: 'killed'; signal: number; coreDumped: boolean };

export function decodeWaitStatus(raw: number): ExitStatus {
  const termSignal = raw & 0x7f;
  if (termSignal === 0) return { kind: 'exited', code: (raw >> 8) & 0xff };
  return { kind: 'killed', signal: termSignal, coreDumped: (raw & 0x80) !== 0 };
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
