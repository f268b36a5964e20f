// ready: and live: as the runtime takes them: one Probe plus its timings.
import type { LiveSpec, Probe, ReadySpec } from '../types.js';
import type { FileContext } from './context.js';
import { formatDuration } from './duration.js';
import { formatBytes, LIMITS, unfitArgument } from './limits.js';
import { quote } from './words.js';
import type { Path } from './yaml-source.js';

/** A probe map as the schema lets it through: exactly one kind, timings valid. */
export interface RawProbe {
  tcp?: number | string;
  http?: string;
  exec?: string | string[];
  log?: string;
  delay?: number | string;
  notify?: true;
  watchdog?: number | string;
  interval?: number | string;
  timeout?: number | string;
  failures?: number;
}

export const READY_DEFAULTS = { intervalMs: 500, timeoutMs: 60_000 } as const;
export const LIVE_DEFAULTS = { intervalMs: 5_000, timeoutMs: 2_000, failures: 3 } as const;

/** `ready: notify` is short for `ready: { notify: true }`. */
export async function buildReady(ctx: FileContext, path: Path, given: RawProbe | 'notify'): Promise<ReadySpec | undefined> {
  const raw: RawProbe = given === 'notify' ? { notify: true } : given;
  const probe = await buildProbe(ctx, path, raw);
  if (!probe) return undefined;
  const givenTimeout = ctx.duration([...path, 'timeout'], raw.timeout);
  const timeoutMs = givenTimeout ?? READY_DEFAULTS.timeoutMs;
  // A timeout refused as too long says so already: the default must not judge the delay.
  const timeoutRefused = raw.timeout !== undefined && givenTimeout === undefined;
  if (probe.kind === 'delay' && probe.ms >= timeoutMs && !timeoutRefused) {
    // Ready "after the delay" but failed at the timeout: dependants would wait for nothing.
    ctx.report([...path, 'delay'], `${formatDuration(probe.ms)} can never pass within the ready timeout of ${formatDuration(timeoutMs)}; expected a delay shorter than timeout`);
  }
  return { probe, intervalMs: ctx.duration([...path, 'interval'], raw.interval) ?? READY_DEFAULTS.intervalMs, timeoutMs };
}

export async function buildLive(ctx: FileContext, path: Path, raw: RawProbe): Promise<LiveSpec | undefined> {
  const probe = await buildProbe(ctx, path, raw);
  if (!probe) return undefined;
  if (probe.kind === 'watchdog') {
    // The service's own pings are the check: there is no attempt to time or count.
    for (const key of ['interval', 'timeout', 'failures'] as const) {
      if (raw[key] !== undefined) ctx.report([...path, key], `has no meaning with watchdog (the service's WATCHDOG=1 messages are the check); expected no ${key}`);
    }
    if (probe.ms <= 0) ctx.report([...path, 'watchdog'], 'is 0; expected how often the service sends WATCHDOG=1 at least, such as 10s');
  }
  return {
    probe,
    intervalMs: ctx.duration([...path, 'interval'], raw.interval) ?? LIVE_DEFAULTS.intervalMs,
    timeoutMs: ctx.duration([...path, 'timeout'], raw.timeout) ?? LIVE_DEFAULTS.timeoutMs,
    failures: raw.failures ?? LIVE_DEFAULTS.failures,
  };
}

async function buildProbe(ctx: FileContext, path: Path, raw: RawProbe): Promise<Probe | undefined> {
  if (raw.tcp !== undefined) return tcpProbe(ctx, [...path, 'tcp'], raw.tcp);
  if (raw.http !== undefined) return httpProbe(ctx, [...path, 'http'], raw.http);
  if (raw.exec !== undefined) return { kind: 'exec', argv: commandArgv(ctx, [...path, 'exec'], raw.exec) };
  if (raw.log !== undefined) return logProbe(ctx, [...path, 'log'], raw.log);
  if (raw.delay !== undefined) return { kind: 'delay', ms: ctx.duration([...path, 'delay'], raw.delay) ?? 0 };
  if (raw.notify !== undefined) return { kind: 'notify' };
  if (raw.watchdog !== undefined) {
    const ms = ctx.duration([...path, 'watchdog'], raw.watchdog);
    return ms === undefined ? undefined : { kind: 'watchdog', ms };
  }
  return undefined;
}

function tcpProbe(ctx: FileContext, path: Path, raw: number | string): Probe | undefined {
  if (typeof raw === 'number') return { kind: 'tcp', host: '127.0.0.1', port: raw };
  const text = ctx.expand(path, raw).trim();
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text) ?? /^()()(\d+)$/.exec(text);
  const port = match ? Number(match[3]) : NaN;
  if (!match || !(port >= 1 && port <= 65535)) {
    ctx.report(path, `${quote(text)} is not a port or host:port; expected a port number from 1 to 65535 or "host:port" such as "127.0.0.1:5432"`);
    return undefined;
  }
  const host = match[1] || match[2] || '127.0.0.1';
  return { kind: 'tcp', host, port };
}

function httpProbe(ctx: FileContext, path: Path, raw: string): Probe | undefined {
  const text = ctx.expand(path, raw).trim();
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    ctx.report(path, `${quote(text)} is not an http URL; expected an http:// or https:// URL such as "http://127.0.0.1:8080/ready"`);
    return undefined;
  }
  return { kind: 'http', url: text };
}

async function logProbe(ctx: FileContext, path: Path, raw: string): Promise<Probe | undefined> {
  const text = ctx.expand(path, raw);
  // The matcher is loaded only by a file that has a log probe.
  const { compileLinePattern, LinePatternError } = await import('../probes/line-pattern.js');
  try {
    return { kind: 'log', pattern: compileLinePattern(text) };
  } catch (e) {
    if (!(e instanceof LinePatternError)) throw e;
    ctx.report(path, e.message);
    return undefined;
  }
}

/**
 * A string runs through /bin/sh -c; a list is the argv. Every part
 * ${}-expanded, then checked against what exec can take (NUL bytes, sizes).
 */
export function commandArgv(ctx: FileContext, path: Path, raw: string | string[]): string[] {
  if (typeof raw === 'string') {
    const script = ctx.expand(path, raw);
    const unfit = unfitArgument(script, 'a command');
    if (unfit !== undefined) ctx.report(path, unfit);
    return ['/bin/sh', '-c', script];
  }
  if (raw.length > LIMITS.arguments) {
    ctx.report(path, `has ${raw.length} arguments; expected at most ${LIMITS.arguments}`);
    return [];
  }
  const argv = raw.map((arg, i) => ctx.expand([...path, i], arg));
  let fits = true;
  argv.forEach((arg, i) => {
    const unfit = unfitArgument(arg);
    if (unfit !== undefined) ctx.report([...path, i], unfit);
    fits &&= unfit === undefined;
  });
  const bytes = argv.reduce((sum, arg) => sum + Buffer.byteLength(arg) + 1, 0);
  if (fits && bytes > LIMITS.commandBytes) {
    ctx.report(path, `is ${bytes} bytes long in all; expected at most ${formatBytes(LIMITS.commandBytes)} (with the environment, it must fit the kernel's room for exec)`);
  }
  return argv;
}
