/**
 * The seed's demo program (Go), ported to TypeScript on `usher-init/shutdown`.
 *
 * Prints `Start ...`; on SIGTERM, SIGINT or SIGHUP prints
 * `receive system signal: <name>` with Go's name for the signal (`terminated`,
 * `interrupt`, `hangup`), then `Shutdown ~`, and exits 0.
 *
 * Meant to run as PID 1 in a container, where the kernel drops any signal the
 * process has no handler for: the handlers are installed before `Start ...` is
 * printed, so whoever waits for that line can signal at once.
 *
 * Run: `node build/examples/seed-demo/demo.js`
 */
// In an app this is `import { createLifecycle } from 'usher-init/shutdown';`
import { createLifecycle } from '../../src/shutdown/index.js';

/** What Go's `os.Signal.String()` prints for the signals the demo handles. */
const GO_SIGNAL_NAMES: Partial<Record<NodeJS.Signals, string>> = {
  SIGTERM: 'terminated',
  SIGINT: 'interrupt',
  SIGHUP: 'hangup',
};

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

// Whoever reads stdout (a log collector, a terminal that went away on SIGHUP)
// may be gone: a failed write must not crash the process or change its exit code.
process.stdout.on('error', () => undefined);

const lifecycle = createLifecycle({
  signals: ['SIGTERM', 'SIGINT', 'SIGHUP'],
  onEvent(event) {
    if (event.type === 'shutdown-start' && event.reason.type === 'signal') {
      say(`receive system signal: ${GO_SIGNAL_NAMES[event.reason.signal] ?? event.reason.signal}`);
    }
  },
});

// The only hook, so it runs last, after everything the app would register later.
lifecycle.addHook('goodbye', () => say('Shutdown ~'));

// Like the Go program blocking on its channel: nothing else holds the event
// loop, and signal listeners alone do not.
lifecycle.keepProcessAlive();

say('Start ...');
