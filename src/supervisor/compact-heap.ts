// One compacting full garbage collection once usher run has started its
// services. Start-up leaves V8's old space holding what only start-up needed:
// the config loader's code (the YAML parser and the schema validator, whose
// file cli/run.ts lets go of), the parsed file, the source texts. An idle
// usher allocates nothing, so V8 would never collect them, and its memory
// reducer, which would, is off (core/libc.ts: it wakes an idle process). A
// collection alone frees objects but not pages that still hold a live one;
// compacting moves the survivors together and gives whole pages back (about
// 1.6 MB of the 10 MB usher run holds over a bare node, measured with ten
// services). A few milliseconds, once, after the first services are spawned.
import { runInNewContext } from 'node:vm';
import { setV8Flags } from '../core/libc.js';

export function compactHeapOnce(): void {
  // Node exposes no collection to call; V8's gc() extension is installed in
  // contexts created after --expose-gc is set.
  setV8Flags('--expose-gc');
  setV8Flags('--compact-on-every-full-gc');
  try {
    (runInNewContext('gc') as () => void)();
  } finally {
    setV8Flags('--no-compact-on-every-full-gc');
    setV8Flags('--no-expose-gc');
  }
}
