// getopt-style parsing shared by every personality: short flags may be bundled
// (-vv, -cv), values may be attached (-rTERM:QUIT, --stop-timeout=8) or follow,
// and parsing stops at `--` or at the first word that is not an option, so
// `usher node server.js --port 3` passes --port to node.

export interface OptionSpec {
  key: string;
  short?: string;
  long?: string;
  /** Name of the value in messages and help, e.g. 'FROM:TO'; absent for flags. */
  value?: string;
}

export interface ParsedArgs {
  /** Options in the order given, so repeatable ones keep every value. */
  options: { key: string; value: string | undefined; spelled: string }[];
  command: string[];
}

export type UsageProblem = 'no-command' | 'unknown-option' | 'missing-value' | 'bad-value';

export class UsageError extends Error {
  constructor(
    message: string,
    readonly problem: UsageProblem,
    /** The option as the user spelled it, for personalities that word errors their own way. */
    readonly option?: string,
    readonly value?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArgs(args: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const options: ParsedArgs['options'] = [];
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short as string, s]));
  const byLong = new Map(specs.filter((s) => s.long).map((s) => [s.long as string, s]));
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      i++;
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const spec = byLong.get(name);
      if (!spec) throw new UsageError(`unknown option --${name}`, 'unknown-option', `--${name}`);
      let value: string | undefined;
      if (spec.value) {
        if (eq >= 0) value = arg.slice(eq + 1);
        else if (i + 1 < args.length) value = args[++i];
        else throw new UsageError(`option --${name} needs a value (${spec.value})`, 'missing-value', `--${name}`);
      } else if (eq >= 0) {
        throw new UsageError(`option --${name} takes no value`, 'bad-value', `--${name}`, arg.slice(eq + 1));
      }
      options.push({ key: spec.key, value, spelled: `--${name}` });
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j] as string;
        const spec = byShort.get(letter);
        if (!spec) throw new UsageError(`unknown option -${letter}`, 'unknown-option', `-${letter}`);
        if (!spec.value) {
          options.push({ key: spec.key, value: undefined, spelled: `-${letter}` });
          continue;
        }
        let value: string | undefined = arg.slice(j + 1);
        if (value === '') {
          if (i + 1 >= args.length) {
            throw new UsageError(`option -${letter} needs a value (${spec.value})`, 'missing-value', `-${letter}`);
          }
          value = args[++i];
        }
        options.push({ key: spec.key, value, spelled: `-${letter}` });
        break;
      }
      continue;
    }
    break;
  }
  return { options, command: args.slice(i) };
}

/**
 * The longest duration a Node timer can wait (2^31 - 1 ms, about 24.8 days):
 * a longer setTimeout fires after 1 ms instead, with only a warning, which
 * would turn a long --stop-timeout into an immediate SIGKILL.
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/** Seconds as `8`, `2.5`, `8s` or `500ms`, returned in milliseconds. */
export function parseDuration(text: string, option: string): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s)?\s*$/.exec(text);
  if (!m) throw new UsageError(`${option} expects seconds, like 8, 2.5 or 500ms; got "${text}"`, 'bad-value', option, text);
  const n = Number(m[1]);
  const ms = Math.round(m[2] === 'ms' ? n : n * 1000);
  if (!(ms <= MAX_DURATION_MS)) {
    throw new UsageError(
      `${option} is at most ${Math.floor(MAX_DURATION_MS / 1000)}s (about 24 days); got "${text}"`,
      'bad-value',
      option,
      text,
    );
  }
  return ms;
}
