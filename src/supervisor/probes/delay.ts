// Ready once the service has been running this long (it is cancelled if the
// service exits first).
import type { Probe } from '../types.js';
import { sleep } from './probe.js';

export async function delayProbe(
  probe: Extract<Probe, { kind: 'delay' }>,
  startedAt: number,
  deadline: number,
  signal: AbortSignal,
): Promise<boolean> {
  const due = startedAt + probe.ms;
  await sleep(Math.min(due, deadline) - Date.now(), signal);
  return !signal.aborted && Date.now() >= due;
}
