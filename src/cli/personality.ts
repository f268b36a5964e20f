// usher, or usher standing in for dumb-init or tini. Invoked through a link
// named `dumb-init` or `tini`, usher parses, prints and exits as that tool does
// (dumb-init.ts, tini.ts), so swapping the binary in an image changes nothing else.
import { basename } from 'node:path';
import type { Logger } from '../core/log.js';
import type { InitNarrator } from '../init/narrator.js';
import type { Outcome } from './outcome.js';
// usher's own command line is the common case: bundled with the entry, not a chunk.
import { USHER } from './usher.js';

export type PersonalityName = 'usher' | 'dumb-init' | 'tini';

export function personalityName(invokedAs: string | undefined): PersonalityName {
  const name = basename(invokedAs ?? 'usher');
  return name === 'dumb-init' || name === 'tini' ? name : 'usher';
}

export interface Personality {
  parse(program: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Outcome>;
  /** The logger and the words of init mode, once parsing says run. */
  voice(outcome: Extract<Outcome, { kind: 'run' }>): { log: Logger; narrator: InitNarrator };
}

/** Loads only the chosen personality's module. */
export async function loadPersonality(name: PersonalityName): Promise<Personality> {
  if (name === 'dumb-init') {
    const m = await import('./dumb-init.js');
    return {
      parse: async (program, args, env) => m.parse(program, args, env),
      voice: (o) => {
        const log = m.logger(o.verbosity);
        return { log, narrator: m.narrator(log, o.config.handOffTerminal, o.startLines ?? []) };
      },
    };
  }
  if (name === 'tini') {
    const m = await import('./tini.js');
    return {
      parse: async (program, args, env) => {
        // -l is rare: the license text is loaded only for it.
        const license = args.some((a) => /^-[^-]*l/.test(a)) ? (await import('./help.js')).LICENSE : '';
        return m.parse(program, args, env, license);
      },
      voice: (o) => {
        const log = m.logger(o.verbosity);
        return { log, narrator: m.narrator(log) };
      },
    };
  }
  return USHER;
}
