/**
 * The notify protocol from inside the app: `READY=1` on `lifecycle.ready()`,
 * `STOPPING=1` when the shutdown starts, sent to a real NOTIFY_SOCKET (a unix
 * datagram socket, received here by python3) through the real systemd-notify.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createSupervisorNotifier, NOTIFY_SOCKET_ENV } from '../../src/shutdown/index.js';
import { Child, childEnv, startFixture } from './helpers.js';

/**
 * Binds a unix datagram socket and prints each line of each datagram. File
 * descriptors passed along (systemd-notify's barrier) are closed at once, as
 * a supervisor does, which releases the sender.
 */
const RECEIVER = `
import array, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
print("bound", flush=True)
while True:
    msg, anc, flags, addr = s.recvmsg(4096, socket.CMSG_SPACE(64 * 4) + socket.CMSG_SPACE(12))
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds = array.array("i")
            fds.frombytes(data[: len(data) - len(data) % 4])
            for fd in fds:
                os.close(fd)
    for line in msg.decode().split("\\n"):
        if line:
            print(line, flush=True)
`;

async function notifySocket(t: test.TestContext): Promise<{ path: string; receiver: Child }> {
  const dir = mkdtempSync(join(tmpdir(), 'usher-notify-'));
  const path = join(dir, 'notify.sock');
  const receiver = new Child('python3', ['-c', RECEIVER, path], childEnv());
  t.after(async () => {
    await receiver.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
  await receiver.waitForLine((line) => line === 'bound', 'the receiver to bind');
  return { path, receiver };
}

test('with NOTIFY_SOCKET, the supervisor gets READY=1 when the app is ready and STOPPING=1 when the shutdown starts', async (t) => {
  const { path, receiver } = await notifySocket(t);
  const { app } = await startFixture({ deadline: 5_000 }, { [NOTIFY_SOCKET_ENV]: path });
  t.after(() => app.cleanup());
  await receiver.waitForLine((line) => line === 'READY=1', 'READY=1');
  assert.equal(receiver.lines.includes('STOPPING=1'), false, 'STOPPING=1 before any shutdown');
  app.signal('SIGTERM');
  await receiver.waitForLine((line) => line === 'STOPPING=1', 'STOPPING=1');
  const exit = await app.exited;
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, app.stderr);
  assert.equal(app.stderr, '');
  const messages = receiver.lines.filter((line) => line === 'READY=1' || line === 'STOPPING=1');
  assert.deepEqual(messages, ['READY=1', 'STOPPING=1']);
});

test('with NOTIFY_SOCKET but no systemd-notify on PATH, the app says so once and still shuts down cleanly', async (t) => {
  const { path, receiver } = await notifySocket(t);
  const { app } = await startFixture({ deadline: 5_000 }, { [NOTIFY_SOCKET_ENV]: path, PATH: '/nonexistent' });
  t.after(() => app.cleanup());
  app.signal('SIGTERM');
  const exit = await app.exited;
  assert.equal(exit.code, 0, app.stderr);
  const said = app.stderr.split('\n').filter((line) => line.includes('systemd-notify'));
  assert.equal(said.length, 1, app.stderr);
  assert.match(said[0] ?? '', /NOTIFY_SOCKET is set but systemd-notify is not on PATH: the supervisor was not sent READY=1/);
  assert.deepEqual(receiver.lines, ['bound']);
});

test('without NOTIFY_SOCKET there is no notifier at all: nothing is looked up or spawned', () => {
  assert.equal(createSupervisorNotifier({ PATH: process.env['PATH'] }), undefined);
  assert.equal(createSupervisorNotifier({ [NOTIFY_SOCKET_ENV]: '' }), undefined);
  assert.notEqual(createSupervisorNotifier({ [NOTIFY_SOCKET_ENV]: '/run/notify' }), undefined);
});
