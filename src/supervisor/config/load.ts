// loadConfig: from a file on disk (or the one found in cwd) to a validated
// SupervisorConfig, or a ConfigError holding every problem of the file.
import { basename, dirname, join, resolve } from 'node:path';
import type { SupervisorConfig } from '../types.js';
import { ConfigError, Problems } from './errors.js';
import type { Environment } from './expand.js';
import { parseEnvFile } from './env-file.js';
import { findConfigFile } from './find.js';
import { displayPath } from './paths.js';
import { buildProcfileConfig } from './procfile.js';
import { readTextFile } from './read-file.js';
import { quote } from './words.js';
import { SYSTEM_USERS, UserResolver, type UserDatabase } from './users.js';

export interface LoadOptions {
  /** As given to -f (relative to cwd); absent: usher.yaml, usher.yml, then Procfile in cwd. */
  file?: string;
  /**
   * Several -f files, merged in order as `docker compose -f a -f b` does (the
   * later ones override); takes the place of `file`. A Procfile stands alone.
   */
  files?: readonly string[];
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
  const given = options.files ?? (options.file !== undefined ? [options.file] : []);
  const files = given.length > 0
    ? given.map((f) => ({ file: resolve(cwd, f), shown: f.startsWith('/') ? displayPath(f, cwd) : f }))
    : [{ file: findConfigFile(cwd), shown: '' }].map((f) => ({ ...f, shown: displayPath(f.file, cwd) }));
  const [first] = files as [{ file: string; shown: string }];
  const problems = new Problems(first.shown);
  if (files.length > 1) {
    const procfile = files.find((f) => isProcfile(f.file));
    if (procfile) {
      throw new ConfigError([{ file: procfile.shown, line: 0, column: 0, message: 'a Procfile cannot be merged with other files; expected it alone with -f, or usher.yaml files only' }]);
    }
  }
  let config: SupervisorConfig | undefined;
  if (isProcfile(first.file)) {
    const read = await readConfigText(first.file);
    if (!read.ok) throw new ConfigError([{ file: first.shown, line: read.line, column: read.column, message: `${read.why}; expected a usher.yaml or a Procfile` }]);
    config = buildProcfileConfig(first.file, first.shown, read.text, problems, { env: options.env, ...(await dotenvBeside(first.file, cwd, problems)) });
  } else {
    // The YAML parser is most of the loader's start-up cost: a Procfile does without it.
    const [{ buildYamlConfig }, { readLayers }] = await Promise.all([import('./yaml-config.js'), import('./layers.js')]);
    const layers = await readLayers(files, cwd, problems, async (file, shown, from) => {
      const read = await readConfigText(file);
      if (read.ok) return read.text;
      if (!from) problems.add(shown, read.line, read.column, `${read.why}; expected a usher.yaml or a Procfile`);
      else {
        // An included file: the include: entry that names it is where to look.
        const at = from.layer.source.locate(from.path);
        problems.add(from.layer.shown, at.line, at.column, `include: ${quote(shown)}: ${read.why}; expected a YAML file (a relative path starts from the including file's directory)`);
      }
      return undefined;
    });
    const users = new UserResolver({ ...SYSTEM_USERS, ...options.users });
    // Warnings are held back until the file is known to load: problems come alone.
    const warnings: string[] = [];
    if (problems.empty) {
      config = await buildYamlConfig({ file: first.file, layers, cwd, env: options.env, users, onWarning: (w) => warnings.push(w) }, problems);
      if (config && layers.length > 1) config.files = layers.map((l) => l.file);
    }
    // Each copy of a service with replicas warns the same: once is enough.
    if (problems.empty) for (const w of new Set(warnings)) options.onWarning?.(w);
  }
  problems.throwIfAny();
  if (!config) throw new Error('internal error: config not built and no problem reported');
  return config;
}

/** foreman reads the .env beside the Procfile: its variables (none when there is no .env). */
async function dotenvBeside(procfile: string, cwd: string, problems: Problems): Promise<{ dotenv?: Record<string, string>; dotenvShown?: string }> {
  const file = join(dirname(procfile), '.env');
  const shown = displayPath(file, cwd);
  const read = await readConfigText(file);
  if (!read.ok) {
    if (read.why !== 'no such file') problems.add(shown, read.line, read.column, `${read.why}; expected a file of KEY=VALUE lines (foreman's .env beside the Procfile), or none`);
    return {};
  }
  return { dotenv: parseEnvFile(read.text, shown, problems), dotenvShown: shown };
}

/**
 * The text of a config file, or why it cannot be read (and where in it, for a
 * binary file): only a regular file of at most 1 MiB of UTF-8 (read-file.ts).
 */
async function readConfigText(file: string): Promise<{ ok: true; text: string } | { ok: false; why: string; line: number; column: number }> {
  const read = await readTextFile(file);
  if (read.ok) return read;
  return { ok: false, why: read.code === 'ENOENT' ? 'no such file' : read.why, line: read.line, column: read.column };
}

/** Procfile, Procfile.dev...: anything named Procfile*; everything else is YAML. */
function isProcfile(file: string): boolean {
  return /^Procfile(\..*)?$/.test(basename(file)) && !/\.ya?ml$/.test(file);
}
