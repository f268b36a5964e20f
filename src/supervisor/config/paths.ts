import { isAbsolute, relative, resolve } from 'node:path';

/** A path as shown in messages: relative to usher's working directory when inside it. */
export function displayPath(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absolute;
}

export function resolveFrom(dir: string, path: string): string {
  return resolve(dir, path);
}

/** A path quoted in a message, cut in the middle when long: the file may name a path of any length. */
export function shortPath(path: string): string {
  return path.length <= 200 ? path : `${path.slice(0, 100)}...${path.slice(-60)} (${path.length} characters)`;
}
