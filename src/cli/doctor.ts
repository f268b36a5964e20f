// Placeholder until the mode lands: the dispatch in subcommands.ts is in place.
import { writeSync } from 'node:fs';

export async function runSubcommand(name: string, _args: string[]): Promise<number> {
  writeSync(2, `usher: '${name}' is not available yet\n`);
  return 2;
}
