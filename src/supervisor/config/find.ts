import { statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './errors.js';

/** Looked for in this order when `usher run` has no -f. */
export const CONFIG_FILE_NAMES = ['usher.yaml', 'usher.yml', 'Procfile'] as const;

/** The absolute path of the first of usher.yaml, usher.yml, Procfile in `cwd`. */
export function findConfigFile(cwd: string): string {
  for (const name of CONFIG_FILE_NAMES) {
    const path = join(cwd, name);
    try {
      if (statSync(path).isFile()) return path;
    } catch {
      // not there: try the next name
    }
  }
  throw new ConfigError([
    {
      file: cwd,
      line: 0,
      column: 0,
      message: `no usher.yaml, usher.yml or Procfile in this directory; expected one of them, or -f FILE`,
    },
  ]);
}
