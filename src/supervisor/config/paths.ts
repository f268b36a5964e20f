import { isAbsolute, relative, resolve } from 'node:path';

/** A path as shown in messages: relative to usher's working directory when inside it. */
export function displayPath(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absolute;
}

export function resolveFrom(dir: string, path: string): string {
  return resolve(dir, path);
}
