// glibc's getopt and getopt_long, as dumb-init and tini call them: the same
// option order, argument permutation, abbreviations and error wording, so that
// usher standing in for either tool accepts, rejects and reports exactly what
// the real binary does.

export interface LongOption {
  name: string;
  hasArg: boolean;
  /** The short option it stands for. */
  val: string;
}

export interface GetoptResult {
  /** Options in the order given: the short letter, and the argument if it takes one. */
  options: { opt: string; arg: string | undefined }[];
  /** What is left once the options are taken: the command and its arguments. */
  operands: string[];
  /** The line getopt printed (without the newline) where it returned '?', after the options before it. */
  error?: string;
}

class GetoptError extends Error {}

/**
 * optstring as getopt takes it ("+hvVcr:"): a leading '+' stops at the first
 * word that is not an option; without it glibc permutes (options may follow the
 * command) unless POSIXLY_CORRECT is set. Parsing stops at the first error, as
 * both tools exit on it (after acting on the options before it, in order).
 */
export function getopt(
  program: string,
  args: readonly string[],
  optstring: string,
  longOptions: readonly LongOption[] = [],
  env: NodeJS.ProcessEnv = {},
): GetoptResult {
  const inOrder = optstring.startsWith('+') || env.POSIXLY_CORRECT !== undefined;
  const spec = optstring.replace(/^[+-]/, '');
  const takesArg = (c: string) => spec[spec.indexOf(c) + 1] === ':';
  const options: GetoptResult['options'] = [];
  const operands: string[] = [];
  let i = 0;
  try {
  for (; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      if (inOrder) break;
      operands.push(arg);
      continue;
    }
    if (arg.startsWith('--') && longOptions.length > 0) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const exact = longOptions.find((o) => o.name === name);
      const candidates = exact ? [exact] : longOptions.filter((o) => o.name.startsWith(name));
      if (candidates.length === 0) throw new GetoptError(`${program}: unrecognized option '${arg}'`);
      if (candidates.length > 1) {
        throw new GetoptError(
          `${program}: option '--${name}' is ambiguous; possibilities:` + candidates.map((o) => ` '--${o.name}'`).join(''),
        );
      }
      const found = candidates[0] as LongOption;
      let value: string | undefined;
      if (eq >= 0) {
        if (!found.hasArg) throw new GetoptError(`${program}: option '--${found.name}' doesn't allow an argument`);
        value = arg.slice(eq + 1);
      } else if (found.hasArg) {
        if (i + 1 >= args.length) throw new GetoptError(`${program}: option '--${found.name}' requires an argument`);
        value = args[++i];
      }
      options.push({ opt: found.val, arg: value });
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const c = arg[j] as string;
      if (c === ':' || !spec.includes(c)) throw new GetoptError(`${program}: invalid option -- '${c}'`);
      if (!takesArg(c)) {
        options.push({ opt: c, arg: undefined });
        continue;
      }
      let value = arg.slice(j + 1);
      if (value === '') {
        if (i + 1 >= args.length) throw new GetoptError(`${program}: option requires an argument -- '${c}'`);
        value = args[++i] as string;
      }
      options.push({ opt: c, arg: value });
      break;
    }
  }
  } catch (err) {
    if (err instanceof GetoptError) return { options, operands: [], error: err.message };
    throw err;
  }
  return { options, operands: [...operands, ...args.slice(i)] };
}

/** C's strtol(text, &end, 10) with a check that the whole text was used; undefined otherwise. */
export function strtolWhole(text: string): number | undefined {
  if (text === '') return 0;
  if (!/^[\s]*[+-]?\d+$/.test(text)) return undefined;
  return Number.parseInt(text.trim(), 10);
}

/** C's atoi: leading blanks, a sign, digits; 0 for anything else. */
export function atoi(text: string): number {
  const m = /^[\s]*([+-]?\d+)/.exec(text);
  return m ? Number.parseInt(m[1] as string, 10) : 0;
}

/** sscanf(text, "%d:%d"): two numbers around a colon, anything may follow. */
export function scanPair(text: string): [number, number] | undefined {
  const m = /^\s*([+-]?\d+):\s*([+-]?\d+)/.exec(text);
  return m ? [Number.parseInt(m[1] as string, 10), Number.parseInt(m[2] as string, 10)] : undefined;
}
