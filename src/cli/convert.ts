// `usher convert [--from KIND] FILE`: parses the words and prints the
// converter's usher.yaml (src/supervisor/convert/, loaded only here).
import { readFile } from 'node:fs/promises';
import { writeSync } from 'node:fs';
import { parseArgs, UsageError, type OptionSpec } from './args.js';

const EXIT_USAGE = 2;

const OPTIONS: readonly OptionSpec[] = [
  { key: 'help', short: 'h', long: 'help' },
  { key: 'from', long: 'from', value: 'KIND' },
];

export const CONVERT_HELP = `Usage: usher convert [--from KIND] FILE > usher.yaml

Prints the usher.yaml equivalent to another supervisor's file, with a comment
on every key that has no exact equivalent (read them), ready for
\`usher run --check\`:

  supervisord     supervisord.conf: [program:x] sections (commands become
                  argv lists: supervisord runs them without a shell),
                  autorestart's default (unexpected), startretries/startsecs,
                  numprocs, %(ENV_X)s; [include] is listed for you to convert
  procfile        a Procfile (foreman, Heroku): PORT per entry, the .env
                  beside it, release run first
  process-compose process-compose.yaml: processes, probes, availability,
                  replicas, anchors and <<: merge keys
  pm2             an ecosystem file (.js, .json, .yaml). A .js file is read,
                  never run: values that are not literals (process.env.X,
                  path.join(...)) are left out, each with a comment

  --from KIND   The kind of FILE, when its name and content do not tell.
  -h, --help    This help.

Exit status: 0 converted; 2 bad usage, or a file that cannot be read or
converted (the message says where).
`;

function print(fd: number, text: string): void {
  try {
    writeSync(fd, text);
  } catch {
    // nowhere to report to
  }
}

export async function runSubcommand(_name: string, args: string[]): Promise<number> {
  const { KINDS, convert, ConvertError } = await import('../supervisor/convert/index.js');
  let file: string | undefined;
  let kind: (typeof KINDS)[number] | undefined;
  try {
    const parsed = parseArgs(args, OPTIONS);
    for (const o of parsed.options) {
      if (o.key === 'help') {
        print(1, CONVERT_HELP);
        return 0;
      }
      if (o.key === 'from') {
        if (!(KINDS as readonly string[]).includes(o.value ?? '')) {
          throw new UsageError(`--from is one of ${KINDS.join(', ')}; got "${o.value ?? ''}"`, 'bad-value', o.spelled, o.value);
        }
        kind = o.value as (typeof KINDS)[number];
      }
    }
    if (parsed.command.length !== 1) {
      throw new UsageError(parsed.command.length === 0 ? 'no file given: usher convert FILE' : `one file at a time; got ${parsed.command.length}`, 'bad-value');
    }
    file = parsed.command[0] as string;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    print(2, `usher convert: ${err.message}\nTry 'usher convert --help' for more information.\n`);
    return EXIT_USAGE;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    print(2, `usher convert: ${file}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? (e as Error).message})`}\n`);
    return EXIT_USAGE;
  }
  try {
    print(1, convert(file, text, { ...(kind ? { kind } : {}), env: process.env }));
    return 0;
  } catch (e) {
    if (!(e instanceof ConvertError)) throw e;
    print(2, `usher convert: ${e.message}\n`);
    return EXIT_USAGE;
  }
}
