// The control socket and the `usher ps/start/stop/restart/signal` commands,
// end to end from the real CLI (bin/usher, a separate process) to the server,
// against a small in-test SupervisorControl (fake-control.ts): what is under
// test is the socket, the protocol, the CLI's output and exit codes.
// test/supervisor/control.test.ts does the same against the real engine.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlServer } from '../../src/supervisor/control-server.js';
import { formatAgo, formatDuration, formatPs } from '../../src/supervisor/control-client.js';
import { Lines, ROOT, USHER } from '../helpers/pid1.js';
import { FakeControl } from './fake-control.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'usher-control-'));
  dirs.push(d);
  return d;
}

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cliProcess(args: string[], socket: string, extra: { uid?: number; gid?: number } = {}): ChildProcess {
  return spawn(process.execPath, [USHER, ...args], { env: { ...process.env, USHER_SOCKET: socket }, stdio: ['ignore', 'pipe', 'pipe'], ...extra });
}

function usher(args: string[], socket: string, extra: { uid?: number; gid?: number } = {}): Promise<CliResult> {
  const child = cliProcess(args, socket, extra);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

async function withServer<T>(fn: (socket: string, control: FakeControl) => Promise<T>, control = FakeControl.sample()): Promise<T> {
  const socket = join(tempDir(), 'run', 'usher', 'control.sock');
  const server = await startControlServer(control, socket);
  try {
    return await fn(socket, control);
  } finally {
    await server.close();
  }
}

test('the socket is root-only: its directory is created 0700 and the socket is 0600; close() removes it', async () => {
  const socket = join(tempDir(), 'run', 'usher', 'control.sock');
  const server = await startControlServer(FakeControl.sample(), socket);
  assert.equal(statSync(join(socket, '..')).mode & 0o777, 0o700);
  assert.ok(statSync(socket).isSocket());
  assert.equal(statSync(socket).mode & 0o777, 0o600);
  await server.close();
  assert.equal(existsSync(socket), false, 'the socket is removed on close');
});

test('usher ps: a table with name, pid, state, ready, restarts, uptime and last exit, durations for people, reasons under it', async () => {
  await withServer(async (socket) => {
    const r = await usher(['ps'], socket);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^NAME\s+PID\s+STATE\s+READY\s+RESTARTS\s+UPTIME\s+LAST EXIT$/);
    assert.match(lines[1] ?? '', /^db\s+12\s+running\s+yes\s+0\s+3m1[12]s\s+-$/);
    assert.match(lines[2] ?? '', /^web\s+40\s+starting\s+no\s+2\s+[56]s\s+exited 1 \(2m ago\)$/);
    assert.match(lines[3] ?? '', /^worker\s+-\s+failed\s+-\s+5\s+-\s+killed by SIGKILL \([78]s ago\)$/);
    assert.match(lines[4] ?? '', /^migrate\s+-\s+completed\s+-\s+0\s+-\s+exited 0 \(1h ago\)$/);
    assert.equal(lines[5], 'worker: failed: gave up after 5 restarts');
    // Columns line up: every row's STATE starts where the header's does.
    const col = (lines[0] ?? '').indexOf('STATE');
    for (const l of lines.slice(1, 5)) assert.match(l.slice(col), /^(running|starting|failed|completed)/);
  });
});

test('usher ps --json: the services with uptimes, plus live and ready', async () => {
  await withServer(async (socket) => {
    const r = await usher(['ps', '--json'], socket);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { live: boolean; ready: boolean; services: Record<string, unknown>[] };
    assert.equal(out.live, true);
    assert.equal(out.ready, false);
    assert.deepEqual(
      out.services.map((s) => [s.name, s.pid, s.state, s.ready, s.restarts]),
      [
        ['db', 12, 'running', true, 0],
        ['web', 40, 'starting', false, 2],
        ['worker', null, 'failed', null, 5],
        ['migrate', null, 'completed', null, 0],
      ],
    );
    const db = out.services[0] as { uptimeMs: number; startedAt: number };
    assert.ok(db.uptimeMs >= 192_000 && db.uptimeMs < 300_000, `uptimeMs ${db.uptimeMs}`);
    assert.equal(out.services[2]?.uptimeMs, null);
    assert.deepEqual(out.services[2]?.lastExit && (out.services[2].lastExit as { signal: string }).signal, 'SIGKILL');
    assert.equal(out.services[2]?.reason, 'gave up after 5 restarts');
  });
});

