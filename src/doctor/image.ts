// `usher doctor --image IMAGE`: the real thing, with the container engine on
// the machine. Reads the image's entrypoint, cmd and stop signal, runs it
// detached, watches its processes from the host's /proc (the engine tells the
// host pid of the container's PID 1), stops it as the engine does
// (`stop -t GRACE`), and reports. The container is always removed, also when
// the doctor is interrupted (SIGINT, SIGTERM, SIGHUP: see ./abort.ts).
//
// The engine's commands run through the core's ProcessTable with their output
// on a pipe (./capture.ts), never node:child_process.
import { randomBytes } from 'node:crypto';
import { ProcessTable, SpawnError } from '../core/process-table.js';
import { parseSignal, SIG } from '../core/signals.js';
import { readProcessInfo } from '../core/proc-fs.js';
import { analyse, takes } from './analyse.js';
import { runCommand, spawnWithOutput } from './capture.js';
import { classifyProcess, drainsOrphans } from './classify.js';
import { TreeObserver, type Tracked } from './observer.js';
import { busyNote, killedWithPid1, waitUntilReady, watchStop } from './phases.js';
import { KernelTrace, monotonicToObserver } from './kernel-trace.js';
import { onPath } from './on-path.js';
import { errorReport, type FullReport } from './report.js';
import { onAbort } from './abort.js';

export interface ImageOptions {
  image: string;
  engine?: 'podman' | 'docker';
  graceMs: number;
  settleMs?: number;
  /** The container's output (its logs), once it has stopped. */
  onOutput?: (text: string) => void;
}

interface ImageConfig {
  Entrypoint?: string[] | string | null;
  Cmd?: string[] | string | null;
  StopSignal?: string;
}

const list = (v: string[] | string | null | undefined) => (v == null ? [] : Array.isArray(v) ? v : [v]);

