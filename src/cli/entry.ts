// What the package's `usher` command runs, bundled (npm run build) into
// build/bin/usher.cjs, where its lazily loaded parts run only when asked for.
// Kept tiny on purpose: PID 1 pays for every module it loads, so the CLI
// decides which mode to load before importing anything heavy.
import { main } from './main.js';

// main() loads what the chosen mode needs itself, after parsing (a subcommand,
// dumb-init's or tini's personality).
void main(process.argv);
