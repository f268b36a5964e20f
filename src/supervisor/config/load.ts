// loadConfig: from a file on disk (or the one found in cwd) to a validated
// SupervisorConfig, or a ConfigError holding every problem of the file.
import { basename, resolve } from 'node:path';
import type { SupervisorConfig } from '../types.js';
import { ConfigError, Problems } from './errors.js';
import type { Environment } from './expand.js';
import { findConfigFile } from './find.js';
import { displayPath } from './paths.js';
import { buildProcfileConfig } from './procfile.js';
import { readTextFile } from './read-file.js';
import { SYSTEM_USERS, UserResolver, type UserDatabase } from './users.js';

export interface LoadOptions {
  /** As given to -f (relative to cwd); absent: usher.yaml, usher.yml, then Procfile in cwd. */
  file?: string;
  cwd: string;
  /** usher's environment, for ${VAR}. */
  env: NodeJS.ProcessEnv | Environment;
  /** Where `user:` names are looked up (tests point these at temp files). */
  users?: Partial<UserDatabase>;
  /**
   * Told about what is valid but likely a mistake, one `FILE:LINE:COL: ...`
   * line each: a `${VAR}` whose VAR is not set (expanded to '', as compose
   * does). Only for a file that loads; without it, nothing is said.
   */
  onWarning?: (line: string) => void;
}

export async function loadConfig(options: LoadOptions): Promise<SupervisorConfig> {
  const cwd = resolve(options.cwd);
  const file = options.file !== undefined ? resolve(cwd, options.file) : findConfigFile(cwd);
  const shown = options.file !== undefined && !options.file.startsWith('/') ? options.file : displayPath(file, cwd);
  const read = await readTextFile(file);
  if (!read.ok) {
    const why = read.code === 'ENOENT' ? 'no such file' : read.why;
    throw new ConfigError([{ file: shown, line: read.line, column: read.column, message: `${why}; expected a usher.yaml or a Procfile` }]);
  }
  const text = read.text;
  const problems = new Problems(shown);
  let config: SupervisorConfig | undefined;
  if (isProcfile(file)) {
    config = buildProcfileConfig(file, shown, text, problems);
  } else {
    // The YAML parser is most of the loader's start-up cost: a Procfile does without it.
    const { buildYamlConfig } = await import('./yaml-config.js');
    const users = new UserResolver({ ...SYSTEM_USERS, ...options.users });
    // Warnings are held back until the file is known to load: problems come alone.
    const warnings: string[] = [];
    config = await buildYamlConfig({ file, shownAs: shown, text, cwd, env: options.env, users, onWarning: (w) => warnings.push(w) }, problems);
    if (problems.empty) for (const w of warnings) options.onWarning?.(w);
  }
  problems.throwIfAny();
  if (!config) throw new Error('internal error: config not built and no problem reported');
  return config;
}

/** Procfile, Procfile.dev...: anything named Procfile*; everything else is YAML. */
function isProcfile(file: string): boolean {
  return /^Procfile(\..*)?$/.test(basename(file)) && !/\.ya?ml$/.test(file);
}