test('usher start, stop, restart and signal reach the supervisor with the right service and signal, and say what they did', async () => {
  await withServer(async (socket, control) => {
    assert.deepEqual(await usher(['stop', 'db'], socket), { code: 0, stdout: 'db: stopped\n', stderr: '' });
    assert.deepEqual(await usher(['start', 'db'], socket), { code: 0, stdout: 'db: started\n', stderr: '' });
    assert.deepEqual(await usher(['restart', 'web'], socket), { code: 0, stdout: 'web: restarted\n', stderr: '' });
    assert.deepEqual(await usher(['signal', 'web', 'HUP'], socket), { code: 0, stdout: 'web: sent SIGHUP\n', stderr: '' });
    assert.deepEqual(await usher(['signal', 'db', 'sigusr1'], socket), { code: 0, stdout: 'db: sent SIGUSR1\n', stderr: '' });
    assert.deepEqual(await usher(['signal', 'db', '12'], socket), { code: 0, stdout: 'db: sent SIGUSR2\n', stderr: '' });
    assert.deepEqual(control.calls, [
      { command: 'stop', name: 'db' },
      { command: 'start', name: 'db' },
      { command: 'restart', name: 'web' },
      { command: 'signal', name: 'web', signal: 1 },
      { command: 'signal', name: 'db', signal: 10 },
      { command: 'signal', name: 'db', signal: 12 },
    ]);
  });
});

test('usher stop answers only once the service has ended', async () => {
  await withServer(async (socket, control) => {
    let release!: () => void;
    control.stopGate = new Promise((r) => (release = r));
    const child = cliProcess(['stop', 'web'], socket);
    const out = new Lines(child.stdout);
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    await control.waitForCalls(1);
    // The supervisor is still stopping it: the client cannot have answered yet.
    assert.equal(out.all.length, 0);
    assert.equal(child.exitCode, null);
    release();
    assert.equal(await exited, 0);
    assert.deepEqual(out.all, ['web: stopped']);
  });
});

test('an unknown service fails with exit 1 and lists the known names; nothing is asked of the supervisor', async () => {
  await withServer(async (socket, control) => {
    for (const args of [['restart', 'wbe'], ['signal', 'wbe', 'HUP']]) {
      const r = await usher(args, socket);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `usher ${args[0]}: no service named 'wbe'; known services: db, web, worker, migrate\n`);
    }
    assert.deepEqual(control.calls, []);
  });
});

test('a request the supervisor refuses (ControlError) fails with exit 1 and its message', async () => {
  await withServer(async (socket) => {
    const r = await usher(['start', 'db'], socket);
    assert.deepEqual(r, { code: 1, stdout: '', stderr: 'usher start: db is already running\n' });
    const s = await usher(['signal', 'worker', 'TERM'], socket);
    assert.deepEqual(s, { code: 1, stdout: '', stderr: 'usher signal: worker is not running\n' });
  });
});

test('no supervisor listening: exit 2 and a message that says where usher looked and what to check', async () => {
  const socket = join(tempDir(), 'control.sock');
  for (const args of [['ps'], ['stop', 'web']]) {
    const r = await usher(args, socket);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      `usher ${args[0]}: no usher supervisor is listening on ${socket}: is \`usher run\` the container's PID 1? set USHER_SOCKET if it uses another path\n`,
    );
  }
});

