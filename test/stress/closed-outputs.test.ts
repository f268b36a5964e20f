// Closed outputs: usher's stderr closed (`2>&-`), or its stdout and stderr
// pipes whose reader has gone away, while -v logs every event. usher must go
// on forwarding and reaping, and exit with the child's status. The child
// reports to a file, since nobody reads its outputs either.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, startPid1, USHER, type Namespace } from '../helpers/pid1.js';
import { eventually } from '../helpers/eventually.js';
import { figure, size } from '../helpers/stress.js';

const SIGNALS = size(5, 50);
/** Left behind at start and on each signal. */
const ORPHANS = size(4, 20);

const linesOf = (file: string): string[] => {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

async function exercise(t: test.TestContext, ns: Namespace, file: string, afterReady: () => void, how: string): Promise<void> {
  await eventually(() => linesOf(file).includes('ready'), { what: `the child's "ready" in ${file}`, timeoutMs: 60_000 });
  afterReady();
  // Forwarding: each SIGUSR1 is awaited before the next, so none coalesce.
  for (let i = 1; i <= SIGNALS; i++) {
    ns.signal('SIGUSR1');
    await eventually(() => linesOf(file).filter((l) => l === 'USR1').length, { what: `SIGUSR1 number ${i} reported`, holds: (n) => n >= i });
  }
  // Reaping: the child left orphans behind; none may stay a zombie.
  const usher = ns.pid1;
  await eventually(() => ns.descendants().filter((p) => p.state === 'Z' || p.ppid === usher), {
    what: 'every orphan reaped (only the child left below usher, no zombie)',
    holds: (procs) => procs.length === 1 && procs[0]?.state !== 'Z',
    timeoutMs: 60_000,
  });
  ns.signal('SIGTERM');
  const exit = await ns.exited;
  const reported = linesOf(file);
  figure(t, {
    scenario: 'closed outputs',
    thrown: `${how}, -v, ${SIGNALS} signals, ${ORPHANS * (SIGNALS + 1)} orphans`,
    measure: 'usher forwarded, reaped, and exited with the child\'s status',
    value: `${reported.filter((l) => l === 'USR1').length} signals forwarded, 0 zombies, exit ${exit.code}`,
    target: `${SIGNALS} forwarded, exit 7`,
    held: exit.code === 7,
  });
  assert.equal(exit.code, 7, "usher's exit status is the child's");
  assert.equal(reported.at(-1), 'TERM');
}

function setup(t: test.TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'usher-closed-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'report');
}

test('stderr closed (2>&-) while -v logs every event', { timeout: 120_000 }, async (t) => {
  const file = setup(t);
  // The shell closes fd 2 and execs usher, which becomes PID 1 of the namespace.
  const ns = startPid1(['sh', '-c', 'exec "$@" 2>&-', 'sh', USHER, '-v', '--', fixture('file-reporter.sh'), file, String(ORPHANS)], { bare: true });
  t.after(() => ns.destroy());
  await exercise(t, ns, file, () => undefined, 'stderr closed (2>&-)');
});

test('stdout and stderr pipes whose reader has gone, while -v logs every event', { timeout: 120_000 }, async (t) => {
  const file = setup(t);
  const ns = startPid1(['-v', '--', fixture('file-reporter.sh'), file, String(ORPHANS)]);
  t.after(() => ns.destroy());
  await exercise(t, ns, file, () => {
    ns.closeOutput('stdout');
    ns.closeOutput('stderr');
  }, 'stdout and stderr readers gone');
});
