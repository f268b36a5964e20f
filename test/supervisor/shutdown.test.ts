// Stopping: reverse dependency order, each service's own stop signal to its
// whole group, SIGKILL at its stop_timeout (named), the global grace cutting
// timeouts, orphans of a service stopped too, a second SIGTERM changing
// nothing, other signals passed to every service, and the exit statuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexOf, NODE, PROBE, startEngine, tempDir } from './helpers.js';

const T = { timeout: 60_000 };

test('SIGTERM stops dependants before their dependencies; every service ends on its own: exit 0', T, async () => {
  const ns = startEngine({
    services: [
      { name: 'db', argv: [NODE, PROBE] },
      { name: 'web', argv: [NODE, PROBE], dependsOn: [{ name: 'db', condition: 'started' }] },
      { name: 'worker', argv: [NODE, PROBE], dependsOn: [{ name: 'web', condition: 'started' }] },
    ],
  });
  for (const name of ['db', 'web', 'worker']) await ns.stdout.waitFor(new RegExp(`^${name} +\\| ready \\d+$`));
  ns.signal('SIGTERM');
  const exit = await ns.exited;
  assert.equal(exit.code, 0, ns.stderr.text);
  const ev = ns.stderr.all;
  const stopped = (n: string) => indexOf(ev, new RegExp(`\\| ${n}: pid \\d+ exited with code 0`));
  const stopping = (n: string) => indexOf(ev, new RegExp(`\\| ${n}: stopping \\(SIGTERM`));
  assert.ok(stopped('worker') >= 0 && stopped('worker') < stopping('web'), ns.stderr.text);
  assert.ok(stopped('web') >= 0 && stopped('web') < stopping('db'), ns.stderr.text);
  for (const name of ['db', 'web', 'worker']) assert.match(ns.stdout.text, new RegExp(`^${name} +\\| SIGTERM \\d+$`, 'm'));
});

test('stop_signal is sent to the whole process group of the service', T, async () => {
  // The probe starts a copy of itself in its group: both must get SIGUSR1.
  const ns = startEngine({ services: [{ name: 'app', argv: [NODE, PROBE, '--exit-on', 'SIGUSR1', '--children', '1'], stopSignal: 10 }] });
  await ns.stdout.waitForCount(/^app +\| ready \d+$/, 2);
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  assert.equal(ns.stdout.all.filter((l) => /^app +\| SIGUSR1 \d+$/.test(l)).length, 2, ns.stdout.text);
  assert.doesNotMatch(ns.stdout.text, /SIGTERM/);
});

test('a service that ignores SIGTERM is SIGKILLed at its stop_timeout and named; the others stop normally; exit 137', T, async () => {
  const ns = startEngine({
    services: [
      { name: 'stubborn', argv: [NODE, PROBE, '--ignore', 'SIGTERM'], stopTimeoutMs: 800 },
      { name: 'polite', argv: [NODE, PROBE] },
    ],
  });
  await ns.stdout.waitFor(/^stubborn +\| ready/);
  await ns.stdout.waitFor(/^polite +\| ready/);
  ns.signal('SIGTERM');
  const exit = await ns.exited;
  assert.equal(exit.code, 137, ns.stderr.text);
  assert.match(ns.stdout.text, /^stubborn +\| ignored SIGTERM \d+$/m);
  assert.match(ns.stderr.text, /stubborn: killed pid \d+ \(.*signal-probe\.mjs --ignore SIGTERM\): did not stop within 0\.8s of SIGTERM/);
  assert.match(ns.stderr.text, /polite: pid \d+ exited with code 0/);
  assert.match(ns.stderr.text, /stubborn: pid \d+ was killed by SIGKILL/);
});

test('grace cuts every stop_timeout to what is left, and what still runs at its end is killed and named', T, async () => {
  const ns = startEngine({
    graceMs: 1500,
    services: [
      { name: 'db', argv: [NODE, PROBE, '--ignore', 'SIGTERM'], stopTimeoutMs: 30_000 },
      { name: 'web', argv: [NODE, PROBE, '--ignore', 'SIGTERM'], stopTimeoutMs: 30_000, dependsOn: [{ name: 'db', condition: 'started' }] },
    ],
  });
  await ns.stdout.waitFor(/^db +\| ready/);
  await ns.stdout.waitFor(/^web +\| ready/);
  const sent = Date.now();
  ns.signal('SIGTERM');
  const exit = await ns.exited;
  const took = Date.now() - sent;
  assert.equal(exit.code, 137, ns.stderr.text);
  // Bound for "it did not wait the 30 s stop_timeout": far above grace, far below 30 s.
  assert.ok(took < 15_000, `stopped in ${took} ms`);
  assert.match(ns.stderr.text, /web: stopping \(SIGTERM, up to 1\.\d+s\)/, 'the timeout was cut to the grace left');
  assert.match(ns.stderr.text, /web: killed pid \d+ .*did not stop within/);
  // db never got its turn before the deadline: killed by the final sweep, named.
  assert.match(ns.stderr.text, /killed pid \d+ \(.*signal-probe\.mjs --ignore SIGTERM\)/);
  assert.equal(ns.stderr.all.filter((l) => /killed pid/.test(l)).length, 2, ns.stderr.text);
});

