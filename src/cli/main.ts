// Command-line entry: decide the personality from the name usher was invoked
// by, parse, then load only what the chosen mode needs.
import { readFileSync, writeSync } from 'node:fs';
import { buildRequest, RewriteError } from './config.js';
import { UsageError } from './args.js';
import { personalityFor, type Personality } from './personality.js';
import { subcommandFor } from './subcommands.js';

function usherVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function print(fd: number, text: string): void {
  try {
    writeSync(fd, text);
  } catch {
    // nowhere left to report to
  }
}

/** getopt's own wording, which dumb-init and tini users (and their scripts) see. */
function getoptMessage(program: string, err: UsageError): string {
  const option = err.option ?? '';
  const long = option.startsWith('--');
  if (err.problem === 'unknown-option') {
    return long ? `${program}: unrecognized option '${option}'` : `${program}: invalid option -- '${option.slice(1)}'`;
  }
  return long ? `${program}: option '${option}' requires an argument` : `${program}: option requires an argument -- '${option.slice(1)}'`;
}

async function usageFailure(personality: Personality, err: UsageError, invokedAs: string): Promise<number> {
  const getoptProblem = err.problem === 'unknown-option' || err.problem === 'missing-value';
  if (personality.name === 'dumb-init') {
    if (err instanceof RewriteError) {
      print(2, 'Usage: -r option takes <signum>:<signum>, where <signum> is between 1 and 31.\n' +
        'This option can be specified multiple times.\nUse --help for full usage.\n');
    } else if (getoptProblem) {
      print(2, getoptMessage(invokedAs, err) + '\n');
    } else if (err.problem === 'no-command') {
      print(2, `Usage: ${invokedAs} [option] program [args]\nTry ${invokedAs} --help for full usage.\n`);
    } else {
      print(2, `[dumb-init] ${err.message}\n`);
    }
  } else if (personality.name === 'tini') {
    if (err.problem === 'bad-value' && (err.option === '-e' || err.option === '-p')) {
      print(2, `[FATAL tini (${process.pid})] Not a valid option for ${err.option}: ${err.value}\n`);
    } else if (err.problem === 'bad-value') {
      print(2, `[FATAL tini (${process.pid})] ${err.message}\n`);
    } else {
      if (getoptProblem) print(2, getoptMessage(invokedAs, err) + '\n');
      const { tiniUsage } = await import('./help.js');
      print(2, tiniUsage());
    }
  } else {
    print(2, `usher: ${err.message}\nTry 'usher --help' for more information.\n`);
  }
  return personality.usageExitCode;
}

export async function main(argv: string[]): Promise<void> {
  const invokedAs = argv[1] ?? 'usher';
  const personality = personalityFor(invokedAs);
  const args = argv.slice(2);

  // Subcommands exist in the usher personality only, and only as the first
  // word: `usher -- ps` and `dumb-init ps` still run a program called ps.
  const subcommand = personality.name === 'usher' ? subcommandFor(args[0]) : undefined;
  if (subcommand) {
    const { runSubcommand } = await subcommand();
    process.exitCode = await runSubcommand(args[0] as string, args.slice(1));
    return;
  }

  // tini answers --version only when it is the sole argument.
  if (personality.name === 'tini' && args.length === 1 && args[0] === '--version') {
    print(1, personality.version(usherVersion()) + '\n');
    process.exit(0);
  }

  let request;
  try {
    request = buildRequest(args, process.env, personality);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.exit(await usageFailure(personality, err, invokedAs));
  }

  if (request.kind === 'help') {
    const { helpText } = await import('./help.js');
    print(personality.infoFd, helpText(personality.name, usherVersion()));
    process.exit(0);
  }
  if (request.kind === 'version') {
    print(personality.infoFd, personality.version(usherVersion()) + '\n');
    process.exit(0);
  }
  if (request.kind === 'license') {
    const { LICENSE } = await import('./help.js');
    print(1, LICENSE);
    process.exit(0);
  }

  const [{ runInit, installCrashGuard, isCrashing }, { createLogger }] = await Promise.all([
    import('../init/init.js'),
    import('../core/log.js'),
  ]);
  const log = createLogger(request.verbosity, personality.prefix, personality.fdFor);
  installCrashGuard(log);
  const code = await runInit({ ...request.config, log, messages: personality.messages });
  if (!isCrashing()) process.exit(code);
}