test('without USHER_SOCKET the client looks at /run/usher/control.sock', async () => {
  const env = { ...process.env };
  delete env.USHER_SOCKET;
  const child = spawn(process.execPath, [USHER, 'ps'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const err = new Lines(child.stderr);
  const code = await new Promise((r) => child.on('close', r));
  // Either nothing listens there (the usual case on a test machine), or a real supervisor answered.
  if (code !== 0) assert.match(err.text, /\/run\/usher\/control\.sock/);
});

/** A socket file whose server was SIGKILLed: what a usher that died leaves behind. */
async function staleSocket(path: string): Promise<void> {
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Lines(child.stdout).waitFor('up');
  child.kill('SIGKILL');
  await new Promise((r) => child.on('close', r));
  assert.ok(statSync(path).isSocket(), 'the dead server left its socket file');
}

test('a stale socket left by a dead usher: the client says nobody listens (exit 2), a new server removes it and serves', async () => {
  const socket = join(tempDir(), 'control.sock');
  await staleSocket(socket);
  assert.equal((await usher(['ps'], socket)).code, 2);
  const server = await startControlServer(FakeControl.sample(), socket);
  try {
    const r = await usher(['ps'], socket);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^db\s/m);
  } finally {
    await server.close();
  }
});

test('a live supervisor on the socket: a second one refuses with a clear error and the first keeps serving', async () => {
  await withServer(async (socket) => {
    await assert.rejects(startControlServer(FakeControl.sample(), socket), {
      name: 'ControlSocketInUse',
      message: `another usher supervisor is already listening on ${socket}; run \`usher ps\` to see it, or set USHER_SOCKET to another path for this one`,
    });
    assert.equal((await usher(['ps'], socket)).code, 0);
  });
});

test('a file that is not a socket is never removed: the server refuses and names it', async () => {
  const path = join(tempDir(), 'control.sock');
  writeFileSync(path, 'precious');
  await assert.rejects(startControlServer(FakeControl.sample(), path), {
    name: 'ControlSocketInUse',
    message: `${path} exists and is not a socket: remove it, or set USHER_SOCKET to another path for the control socket`,
  });
  assert.ok(statSync(path).isFile());
});

test('a user other than root is refused by the socket permissions: exit 2, "permission denied", nothing reaches the supervisor', async () => {
  await withServer(async (socket, control) => {
    const r = await usher(['stop', 'db'], socket, { uid: 65534, gid: 65534 });
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`^usher stop: permission denied on ${socket.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the control socket is root-only`));
    assert.deepEqual(control.calls, []);
  });
});

test('usage errors exit 2 before connecting; --help teaches and exits 0', async () => {
  const socket = join(tempDir(), 'none.sock');
  const cases: [string[], RegExp][] = [
    [['stop'], /^usher stop: missing the service NAME\nUsage: usher stop NAME\nTry 'usher stop --help'/],
    [['start', 'a', 'b'], /^usher start: unexpected argument 'b'/],
    [['signal', 'web'], /^usher signal: missing the SIGNAL/],
    [['signal', 'web', 'FOO'], /^usher signal: unknown signal 'FOO': use a name such as HUP or SIGUSR1, or a number from 1 to 31/],
    [['signal', 'web', '64'], /^usher signal: unknown signal '64'/],
    [['ps', '--jsn'], /^usher ps: unknown option --jsn/],
    [['restart', '--json', 'web'], /^usher restart: unknown option --json/],
    [['ps', 'extra'], /^usher ps: unexpected argument 'extra'/],
  ];
  for (const [args, message] of cases) {
    const r = await usher(args, socket);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /no usher supervisor/, 'a usage error is reported before connecting');
  }
  for (const command of ['ps', 'start', 'stop', 'restart', 'signal']) {
    const r = await usher([command, '--help'], socket);
    assert.equal(r.code, 0);
    assert.match(r.stdout, new RegExp(`^Usage: usher ${command}`));
    assert.match(r.stdout, /USHER_SOCKET/);
    assert.match(r.stdout, /kubectl exec POD -- usher ps/);
  }
});