export async function doctorImage(options: ImageOptions): Promise<FullReport> {
  const engine = options.engine ?? (onPath('podman') || !onPath('docker') ? 'podman' : 'docker');
  if (!onPath(engine)) {
    return { report: errorReport('container', `${engine} is not installed (not found on PATH)`, `install ${engine}, or choose the other one with --engine`) };
  }
  if (process.getuid?.() !== 0) {
    return { report: errorReport('container', 'watching a container\'s processes from the host\'s /proc needs root (rootless engines run them in another user namespace)', 'run usher doctor --image as root (sudo)') };
  }
  const table = ProcessTable.open();
  const run = (args: string[], timeoutMs = 120_000) => runCommand(table, [engine, ...args], timeoutMs);

  const inspected = await run(['image', 'inspect', '--format', '{{json .Config}}', options.image]);
  if (inspected.code !== 0) {
    return { report: errorReport('container', `${engine} cannot inspect image ${options.image}: ${inspected.output.trim()}`, `build or pull the image first (${engine} images lists what is here)`) };
  }
  let config: ImageConfig;
  try {
    config = (JSON.parse(inspected.output) ?? {}) as ImageConfig;
  } catch {
    return { report: errorReport('container', `${engine} image inspect gave no JSON: ${inspected.output.trim()}`, `check ${engine} works: ${engine} image inspect ${options.image}`) };
  }
  const entrypoint = list(config.Entrypoint);
  const cmd = list(config.Cmd);
  const stopSignal = parseSignal(config.StopSignal ?? 'SIGTERM') ?? SIG.TERM;
  const graceSeconds = Math.max(1, Math.ceil(options.graceMs / 1000));
  const graceMs = graceSeconds * 1000;
  const subject = `image ${options.image}: ENTRYPOINT ${JSON.stringify(entrypoint)} CMD ${JSON.stringify(cmd)}${config.StopSignal ? ` STOPSIGNAL ${config.StopSignal}` : ''}`;
  const name = `usher-doctor-${process.pid}-${randomBytes(3).toString('hex')}`;
  const notes: string[] = [];
  if (graceMs !== options.graceMs) notes.push(`${engine} stop -t takes whole seconds: grace rounded up to ${graceSeconds} s`);

  // `kill` first: podman's `rm --force` while a `podman stop` of the same
  // container still waits out its grace period drops the container's record
  // and leaves its processes running under conmon (seen with podman 4.3).
  const remove = async () => {
    await run(['kill', '--signal', 'KILL', name], 60_000);
    return run(engine === 'podman' ? ['rm', '--force', '--time', '0', name] : ['rm', '--force', name], 60_000);
  };
  let starting: Promise<unknown> | undefined;
  // Interrupted: the container goes with the doctor. One being created is
  // removed once the engine has made it, or `rm` would find nothing yet.
  const dropUndo = onAbort(`container ${name} (${engine} rm -f ${name})`, async () => {
    await starting?.catch(() => undefined);
    if ((await remove()).code !== 0) throw new Error(`${engine} rm -f ${name} failed`);
  });
  try {
    const creating = run(['run', '--detach', '--name', name, options.image]);
    starting = creating;
    const started = await creating;
    if (started.code !== 0) {
      return { report: errorReport('container', `${engine} run ${options.image} failed: ${started.output.trim()}`, `try it by hand: ${engine} run --rm ${options.image}`) };
    }
    const pidText = await run(['inspect', '--format', '{{.State.Pid}}', name]);
    const hostPid = Number(pidText.output.trim());
    const parent = hostPid > 0 ? readProcessInfo(hostPid)?.ppid : undefined;
    if (!parent) {
      const logs = await run(['logs', name]);
      return { report: errorReport('container', `the container's PID 1 is not running (it exited at once?): ${logs.output.trim().split('\n').slice(-5).join('\n') || 'no output'}`, 'the image must start a long-running service') };
    }
    const observer = new TreeObserver(parent, table, performance.now(), (pid) => pid !== hostPid && readProcessInfo(pid)?.ppid === parent);
    let trace: KernelTrace | string = 'not started';
    let dropTraceUndo = () => {};
    try {
      observer.poll();
      const pid1 = observer.byHostPid(hostPid);
      if (!pid1) return { report: errorReport('container', `PID 1 of the container (host pid ${hostPid}) is gone`, 'the image must start a long-running service') };
      const ready = await waitUntilReady(observer, pid1, { settleMs: options.settleMs ?? 1000 });
      if (ready === 'busy') notes.push(busyNote(options.settleMs ?? 1000));
      else if (ready !== 'ready') {
        const logs = await run(['logs', name]);
        return { report: errorReport('container', ready === 'pid1-ended' ? `the container exited by itself before it could be stopped: ${logs.output.trim().split('\n').slice(-5).join('\n') || 'no output'}` : 'the container never settled', 'the image must start a long-running service') };
      }
      observer.poll();
      const pid1Class = classifyProcess(hostPid);
      const handled = takes(pid1, stopSignal) || pid1.ignores.includes(stopSignal);
      // The container's processes and what they fork, for their exits and the
      // kernel's SIGKILLs at PID 1's end (only: the runtime's own signals are
      // sent from processes outside, which Docker's daemon does not let us follow).
      trace = process.env.USHER_DOCTOR_NO_KERNEL_EVENTS === '1' ? 'USHER_DOCTOR_NO_KERNEL_EVENTS=1' : KernelTrace.start(process.pid, observer.alive().map((r) => r.hostPid));
      if (typeof trace !== 'string') dropTraceUndo = onAbort('the kernel trace, removed', trace.close.bind(trace));
      const stopMs = observer.now();
      observer.freezeDispositions();
      const drains = drainsOrphans(hostPid, pid1Class);
      const stopAt = performance.now();
      const stopping = spawnWithOutput(table, [engine, 'stop', '--time', String(graceSeconds), name]);
      const watched = await watchStop(observer, pid1, stopAt, graceMs, {
        outlived: () => observer.alive().filter((r) => r !== pid1 && r.hostPpid !== r.firstPpid && !(drains && r.hostPpid === pid1.hostPid)),
        isSlow: (r) => r === pid1 && handled && pid1Class.kind === 'app' && r.catches.includes(stopSignal),
        measure: false,
      });
      await Promise.race([stopping.child.exited, new Promise((r) => setTimeout(r, 60_000).unref())]);
      const stopOutput = await Promise.race([stopping.output, new Promise<string>((r) => setTimeout(() => r(''), 2000).unref())]);
      stopping.close();
      await observer.watch(() => observer.alive().length === 0, performance.now() + 10_000);
      const events = typeof trace === 'string' ? trace : trace.read(monotonicToObserver(performance.now() - observer.now()));
      const codeText = await run(['inspect', '--format', '{{.State.ExitCode}}', name]);
      const exitCode = /^\d+$/.test(codeText.output.trim()) ? Number(codeText.output.trim()) : null;
      const logs = await run(['logs', name]);
      if (logs.output) options.onOutput?.(logs.output);
      const warning = stopOutput.split('\n').find((l) => /SIGKILL/.test(l));
      if (warning) notes.push(`${engine} stop said: ${warning.trim()}`);
      return analyse({
        mode: 'container',
        subject,
        records: observer.records.filter((r: Tracked) => r.hostPid !== parent),
        pid1,
        pid1Class,
        stopSignal,
        stopMs,
        graceMs,
        forced: watched.forced,
        aliveAtGrace: watched.aliveAtGrace,
        outlivedPid1: killedWithPid1(watched, observer.records, pid1, events),
        needed: watched.needed,
        overtimeMs: 0,
        dropped: !handled,
        exitCode,
        settledAfterMs: stopMs,
        notes,
      });
    } finally {
      if (typeof trace !== 'string') trace.close();
      dropTraceUndo();
      observer.close();
    }
  } catch (err) {
    if (err instanceof SpawnError) return { report: errorReport('container', `cannot run ${engine}: ${err.reason}`, `install ${engine}`) };
    throw err;
  } finally {
    await remove();
    dropUndo();
  }
}

