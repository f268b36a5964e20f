// usher standing in for Debian's dumb-init 1.2.5: its options (getopt_long
// "+hvVcr:"), its messages byte for byte, its exit codes, and its debug dialect
// (-v, DUMB_INIT_DEBUG=1) line for line, in the order dumb-init prints it.
// usher's extras come only from the environment (USHER_DRAIN_TIMEOUT,
// USHER_STOP_TIMEOUT, USHER_STOP_DELAY), so no dumb-init command line changes meaning.
import { isatty } from 'node:tty';
import { createLogger, Verbosity, type Logger } from '../core/log.js';
import { JOB_CONTROL_SIGNALS, MAX_SIGNAL, SIG } from '../core/signals.js';
import { heldExtras, type InitNarrator } from '../init/narrator.js';
import { getopt, scanPair } from './getopt.js';
import { usherExtrasFromEnv, type Outcome } from './outcome.js';

const VERSION = 'dumb-init v1.2.5\n';

const help = (program: string) => `${VERSION}Usage: ${program} [option] command [[arg] ...]

dumb-init is a simple process supervisor that forwards signals to children.
It is designed to run as PID1 in minimal container environments.

Optional arguments:
   -c, --single-child   Run in single-child mode.
                        In this mode, signals are only proxied to the
                        direct child and not any of its descendants.
   -r, --rewrite s:r    Rewrite received signal s to new signal r before proxying.
                        To ignore (not proxy) a signal, rewrite it to 0.
                        This option can be specified multiple times.
   -v, --verbose        Print debugging information to stderr.
   -h, --help           Print this help message and exit.
   -V, --version        Print the current version and exit.

Full help is available online at https://github.com/Yelp/dumb-init
`;

const REWRITE_HELP =
  `Usage: -r option takes <signum>:<signum>, where <signum> is between 1 and ${MAX_SIGNAL}.\n` +
  'This option can be specified multiple times.\nUse --help for full usage.\n';

const LONG = [
  { name: 'help', hasArg: false, val: 'h' },
  { name: 'single-child', hasArg: false, val: 'c' },
  { name: 'rewrite', hasArg: true, val: 'r' },
  { name: 'verbose', hasArg: false, val: 'v' },
  { name: 'version', hasArg: false, val: 'V' },
];

export function parse(program: string, args: readonly string[], env: NodeJS.ProcessEnv): Outcome {
  const parsed = getopt(program, args, '+hvVcr:', LONG);
  let debug = false;
  let setsid = true;
  const rewrite = new Map<number, number>();
  for (const { opt, arg } of parsed.options) {
    if (opt === 'h') return { kind: 'exit', code: 0, print: [[2, help(program)]] };
    if (opt === 'V') return { kind: 'exit', code: 0, print: [[2, VERSION]] };
    if (opt === 'v') debug = true;
    if (opt === 'c') setsid = false;
    if (opt === 'r') {
      const pair = scanPair(arg as string);
      if (!pair || pair[0] < 1 || pair[0] > MAX_SIGNAL || pair[1] < 0 || pair[1] > MAX_SIGNAL) {
        return { kind: 'exit', code: 1, print: [[2, REWRITE_HELP]] };
      }
      rewrite.set(pair[0], pair[1]);
    }
  }
  if (parsed.error !== undefined) return { kind: 'exit', code: 1, print: [[2, parsed.error + '\n']] };
  if (parsed.operands.length === 0) {
    return { kind: 'exit', code: 1, print: [[2, `Usage: ${program} [option] program [args]\nTry ${program} --help for full usage.\n`]] };
  }
  const startLines: string[] = [];
  if (env.DUMB_INIT_DEBUG === '1') {
    debug = true;
    startLines.push('Running in debug mode.');
  }
  if (env.DUMB_INIT_SETSID === '0') {
    setsid = false;
    if (debug) startLines.push('Not running in setsid mode.');
  }
  // In setsid mode job-control stops become SIGSTOP for the whole group, which cannot ignore it.
  if (setsid) for (const s of JOB_CONTROL_SIGNALS) if (!rewrite.has(s)) rewrite.set(s, SIG.STOP);
  const extras = usherExtrasFromEnv(env);
  if (extras.kind === 'exit') return extras;
  return {
    kind: 'run',
    verbosity: debug ? Verbosity.Verbose : Verbosity.Quiet,
    startLines,
    config: {
      argv: parsed.operands,
      forwardTarget: setsid ? 'group' : 'child',
      alwaysOwnGroup: false,
      handOffTerminal: setsid,
      rewrite,
      suspendOnJobControl: true,
      ignored: new Set(),
      subreaper: false,
      parentDeathSignal: undefined,
      remapToZero: new Set(),
      warnOnReap: false,
      termGroupOnChildExit: 'always',
      stopSignals: new Set([SIG.TERM, SIG.INT]),
      ...extras.config,
    },
  };
}

export function logger(verbosity: Verbosity): Logger {
  // dumb-init writes everything to stderr, unbuffered, behind one prefix.
  return createLogger(verbosity, () => '[dumb-init] ');
}

export function narrator(log: Logger, setsid: boolean, startLines: readonly string[]): InitNarrator {
  const on = log.verbosity >= Verbosity.Verbose;
  const debug = (line: string) => log.info(line);
  let exited = false;
  const extras = heldExtras(log);
  return {
    notAReaper: '',
    starting({ handOff }) {
      if (!on) return;
      for (const line of startLines) debug(line);
      if (!handOff) return;
      if (!handOff.detached) debug(`Unable to detach from controlling tty (errno=${handOff.errno} ${handOff.reason}).`);
      else if (handOff.wasSessionLeader) debug('Detached from controlling tty, ignoring the first SIGHUP and SIGCONT we receive.');
      else debug('Detached from controlling tty, but was not session leader.');
    },
    spawned(pid, _argv, placement) {
      if (!on) return;
      debug(`Child spawned with PID ${pid}.`);
      // What dumb-init's child says between fork and exec.
      if (setsid && placement.session === 'new-session') {
        if (placement.controllingTerminal === undefined) {
          debug(
            isatty(0)
              ? 'Unable to attach to controlling tty (errno=1 Operation not permitted).'
              : 'Unable to attach to controlling tty (errno=25 Inappropriate ioctl for device).',
          );
        }
        debug('setsid complete.');
      }
    },
    spawnFailed: (e) => ({ message: `${e.file}: ${e.reason}`, exitCode: 2 }),
    received(signal) {
      if (on && !exited) debug(`Received signal ${signal}.`);
    },
    handOffIgnored(signal) {
      if (on) debug(`Ignoring tty hand-off signal ${signal}.`);
    },
    translated(from, to) {
      if (on) debug(`Translating signal ${from} to ${to}.`);
    },
    forwarded(signal) {
      // dumb-init does not look at what kill() returned.
      if (on) debug(`Forwarded signal ${signal} to children.`);
    },
    dropped() {
      if (on) debug('Not forwarding signal 0 to children (ignored).');
    },
    suspending() {
      if (on) debug('Suspending self due to TTY signal.');
    },
    reaped(pid, status) {
      // dumb-init has exited once its child did: nothing after that is its to say.
      if (!on || exited) return;
      if (status.kind === 'exited') debug(`A child with PID ${pid} exited with exit status ${status.code}.`);
      else debug(`A child with PID ${pid} was terminated by signal ${status.signal}.`);
    },
    reapPassEnded() {},
    mainExited(code) {
      if (on) debug(`Child exited with status ${code}. Goodbye.`);
      exited = true;
      extras.release();
    },
    remapped() {},
    extra: extras.extra,
  };
}
