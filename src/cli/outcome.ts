// What parsing a command line comes to, in every personality: print and exit,
// or run the init with this configuration.
import type { Verbosity } from '../core/log.js';
import type { InitConfig } from '../init/init.js';
import { parseDuration, UsageError } from './args.js';

export type RunConfig = Omit<InitConfig, 'log' | 'narrator'>;

export type Outcome =
  | { kind: 'exit'; code: number; print: [fd: number, text: string][] }
  | { kind: 'run'; config: RunConfig; verbosity: Verbosity; startLines?: string[] };

type Extras = Pick<RunConfig, 'drainTimeoutMs' | 'stopTimeoutMs' | 'stopDelayMs'>;

/**
 * usher's extras where it stands in for dumb-init or tini: from the environment
 * only, so that every command line means exactly what it means to the real tool.
 * Off unless set: dumb-init and tini exit as soon as the child does.
 */
export function usherExtrasFromEnv(env: NodeJS.ProcessEnv): { kind: 'run'; config: Extras } | Extract<Outcome, { kind: 'exit' }> {
  try {
    return {
      kind: 'run',
      config: {
        drainTimeoutMs: env.USHER_DRAIN_TIMEOUT ? parseDuration(env.USHER_DRAIN_TIMEOUT, 'USHER_DRAIN_TIMEOUT') : 0,
        stopTimeoutMs: env.USHER_STOP_TIMEOUT ? parseDuration(env.USHER_STOP_TIMEOUT, 'USHER_STOP_TIMEOUT') : undefined,
        stopDelayMs: env.USHER_STOP_DELAY ? parseDuration(env.USHER_STOP_DELAY, 'USHER_STOP_DELAY') : 0,
      },
    };
  } catch (err) {
    if (err instanceof UsageError) return { kind: 'exit', code: 2, print: [[2, `[usher] ${err.message}\n`]] };
    throw err;
  }
}