test('malformed requests get {ok:false} with what is wrong, and the server keeps serving', async () => {
  const { createConnection } = await import('node:net');
  const ask = (socket: string, line: string) =>
    new Promise<string>((resolve, reject) => {
      const c = createConnection(socket, () => c.end(line));
      let got = '';
      c.setEncoding('utf8').on('data', (d: string) => (got += d));
      c.on('end', () => resolve(got));
      c.on('error', reject);
    });
  await withServer(async (socket) => {
    assert.deepEqual(JSON.parse(await ask(socket, 'hello\n')), { ok: false, error: 'the request is not a JSON line' });
    assert.deepEqual(JSON.parse(await ask(socket, '{"command":"kill"}\n')), {
      ok: false,
      error: 'unknown command "kill"; expected one of ps, start, stop, restart, signal',
    });
    assert.deepEqual(JSON.parse(await ask(socket, '{"command":"stop"}\n')), { ok: false, error: 'stop needs a service name' });
    assert.deepEqual(JSON.parse(await ask(socket, '{"command":"signal","name":"db","signal":99}\n')), {
      ok: false,
      error: 'signal needs a signal number from 1 to 31',
    });
    // No newline, half-closed: still answered.
    assert.equal((JSON.parse(await ask(socket, '{"command":"ps"}')) as { ok: boolean }).ok, true);
    assert.equal((await usher(['ps'], socket)).code, 0);
  });
});

test('idle, the server holds a listening socket and nothing else: no timer, and no connection left after serving requests', async () => {
  const socket = join(tempDir(), 'control.sock');
  const script = `
    const { startControlServer } = await import(${JSON.stringify(`${ROOT}build/src/supervisor/control-server.js`)});
    const control = { status: () => [], isLive: () => true, isReady: () => true };
    await startControlServer(control, ${JSON.stringify(socket)});
    process.stdin.on('data', () => console.log('resources ' + JSON.stringify(process.getActiveResourcesInfo())));
    console.log('listening');
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const out = new Lines(child.stdout);
  let asked = 0;
  const resources = async () => {
    child.stdin?.write('\n');
    const seen = ++asked;
    await out.waitForCount(/^resources /, seen);
    return JSON.parse((out.all.filter((l) => l.startsWith('resources '))[seen - 1] ?? '').slice('resources '.length)) as string[];
  };
  try {
    await out.waitFor('listening');
    assert.equal((await usher(['ps'], socket)).code, 0);
    const baseline = (await resources()).sort();
    assert.ok(!baseline.includes('Timeout'), `resources while idle: ${baseline}`);
    for (let i = 0; i < 3; i++) assert.equal((await usher(['ps'], socket)).code, 0);
    // The server closes each connection once answered; wait (bounded) for the last close to land.
    const deadline = Date.now() + 5_000;
    let now = (await resources()).sort();
    while (JSON.stringify(now) !== JSON.stringify(baseline) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      now = (await resources()).sort();
    }
    assert.deepEqual(now, baseline, 'after serving, the same handles as before (the listening socket and stdio)');
  } finally {
    child.kill('SIGKILL');
  }
});

test('durations for people', () => {
  assert.deepEqual([0, 999, 42_000, 192_000, 3_720_000, 90_000_000].map(formatDuration), ['0s', '0s', '42s', '3m12s', '1h02m', '1d01h']);
  assert.deepEqual([500, 12_000, 125_000, 7_200_000, 200_000_000].map(formatAgo), ['just now', '12s ago', '2m ago', '2h ago', '2d ago']);
});

// ---- The socket's path and directory (a symlink race, a directory others control, a path cut short) ----

const socketError = (message: RegExp) => ({ name: 'ControlSocketError', message });

test('no chmod after bind: a socket swapped for a link right after bind leaves the link\'s target alone; the umask alone makes it 0600', async () => {
  const dir = tempDir();
  const socket = join(dir, 'control.sock');
  const target = join(dir, 'precious');
  writeFileSync(target, 'not usher\'s');
  chmodSync(target, 0o644);
  // The attacker's move, at the worst moment: bind has made the socket, and
  // before anything else runs the path becomes a link to a file of their choice.
  // The control server binds through _listen2 (listen() without its cluster
  // check); listen() where Node has none.
  type Bind = (this: Server, ...a: unknown[]) => unknown;
  const proto = Server.prototype as unknown as Record<string, Bind>;
  const method = typeof proto._listen2 === 'function' ? '_listen2' : 'listen';
  const bind = proto[method] as Bind;
  let modeAtBind = -1;
  proto[method] = function (this: Server, ...args: unknown[]) {
    const result = bind.apply(this, args);
    if (args[0] === socket) {
      modeAtBind = lstatSync(socket).mode & 0o777;
      unlinkSync(socket);
      symlinkSync(target, socket);
    }
    return result;
  };
  const umask = process.umask(0o000);
  let server;
  try {
    server = await startControlServer(FakeControl.sample(), socket);
  } finally {
    proto[method] = bind;
    process.umask(umask);
  }
  await server.close();
  assert.equal(modeAtBind, 0o600, 'the socket is 0600 from bind on, even under umask 0');
  assert.equal(statSync(target).mode & 0o777, 0o644, 'the target of the link was not chmodded');
});

test('a socket directory that is a symbolic link is refused, even to a private directory', async () => {
  const real = join(tempDir(), 'real');
  mkdirSync(real, { mode: 0o700 });
  const link = join(tempDir(), 'link');
  symlinkSync(real, link);
  await assert.rejects(
    startControlServer(FakeControl.sample(), join(link, 'control.sock')),
    socketError(new RegExp(`^the control socket's directory ${link} is a symbolic link; .*set USHER_SOCKET to a path in a directory of its own`)),
  );
  assert.deepEqual(readdirSync(real), [], 'nothing was bound through the link');
});

