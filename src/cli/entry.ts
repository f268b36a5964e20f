// What the package's `usher` command runs, bundled (npm run build) into
// build/bin/usher.mjs with its lazily loaded parts split into chunks beside it.
// Kept tiny on purpose: PID 1 pays for every module it loads, so the CLI
// decides which mode to load before importing anything heavy.
import { setFlagsFromString } from 'node:v8';
import { main } from './main.js';

// V8's memory reducer wakes every thread of an idle process about 8 s after
// start-up to shrink a heap that is already tiny; an idle init must not wake.
setFlagsFromString('--no-memory-reducer-for-small-heaps');

// main() loads the chosen mode itself, after parsing (init mode, a subcommand,
// dumb-init's or tini's personality), each from a chunk of its own.
void main(process.argv);
