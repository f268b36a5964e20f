// What descriptors a child gets: 0, 1 and 2, plus the sockets of a socket
// activation addressed to usher itself (LISTEN_FDS with LISTEN_PID = usher's
// pid, every one a socket). Never usher's own (its epoll, its pipes), never
// what usher inherited besides, whatever LISTEN_FDS says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPid1 } from '../helpers/pid1.js';

const T = { timeout: 60_000 };

/**
 * The shell lists its own descriptors (0 to 64) and the LISTEN_* variables it
 * got. No pipeline, no $(...): the shell would hold a pipe of its own while
 * the listing runs.
 */
const REPORT =
  'fd=0; while [ $fd -le 64 ]; do if [ -e /proc/$$/fd/$fd ]; then printf "fd %s " $fd; readlink /proc/$$/fd/$fd; fi; fd=$((fd+1)); done; ' +
  'echo "pid $$ LISTEN_FDS=${LISTEN_FDS-unset} LISTEN_PID=${LISTEN_PID-unset} LISTEN_FDNAMES=${LISTEN_FDNAMES-unset}"';
const fdsOf = (lines: readonly string[]) => lines.filter((l) => l.startsWith('fd ')).map((l) => l.split(' ').slice(1, 3));

async function listening(t: { after: (fn: () => void) => void }): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  return (server as unknown as { _handle: { fd: number } })._handle.fd;
}

function aFile(t: { after: (fn: () => void) => void }): number {
  const dir = mkdtempSync(join(tmpdir(), 'usher-fds-'));
  writeFileSync(join(dir, 'f'), 'x');
  const fd = openSync(join(dir, 'f'), 'r');
  t.after(() => (closeSync(fd), rmSync(dir, { recursive: true, force: true })));
  return fd;
}

test('LISTEN_FDS without LISTEN_PID = usher: the child gets 0, 1 and 2 only, and no LISTEN_* variable', T, async () => {
  // Before: LISTEN_FDS=3 passed fds 3 to 5 whatever they were (usher's epoll and pipes).
  const ns = startPid1(['--', 'sh', '-c', REPORT], { env: { LISTEN_FDS: '3' } });
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  assert.deepEqual(fdsOf(ns.stdout.all).map(([fd]) => fd), ['0', '1', '2'], ns.stdout.text);
  assert.match(ns.stdout.text, /LISTEN_FDS=unset LISTEN_PID=unset LISTEN_FDNAMES=unset/);
  assert.match(ns.stderr.text, /LISTEN_FDS=3 ignored: LISTEN_PID is not set, and it must be usher's pid \(1\); no descriptor is passed on/);
});

test('socket activation addressed to usher: the sockets are passed on, LISTEN_PID is the child\'s own pid', T, async (t) => {
  const socket = await listening(t);
  const file = aFile(t);
  // fd 4 is no activation descriptor and fd 40 sits past the gap above 15
  // where Node stops marking inherited descriptors close-on-exec: neither may reach the child.
  const ns = startPid1(['--', 'sh', '-c', REPORT], {
    env: { LISTEN_FDS: '1', LISTEN_PID: '1', LISTEN_FDNAMES: 'web', LISTEN_PIDFDID: '12345' },
    fds: { 3: socket, 4: file, 40: file },
  });
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  const fds = fdsOf(ns.stdout.all);
  assert.deepEqual(fds.map(([fd]) => fd), ['0', '1', '2', '3'], ns.stdout.text);
  assert.match(fds[3]?.[1] ?? '', /^socket:\[\d+\]$/);
  const [, pid] = /^pid (\d+) /m.exec(ns.stdout.text) ?? [];
  assert.match(ns.stdout.text, new RegExp(`LISTEN_FDS=1 LISTEN_PID=${pid} LISTEN_FDNAMES=web`), 'LISTEN_PID names the child itself');
  assert.equal(ns.stderr.text, '');
});

test('socket activation whose descriptor is not a socket is refused as a whole', T, async (t) => {
  const file = aFile(t);
  const ns = startPid1(['--', 'sh', '-c', REPORT], { env: { LISTEN_FDS: '1', LISTEN_PID: '1' }, fds: { 3: file } });
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  assert.deepEqual(fdsOf(ns.stdout.all).map(([fd]) => fd), ['0', '1', '2'], ns.stdout.text);
  assert.match(ns.stdout.text, /LISTEN_FDS=unset LISTEN_PID=unset/);
  assert.match(ns.stderr.text, /LISTEN_FDS=1 ignored: descriptor 3 is not a socket/);
});