test('a socket directory owned by another user is refused: its owner could replace the socket', async () => {
  const dir = join(tempDir(), 'theirs');
  mkdirSync(dir, { mode: 0o700 });
  chownSync(dir, 65534, 65534);
  await assert.rejects(
    startControlServer(FakeControl.sample(), join(dir, 'control.sock')),
    socketError(new RegExp(`^the control socket's directory ${dir} belongs to uid 65534, not to the user usher runs as \\(uid 0\\), who could replace the socket: chown it to uid 0, or set USHER_SOCKET`)),
  );
  assert.deepEqual(readdirSync(dir), []);
});

test('a socket directory writable by its group or by others is refused (sticky /tmp included); one that is only readable is fine', async () => {
  for (const [mode, who] of [[0o777, 'its group and others'], [0o770, 'its group'], [0o1777, 'its group and others'], [0o703, 'others']] as const) {
    const dir = join(tempDir(), 'shared');
    mkdirSync(dir);
    chmodSync(dir, mode);
    await assert.rejects(
      startControlServer(FakeControl.sample(), join(dir, 'control.sock')),
      socketError(new RegExp(`^the control socket's directory ${dir} is writable by ${who} \\(mode ${mode.toString(8).padStart(4, '0')}\\), who could replace the socket: chmod go-w it`)),
    );
    assert.deepEqual(readdirSync(dir), []);
  }
  const readable = join(tempDir(), 'readable');
  mkdirSync(readable);
  chmodSync(readable, 0o755);
  const server = await startControlServer(FakeControl.sample(), join(readable, 'control.sock'));
  await server.close();
});

