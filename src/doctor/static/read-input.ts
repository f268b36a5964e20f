// Reading the file a static check was given, with the error a user can act on.
import { readFile } from 'node:fs/promises';

/** The text of `path`; throws `cannot read the WHAT PATH: no such file` (or the system's reason). */
export async function readInput(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`cannot read the ${what} ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}
