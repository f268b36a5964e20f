// usher's own command line: its options, messages and help.
import { ERRNO } from '../core/libc.js';
import { createLogger } from '../core/log.js';
import { usherNarrator } from '../init/narrator.js';
import { UsageError } from './args.js';
import { buildRequest } from './config.js';
import type { Outcome } from './outcome.js';
import type { Personality } from './personality.js';
import { usherVersion } from './version.js';

async function parse(_program: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Outcome> {
  let request;
  try {
    request = buildRequest(args, env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return { kind: 'exit', code: 2, print: [[2, `usher: ${err.message}\nTry 'usher --help' for more information.\n`]] };
  }
  if (request.kind === 'help') {
    const { helpText } = await import('./help.js');
    return { kind: 'exit', code: 0, print: [[1, helpText(usherVersion())]] };
  }
  if (request.kind === 'version') return { kind: 'exit', code: 0, print: [[1, `usher ${usherVersion()}\n`]] };
  if (request.kind === 'license') {
    const { LICENSE } = await import('./help.js');
    return { kind: 'exit', code: 0, print: [[1, LICENSE]] };
  }
  return request;
}

export const USHER: Personality = {
  parse,
  voice: (o) => {
    const log = createLogger(o.verbosity);
    return { log, narrator: usherNarrator(log, ERRNO) };
  },
};