test('a socket path longer than a unix socket holds (107 bytes) is refused by the server and the client, not bound cut short', async () => {
  const dir = tempDir();
  const long = join(dir, `${'s'.repeat(120 - dir.length)}.sock`);
  const bytes = Buffer.byteLength(long);
  assert.ok(bytes > 107);
  const message = `the control socket path ${long} is ${bytes} bytes long, and a unix socket path holds at most 107: set USHER_SOCKET to a shorter path`;
  await assert.rejects(startControlServer(FakeControl.sample(), long), { name: 'ControlSocketError', message });
  assert.deepEqual(readdirSync(dir), [], 'nothing bound at the path cut to 107 bytes');
  const r = await usher(['ps'], long);
  assert.deepEqual(r, { code: 2, stdout: '', stderr: `usher ps: ${message}\n` });
});

// ---- Who may connect (SO_PEERCRED behind the file mode) ----

test('peer credentials: another user is refused even when the socket\'s mode lets it connect; nothing reaches the supervisor', async () => {
  await withServer(async (socket, control) => {
    // The mode was loosened by hand (or a file system ignores it): only the peer check is left.
    for (let dir = join(socket, '..'); dir.startsWith(tmpdir() + '/'); dir = join(dir, '..')) chmodSync(dir, 0o711);
    chmodSync(socket, 0o666);
    const r = await usher(['stop', 'db'], socket, { uid: 65534, gid: 65534 });
    assert.deepEqual(r, { code: 1, stdout: '', stderr: 'usher stop: permission denied: uid 65534 may not control usher; only root may\n' });
    assert.deepEqual(control.calls, []);
    // root still may.
    assert.deepEqual(await usher(['stop', 'db'], socket), { code: 0, stdout: 'db: stopped\n', stderr: '' });
  });
});

