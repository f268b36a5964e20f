// What the package's `usher` command runs, bundled (npm run build) into
// build/bin/usher.mjs with its lazily loaded parts split into chunks beside it.
// Kept tiny on purpose: PID 1 pays for every module it loads, so the CLI
// decides which mode to load before importing anything heavy.
import { setFlagsFromString } from 'node:v8';

// V8's memory reducer wakes every thread of an idle process about 8 s after
// start-up to shrink a heap that is already tiny; an idle init must not wake.
setFlagsFromString('--no-memory-reducer-for-small-heaps');

import('./main.js').then(
  (m) => m.main(process.argv),
  (err: unknown) => {
    process.stderr.write(
      `[usher] cannot start: ${err instanceof Error ? err.message : String(err)}\n` +
        '[usher] was the project built? Run: npm ci && npm run build\n',
    );
    process.exit(70);
  },
);
