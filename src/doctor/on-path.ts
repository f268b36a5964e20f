// Whether a program is installed, before the doctor relies on it (the engine
// for --image, setpriv around unshare).
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Whether a directory of PATH holds a file of that name. */
export function onPath(name: string): boolean {
  return (process.env.PATH ?? '/usr/bin:/bin').split(':').some((dir) => dir !== '' && existsSync(join(dir, name)));
}
