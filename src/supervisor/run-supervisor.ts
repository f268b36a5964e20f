// Supervisor mode's entry: usher as PID 1 (or a subreaper) running the
// services of a SupervisorConfig until they are all done or a stop signal
// arrives. Returns the exit status.
import { setChildSubreaper } from '../core/libc.js';
import { listenForSignals } from '../core/forwarder.js';
import { ProcessTable } from '../core/process-table.js';
import { forwardableSignals, JOB_CONTROL_SIGNALS, SIG, signalName } from '../core/signals.js';
import { compactHeapOnce } from './compact-heap.js';
import { LogOutput, type LogFormat } from './log/log-output.js';
import { openStdSinks } from './log/output-sink.js';
import { Supervisor } from './supervisor.js';
import { AttachmentRefused, type SupervisorConfig, type SupervisorControl } from './types.js';

/** Something that serves the control API while usher runs (the control socket, the health endpoint). */
export type Attachment = (control: SupervisorControl) => Promise<{ close(): Promise<void> }>;

export interface RunOptions {
  logFormat: LogFormat;
  /** Colour the names when stdout is a terminal (off with NO_COLOR or --no-color). */
  colour: boolean;
  /** Started once the services are being started; closed before usher exits. */
  attachments?: readonly { name: string; attach: Attachment }[];
  /** What the config loader warned about (`FILE:LINE:COL: ...`): the first events printed. */
  warnings?: readonly string[];
}

/** An attachment refused to open (AttachmentRefused): as for an invalid file, nothing was started. */
const EXIT_REFUSED = 2;

/** After the services ended, how long usher waits for a slow reader of its output. */
const FINAL_FLUSH_MS = 2000;

export async function runSupervisor(config: SupervisorConfig, options: RunOptions): Promise<number> {
  // Orphans of the services must come back to usher to be reaped and found.
  if (process.pid !== 1) setChildSubreaper();
  const table = ProcessTable.open();
  const { stdout, stderr } = openStdSinks();
  const output = new LogOutput(
    { format: options.logFormat, colour: options.colour, names: config.services.map((s) => s.name) },
    stdout,
    stderr,
  );
  for (const line of options.warnings ?? []) output.warning(line);
  const supervisor = new Supervisor(config, table, output);

  // Signal listeners do not keep Node alive; while usher supervises, this
  // timer does. It fires once every 24.8 days: an idle usher stays idle.
  const keepAlive = setInterval(() => {}, 0x7fffffff);
  const jobControl = new Set(JOB_CONTROL_SIGNALS);
  const unlisten = listenForSignals(forwardableSignals(), (signal) => {
    if (signal === SIG.TERM || signal === SIG.INT) {
      if (supervisor.shuttingDown) {
        output.event('signal', { signal: signalName(signal) }, `received ${signalName(signal)} again: already stopping`);
        return;
      }
      void supervisor.shutdown({ kind: 'signal', signal: signalName(signal) });
      return;
    }
    // The services have their own sessions, not usher's terminal: stopping
    // usher for Ctrl-Z would stop nothing and hang the stop.
    if (jobControl.has(signal)) return;
    // SIGIO is usher's own: a notify message arrived (core/datagram.ts).
    if (signal === SIG.IO) return;
    // HUP, USR1, USR2, WINCH, QUIT, CONT...: every service gets it.
    supervisor.broadcast(signal);
  });

  const attached: { name: string; close(): Promise<void> }[] = [];
  let refused = false;
  for (const { name, attach } of options.attachments ?? []) {
    try {
      const handle = await attach(supervisor);
      attached.push({ name, close: () => handle.close() });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof AttachmentRefused) {
        output.event('error', { component: name, reason: message }, `${message}; nothing started`);
        refused = true;
        break;
      }
      output.event('error', { component: name, reason: message }, `${name} not available: ${message}`);
    }
  }

  let code = EXIT_REFUSED;
  if (!refused) {
    supervisor.begin();
    setImmediate(compactHeapOnce);
    code = await supervisor.done;
  }

  for (const a of attached) await a.close().catch(() => {});
  unlisten();
  table.reap();
  await output.flush(Date.now() + FINAL_FLUSH_MS);
  clearInterval(keepAlive);
  table.close();
  return code;
}
