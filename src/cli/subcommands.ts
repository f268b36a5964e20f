// usher's subcommands, each loaded only when asked for: init mode (PID 1 in
// every container start) never pays for the supervisor or the doctor.
//
// Each module parses its own words (with ./args.js) and hands over to its mode;
// it returns the exit code. Modes never import each other.
export interface SubcommandModule {
  runSubcommand(name: string, args: string[]): Promise<number>;
}

const SUBCOMMANDS: Record<string, () => Promise<SubcommandModule>> = {
  run: () => import('./run.js'),
  ps: () => import('./control.js'),
  start: () => import('./control.js'),
  stop: () => import('./control.js'),
  restart: () => import('./control.js'),
  signal: () => import('./control.js'),
  doctor: () => import('./doctor.js'),
  convert: () => import('./convert.js'),
};

export function subcommandFor(word: string | undefined): (() => Promise<SubcommandModule>) | undefined {
  return word !== undefined && Object.hasOwn(SUBCOMMANDS, word) ? SUBCOMMANDS[word] : undefined;
}