test('processes a service moved to other process groups of its session are stopped with it', T, async () => {
  // `set -m` gives each background job its own process group: kill(-pgid) of
  // the shell does not reach it; the session does.
  const ns = startEngine({ services: [{ name: 'jobs', argv: ['sh', '-c', `set -m; ${NODE} ${PROBE} & wait`] }] });
  await ns.stdout.waitFor(/^jobs +\| ready \d+$/);
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  assert.match(ns.stdout.text, /^jobs +\| SIGTERM \d+$/m);
});

test('orphans a service leaves when it exits are stopped before it counts as ended', T, async () => {
  const dir = tempDir();
  const ns = startEngine({
    services: [
      { name: 'leaver', argv: ['sh', '-c', `set -m; ${NODE} ${PROBE} --notify-parent & trap 'exit 0' USR2; wait; exit 0`] },
      { name: 'other', argv: ['sh', '-c', `echo > ${dir}/x; exec sleep 1000`] },
    ],
  });
  await ns.stdout.waitFor(/^leaver +\| ready \d+$/);
  await ns.stderr.waitFor(/leaver: stopping what pid \d+ left behind \(SIGTERM/);
  await ns.stdout.waitFor(/^leaver +\| SIGTERM \d+$/);
  await ns.stderr.waitFor(/leaver: pid \d+ exited with code 0/);
  const ev = ns.stderr.all;
  assert.ok(indexOf(ev, /leaver: stopping what pid/) < indexOf(ev, /leaver: pid \d+ exited with code 0/), ns.stderr.text);
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
});

test('a second SIGTERM does not restart the stop sequence', T, async () => {
  const ns = startEngine({ services: [{ name: 'slow', argv: ['sh', '-c', `trap 'echo got TERM; sleep 0.5; exit 0' TERM; echo up; while :; do sleep 0.05; done`] }] });
  await ns.stdout.waitFor(/^slow +\| up$/);
  ns.signal('SIGTERM');
  await ns.stdout.waitFor(/^slow +\| got TERM$/);
  ns.signal('SIGTERM');
  await ns.stderr.waitFor(/received SIGTERM again: already stopping/);
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  assert.equal(ns.stderr.all.filter((l) => /slow: stopping/.test(l)).length, 1, ns.stderr.text);
  assert.equal(ns.stdout.all.filter((l) => /got TERM/.test(l)).length, 1, ns.stdout.text);
});

test('SIGHUP and SIGUSR1 go to every running service; SIGINT stops like SIGTERM', T, async () => {
  const ns = startEngine({ services: [{ name: 'a', argv: [NODE, PROBE] }, { name: 'b', argv: [NODE, PROBE] }] });
  await ns.stdout.waitFor(/^a +\| ready/);
  await ns.stdout.waitFor(/^b +\| ready/);
  ns.signal('SIGHUP');
  await ns.stdout.waitFor(/^a +\| SIGHUP \d+$/);
  await ns.stdout.waitFor(/^b +\| SIGHUP \d+$/);
  ns.signal('SIGUSR1');
  await ns.stdout.waitFor(/^a +\| SIGUSR1 \d+$/);
  await ns.stdout.waitFor(/^b +\| SIGUSR1 \d+$/);
  ns.signal('SIGINT');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  assert.match(ns.stderr.text, /received SIGINT: stopping every service/);
});

test('when every service has ended, what they left outside their sessions gets SIGTERM before usher exits', T, async () => {
  // The probe escapes the service's session (setsid); the service then exits 0.
  const ns = startEngine({ services: [{ name: 'daemonizer', argv: ['sh', '-c', `trap 'exit 0' USR2; setsid ${NODE} ${PROBE} --notify-parent & wait`] }] });
  const exit = await ns.exited;
  assert.equal(exit.code, 0, ns.stderr.text);
  assert.match(ns.stderr.text, /every service ended; stopping 1 process\(es\) they left behind/);
  assert.match(ns.stdout.text, /^daemonizer +\| SIGTERM \d+$/m, 'its last line came out too');
});
