// From argv and environment to an InitConfig: usher's own command line. (The
// dumb-init and tini personalities parse as those tools do: dumb-init.ts, tini.ts.)
import { parseArgs, parseDuration, UsageError, type OptionSpec } from './args.js';
import type { RunConfig } from './outcome.js';
import { JOB_CONTROL_SIGNALS, parseSignal, SIG, MAX_SIGNAL } from '../core/signals.js';
import { Verbosity } from '../core/log.js';

export const OPTIONS: readonly OptionSpec[] = [
  { key: 'help', short: 'h', long: 'help' },
  { key: 'version', short: 'V', long: 'version' },
  { key: 'license', short: 'l', long: 'license' },
  { key: 'single-child', short: 'c', long: 'single-child' },
  { key: 'group', short: 'g', long: 'group' },
  { key: 'rewrite', short: 'r', long: 'rewrite', value: 'FROM:TO' },
  { key: 'expect-exit', short: 'e', long: 'expect-exit', value: 'CODE' },
  { key: 'subreaper', short: 's', long: 'subreaper' },
  { key: 'pdeath-signal', short: 'p', long: 'pdeath-signal', value: 'SIGNAL' },
  { key: 'warn-on-reap', short: 'w', long: 'warn-on-reap' },
  { key: 'verbose', short: 'v', long: 'verbose' },
  { key: 'quiet', short: 'q', long: 'quiet' },
  { key: 'drain-timeout', long: 'drain-timeout', value: 'SECONDS' },
  { key: 'stop-timeout', long: 'stop-timeout', value: 'SECONDS' },
  { key: 'stop-delay', long: 'stop-delay', value: 'SECONDS' },
  { key: 'stop-signal', long: 'stop-signal', value: 'SIGNAL' },
];

export type CliRequest =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'license' }
  | { kind: 'run'; config: RunConfig; verbosity: Verbosity };

/** Thrown for a malformed --rewrite, so dumb-init's own message can be printed. */
export class RewriteError extends UsageError {}

function parseRewrite(text: string, spelled: string): [number, number] {
  const parts = text.split(':');
  const from = parts.length === 2 ? parseSignal(parts[0] as string) : undefined;
  const to = parts.length === 2 ? parseSignal(parts[1] as string, { allowZero: true }) : undefined;
  if (from === undefined || to === undefined) {
    throw new RewriteError(
      `${spelled} expects FROM:TO, two signal names or numbers from 1 to ${MAX_SIGNAL} ` +
        `(TO may be 0 to drop the signal), e.g. ${spelled} TERM:QUIT; got "${text}"`,
      'bad-value',
      spelled,
      text,
    );
  }
  return [from, to];
}

function parseExitCode(text: string, spelled: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 255) {
    throw new UsageError(`${spelled} expects an exit code from 0 to 255; got "${text}"`, 'bad-value', spelled, text);
  }
  return Number(text);
}

function requireSignal(text: string, spelled: string): number {
  const n = parseSignal(text);
  if (n === undefined) {
    throw new UsageError(
      `${spelled} expects a signal name or number, like TERM, SIGKILL or 9; got "${text}"`,
      'bad-value',
      spelled,
      text,
    );
  }
  return n;
}

export function buildRequest(args: readonly string[], env: NodeJS.ProcessEnv): CliRequest {
  const { options, command } = parseArgs(args, OPTIONS);
  let target: 'group' | 'child' = 'group';
  let subreaper = true;
  let verbosity: Verbosity = Verbosity.Normal;
  const rewrite = new Map<number, number>();
  const remapToZero = new Set<number>();
  let pdeath: number | undefined;
  let warnOnReap = false;
  let drainTimeoutMs = 5000;
  let stopTimeoutMs: number | undefined;
  let stopDelayMs = 0;
  const stopSignals = new Set<number>();

  // Environment first, so flags win.
  if (env.DUMB_INIT_SETSID === '0') target = 'child';
  if (env.DUMB_INIT_DEBUG === '1') verbosity = Math.max(verbosity, Verbosity.Verbose);
  if (env.TINI_SUBREAPER !== undefined) subreaper = true;
  if (env.TINI_KILL_PROCESS_GROUP !== undefined) target = 'group';
  if (env.TINI_VERBOSITY !== undefined) verbosity = Math.min(Math.max(Number.parseInt(env.TINI_VERBOSITY, 10) || 0, 0), 3);
  if (env.USHER_DRAIN_TIMEOUT) drainTimeoutMs = parseDuration(env.USHER_DRAIN_TIMEOUT, 'USHER_DRAIN_TIMEOUT');
  if (env.USHER_STOP_TIMEOUT) stopTimeoutMs = parseDuration(env.USHER_STOP_TIMEOUT, 'USHER_STOP_TIMEOUT');
  if (env.USHER_STOP_DELAY) stopDelayMs = parseDuration(env.USHER_STOP_DELAY, 'USHER_STOP_DELAY');

  let sawVerbose = false;
  for (const { key, value, spelled } of options) {
    const v = value as string;
    switch (key) {
      case 'help':
        return { kind: 'help' };
      case 'version':
        return { kind: 'version' };
      case 'license':
        return { kind: 'license' };
      case 'single-child':
        target = 'child';
        break;
      case 'group':
        target = 'group';
        break;
      case 'rewrite': {
        const [from, to] = parseRewrite(v, spelled);
        rewrite.set(from, to);
        break;
      }
      case 'expect-exit':
        remapToZero.add(parseExitCode(v, spelled));
        break;
      case 'subreaper':
        subreaper = true;
        break;
      case 'pdeath-signal':
        pdeath = requireSignal(v, spelled);
        break;
      case 'warn-on-reap':
        warnOnReap = true;
        break;
      case 'verbose':
        // One -v shows events, -vv more.
        verbosity = sawVerbose ? Math.min(verbosity + 1, Verbosity.Debug) : Math.max(verbosity, Verbosity.Verbose);
        sawVerbose = true;
        break;
      case 'quiet':
        verbosity = Verbosity.Quiet;
        break;
      case 'drain-timeout':
        drainTimeoutMs = parseDuration(v, spelled);
        break;
      case 'stop-timeout':
        stopTimeoutMs = parseDuration(v, spelled);
        break;
      case 'stop-delay':
        stopDelayMs = parseDuration(v, spelled);
        break;
      case 'stop-signal':
        stopSignals.add(requireSignal(v, spelled));
        break;
    }
  }

  if (command.length === 0) throw new UsageError('no command given: say what to run, e.g. usher -- node server.js', 'no-command');

  // As dumb-init: in group mode job-control stops become SIGSTOP for the whole
  // group (which cannot ignore it), unless the user rewrote them.
  if (target === 'group') {
    for (const s of JOB_CONTROL_SIGNALS) if (!rewrite.has(s)) rewrite.set(s, SIG.STOP);
  }

  return {
    kind: 'run',
    verbosity,
    config: {
      argv: command,
      forwardTarget: target,
      alwaysOwnGroup: false,
      handOffTerminal: false,
      rewrite,
      suspendOnJobControl: true,
      ignored: new Set(),
      subreaper,
      parentDeathSignal: pdeath,
      remapToZero,
      warnOnReap,
      termGroupOnChildExit: 'unless-stopped',
      drainTimeoutMs,
      stopSignals: stopSignals.size > 0 ? stopSignals : new Set([SIG.TERM, SIG.INT]),
      stopTimeoutMs,
      stopDelayMs,
    },
  };
}
