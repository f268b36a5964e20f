// Entry point of usher's single-file builds: the same job as bin/usher, except
// that koffi's native addon comes from the file shipped next to the build.
import { installKoffiResolver } from './koffi-resolver.js';

installKoffiResolver();
import('../../src/cli/main.js').then(
  (m) => m.main(process.argv),
  (err: unknown) => {
    process.stderr.write(`[usher] cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(70);
  },
);