test('peer credentials: a usher running as a non-root user serves that user and root, and refuses a third', async () => {
  const dir = tempDir();
  chmodSync(dir, 0o711);
  const socketDir = join(dir, 'run');
  mkdirSync(socketDir, { mode: 0o700 });
  chownSync(socketDir, 65534, 65534);
  const socket = join(socketDir, 'control.sock');
  const script = `
    const { startControlServer } = await import(${JSON.stringify(`${ROOT}build/src/supervisor/control-server.js`)});
    const control = { status: () => [], isLive: () => true, isReady: () => true };
    await startControlServer(control, ${JSON.stringify(socket)});
    console.log('listening');
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'], uid: 65534, gid: 65534 });
  try {
    await new Lines(child.stdout).waitFor('listening');
    assert.equal(statSync(socket).uid, 65534);
    assert.deepEqual(await usher(['ps'], socket, { uid: 65534, gid: 65534 }), { code: 0, stdout: 'NAME  PID  STATE  READY  RESTARTS  UPTIME  LAST EXIT\n(no services)\n', stderr: '' });
    assert.equal((await usher(['ps'], socket)).code, 0, 'root may');
    chmodSync(socket, 0o666);
    chmodSync(socketDir, 0o711);
    const third = await usher(['ps'], socket, { uid: 65533, gid: 65533 });
    assert.deepEqual(third, { code: 1, stdout: '', stderr: 'usher ps: permission denied: uid 65533 may not control usher; only root and uid 65534, the user usher runs as, may\n' });
  } finally {
    child.kill('SIGKILL');
  }
});

// ---- Bounded connections ----

/** A raw connection to the server: what it received, and a promise of its close. */
function rawConnection(socket: string) {
  // Half-open allowed: the client keeps writing after the server's answer, as a hostile one would.
  const c = createConnection({ path: socket, allowHalfOpen: true });
  const got = { text: '' };
  c.setEncoding('utf8').on('data', (d: string) => (got.text += d));
  c.on('error', () => {}); // EPIPE/ECONNRESET once the server has closed: expected here
  const closed = new Promise<void>((resolve) => c.on('close', () => resolve()));
  return { c, got, closed };
}

/** Resolves true when `closed` settles within ms, false otherwise (the bound only makes a failure clear). */
const closesWithin = (closed: Promise<void>, ms: number) =>
  Promise.race([closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);

test('a request trickled a byte at a time is cut off at the request deadline: the deadline does not restart on every byte', { timeout: 60_000 }, async () => {
  await withServer(async (socket, control) => {
    const { c, closed } = rawConnection(socket);
    const request = '{"command":"stop","name":"db"}'.padEnd(400, ' ');
    let sent = 0;
    const trickle = setInterval(() => {
      if (sent < request.length && !c.destroyed) c.write(request[sent++] as string);
    }, 200);
    try {
      // The request takes 80 s to arrive; the server's 10 s deadline must end it long before.
      assert.ok(await closesWithin(closed, 45_000), `the server kept a trickling connection open (${sent} bytes sent)`);
      assert.ok(sent < request.length, 'closed before the request was complete');
    } finally {
      clearInterval(trickle);
      c.destroy();
    }
    assert.deepEqual(control.calls, []);
  });
});

test('a request over 64 KiB is refused and the connection closed, while the client keeps writing', { timeout: 60_000 }, async () => {
  await withServer(async (socket) => {
    const { c, got, closed } = rawConnection(socket);
    c.write('x'.repeat(70 * 1024));
    const flood = setInterval(() => {
      if (!c.destroyed) c.write('x'.repeat(1024));
    }, 20);
    try {
      assert.ok(await closesWithin(closed, 30_000), 'the server went on reading after its refusal');
    } finally {
      clearInterval(flood);
      c.destroy();
    }
    assert.deepEqual(JSON.parse(got.text), { ok: false, error: 'request longer than 65536 bytes' });
    assert.equal((await usher(['ps'], socket)).code, 0, 'and it keeps serving');
  });
});

// ---- A client that gets a broken answer ----

test('usher ps on an answer of the wrong shape: one line saying so, exit 2, no stack trace', async () => {
  const cases: [string, string][] = [
    ['{"ok":true}', '"now" is not a number'],
    ['{"ok":true,"now":1,"live":true,"ready":true,"services":{}}', '"services" is not a list'],
    ['{"ok":true,"now":1,"live":true,"ready":true,"services":[{"name":"a","pid":"12","state":"running","ready":null,"restarts":0,"startedAt":null,"lastExit":null}]}', 'services[0]: "pid" is not a number or null'],
    ['{"ok":true,"now":1,"live":true,"ready":true,"services":[{"name":"a","pid":1,"state":"running","ready":null,"restarts":0,"startedAt":1,"lastExit":{"code":1}}]}', 'services[0]: "lastExit" is not null or {code, signal, at}'],
    ['{"ok":false}', '"error" is not a string'],
    ['[1,2]', 'no "ok"'],
  ];
  for (const [answer, problem] of cases) {
    const path = join(tempDir(), 'fake.sock');
    const fake = createServer((c) => c.resume().end(`${answer}\n`));
    await new Promise<void>((r) => fake.listen(path, () => r()));
    try {
      const r = await usher(['ps'], path);
      assert.deepEqual(r, {
        code: 2,
        stdout: '',
        stderr: `usher ps: the answer on ${path} is not a usher control response (${problem}): is it a usher control socket, of the same version as this usher?\n`,
      });
    } finally {
      await new Promise((r) => fake.close(r));
    }
  }
});

test('usher ps prints control characters in names and reasons escaped: one line each, nothing a terminal would act on', () => {
  const ps = FakeControl.sample(0);
  const worker = ps.services[2] as { name: string; reason?: string };
  worker.reason = 'probe `redis-cli\nusher ps` failed\r\x1b[2K';
  const out = formatPs({ ok: true, now: 0, live: true, ready: true, services: ps.services });
  const lines = out.trimEnd().split('\n');
  assert.equal(lines.length, 6, out);
  assert.equal(lines[5], 'worker: failed: probe `redis-cli\\nusher ps` failed\\r\\x1b[2K');
  assert.doesNotMatch(out, /[\r\x1b]/);
});
