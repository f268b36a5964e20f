// A service's program is found with the service's own PATH (usher's
// environment, then its env_file: and env:), as docker and process-compose
// do: posix_spawnp would search usher's PATH instead. The rules are execvp's:
// a name with a '/' is used as it is; otherwise each directory of PATH in
// turn (an empty entry is the working directory; no PATH at all is glibc's
// default), skipping what is missing, and going on past what the user may not
// execute, which is the error if nothing else is found.
import { statSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { ERRNO } from '../core/libc.js';
import { SpawnError } from '../core/process-table.js';

/** The program could not be found (or not executed) with the service's PATH: the message says where it looked. */
export class ProgramLookupError extends SpawnError {
  override name = 'ProgramLookupError';
}

/** glibc's execvp when PATH is not set at all (confstr _CS_PATH). */
const DEFAULT_PATH = '/bin:/usr/bin';

export interface Executor {
  /** Who will run it; undefined: usher itself. */
  user?: { uid: number; gid: number; groups: readonly number[] } | undefined;
  /** The child's working directory, where relative PATH entries point. */
  cwd: string;
}

/**
 * The path to execute for `name`; else a ProgramLookupError (ENOENT: exit
 * 127, EACCES: 126), as posix_spawnp would have failed.
 */
export function findProgram(name: string, env: NodeJS.ProcessEnv, executor: Executor): string {
  if (name.includes('/')) return name;
  if (name === '') throw new ProgramLookupError(name, ERRNO.ENOENT, 'empty command name');
  const path = Object.hasOwn(env, 'PATH') && env.PATH !== undefined ? env.PATH : DEFAULT_PATH;
  let denied = false;
  for (const dir of path.split(':')) {
    const candidate = candidatePath(dir, name, executor.cwd);
    let stats: Stats | undefined;
    try {
      // Missing, the common case (every PATH entry before the program's):
      // undefined rather than an exception, which Node builds with a stack
      // for every directory of every service's lookup.
      stats = statSync(candidate, { throwIfNoEntry: false });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Missing here: the next directory. Anything else execve would have called EACCES.
      if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'ENAMETOOLONG') denied = true;
      continue;
    }
    if (stats === undefined) continue;
    if (stats.isFile() && mayExecute(stats, executor.user)) return candidate;
    denied = true;
  }
  if (denied) throw new ProgramLookupError(name, ERRNO.EACCES, `found in PATH but not executable by the service's user (PATH=${path})`);
  throw new ProgramLookupError(name, ERRNO.ENOENT, `not found in the service's PATH (${path})`);
}

/**
 * DIR/NAME, joined as execvp joins them; only a relative entry is resolved,
 * from the child's working directory. Not path.resolve for every entry: with a
 * long PATH and ten services, its normalizer ran hot enough at start-up for
 * V8's optimizing compiler, whose code and memory that one compile paged into
 * PID 1 (about 3.5 MB of RSS, measured).
 */
function candidatePath(dir: string, name: string, cwd: string): string {
  if (dir.startsWith('/')) return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
  return resolve(cwd, dir === '' ? '.' : dir, name);
}

/** The kernel's execute check on the mode bits: root needs any x bit, others the bit of the class they fall in. */
function mayExecute(stats: Stats, user: Executor['user']): boolean {
  const uid = user ? user.uid : process.geteuid?.() ?? 0;
  if (uid === 0) return (stats.mode & 0o111) !== 0;
  if (stats.uid === uid) return (stats.mode & 0o100) !== 0;
  const groups = user ? [user.gid, ...user.groups] : [process.getegid?.() ?? 0, ...(process.getgroups?.() ?? [])];
  if (groups.includes(stats.gid)) return (stats.mode & 0o010) !== 0;
  return (stats.mode & 0o001) !== 0;
}
