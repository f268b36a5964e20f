// Command-line entry: decide the personality from the name usher was invoked
// by, parse, then load only what the chosen mode needs.
import { readFileSync, writeSync } from 'node:fs';
import { loadPersonality, personalityName } from './personality.js';
import { subcommandFor } from './subcommands.js';
// Init mode is what usher runs in every container start: bundled with the entry.
import { installCrashGuard, isCrashing, runInit } from '../init/init.js';

function print(fd: number, text: string): void {
  try {
    writeSync(fd, text);
  } catch {
    // nowhere left to report to
  }
}

/**
 * The program name as it was executed, for messages that quote argv[0] as
 * dumb-init and tini do: the kernel hands a script's interpreter the path it
 * ran (what the caller gave execve), which Node then makes absolute in
 * process.argv[1]; /proc/self/cmdline still has it as given.
 */
function programName(argv: string[]): string {
  try {
    const words = readFileSync('/proc/self/cmdline', 'utf8').split('\0');
    const given = words[1 + process.execArgv.length];
    if (given !== undefined && argv[1] !== undefined && given.split('/').pop() === argv[1].split('/').pop()) return given;
  } catch {
    // no /proc: the absolute path will do
  }
  return argv[1] ?? 'usher';
}

export async function main(argv: string[]): Promise<void> {
  const name = personalityName(argv[1]);
  const args = argv.slice(2);

  // Subcommands exist in the usher personality only, and only as the first
  // word: `usher -- ps` and `dumb-init ps` still run a program called ps.
  const subcommand = name === 'usher' ? subcommandFor(args[0]) : undefined;
  if (subcommand) {
    const { runSubcommand } = await subcommand();
    process.exitCode = await runSubcommand(args[0] as string, args.slice(1));
    return;
  }

  const personality = await loadPersonality(name);
  const outcome = await personality.parse(name === 'usher' ? 'usher' : programName(argv), args, process.env);
  if (outcome.kind === 'exit') {
    for (const [fd, text] of outcome.print) print(fd, text);
    process.exit(outcome.code);
  }

  const { log, narrator } = personality.voice(outcome);
  installCrashGuard(log);
  const code = await runInit({ ...outcome.config, log, narrator });
  if (!isCrashing()) process.exit(code);
}
