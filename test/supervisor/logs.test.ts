// Log relay: whole lines only, every line once, stderr on stderr, the JSON
// format, lines over 64 KiB cut and marked (never dropped), a last line with
// no newline, pipes drained before the exit is reported, a closed stdout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../helpers/eventually.js';
import { statOf } from '../helpers/pid1.js';
import { Lines } from '../helpers/lines.js';
import { LineSplitter, MAX_LINE_BYTES } from '../../src/supervisor/log/line-splitter.js';
import { HARNESS, NODE, PROBE, startEngine, startRun, SUP_FIXTURES, withFiles } from './helpers.js';

const T = { timeout: 120_000 };
const FLOOD = `${SUP_FIXTURES}flood.mjs`;

test('two services writing as fast as they can: every line present once and whole', T, async () => {
  const count = 50_000;
  const ns = startEngine({
    services: [
      { name: 'alpha', argv: [NODE, FLOOD, 'A', String(count)] },
      { name: 'b', argv: [NODE, FLOOD, 'B', String(count)] },
    ],
  });
  const exit = await ns.exited;
  assert.equal(exit.code, 0, ns.stderr.text);
  const seen = { A: new Set<number>(), B: new Set<number>() };
  let bad = 0;
  for (const line of ns.stdout.all) {
    const m = /^(alpha|b    ) \| ([AB]) (\d+) (x*) end$/.exec(line);
    if (!m || (m[1] === 'alpha') !== (m[2] === 'A') || (m[4] as string).length !== Number(m[3]) % 300) {
      bad++;
      continue;
    }
    const set = seen[m[2] as 'A' | 'B'];
    assert.ok(!set.has(Number(m[3])), `line ${m[2]} ${m[3]} seen twice`);
    set.add(Number(m[3]));
  }
  assert.equal(bad, 0, 'no line mixed, cut or mislabelled');
  assert.equal(seen.A.size, count);
  assert.equal(seen.B.size, count);
});

test('stderr stays on stderr; a last line without newline is flushed; lines come out before the exit is reported', T, async () => {
  const ns = startEngine({ services: [{ name: 'svc', argv: ['sh', '-c', 'echo out; echo err >&2; printf "no newline"'] }] });
  assert.equal((await ns.exited).code, 0);
  assert.deepEqual(ns.stdout.all, ['svc   | out', 'svc   | no newline']);
  const err = ns.stderr.all;
  const line = err.indexOf('svc   | err');
  assert.ok(line >= 0, ns.stderr.text);
  assert.ok(line < err.findIndex((l) => /svc: pid \d+ exited/.test(l)), 'the line precedes the exit event');
});

test('--log-format json: one object per line for service lines and usher events', T, async () => {
  const ns = startEngine({ services: [{ name: 'svc', argv: ['sh', '-c', 'echo "out \\"quoted\\""; echo err >&2; exit 3'] }] }, 'json');
  assert.equal((await ns.exited).code, 3);
  const out = ns.stdout.all.map((l) => JSON.parse(l));
  assert.equal(out.length, 1);
  assert.deepEqual(Object.keys(out[0]), ['time', 'service', 'stream', 'line']);
  assert.equal(out[0].line, 'out "quoted"');
  assert.equal(out[0].stream, 'stdout');
  assert.ok(!Number.isNaN(Date.parse(out[0].time)) && out[0].time.endsWith('Z'));
  const err = ns.stderr.all.map((l) => JSON.parse(l));
  assert.ok(err.some((e) => e.service === 'svc' && e.stream === 'stderr' && e.line === 'err'));
  const usher = err.filter((e) => e.service === 'usher');
  assert.deepEqual(usher.map((e) => e.event), ['starting', 'exited', 'failed', 'exit']);
  assert.equal(usher[1].code, 3);
  assert.equal(usher[1].name, 'svc');
  assert.equal(usher[3].code, 3);
});

test('lines over 64 KiB are cut into marked pieces, never dropped', T, async () => {
  const size = 200_000;
  const script = `process.stdout.write("a".repeat(${size}) + "\\n" + "short\\n")`;
  const ns = startEngine({ services: [{ name: 'big', argv: [NODE, '-e', script] }] }, 'json');
  assert.equal((await ns.exited).code, 0);
  const pieces = ns.stdout.all.map((l) => JSON.parse(l));
  assert.equal(pieces.length, 5, 'four pieces and the short line');
  assert.equal(pieces.slice(0, 4).map((p) => p.line).join(''), 'a'.repeat(size));
  assert.deepEqual(pieces.map((p) => p.continued ?? false), [true, true, true, false, false]);
  assert.ok(pieces.every((p) => Buffer.byteLength(p.line) <= MAX_LINE_BYTES));
  assert.equal(pieces[4].line, 'short');

  const text = startEngine({ services: [{ name: 'big', argv: [NODE, '-e', script] }] });
  await text.exited;
  assert.deepEqual(text.stdout.all.map((l) => l.slice(0, 8)), ['big   | ', 'big   + ', 'big   + ', 'big   + ', 'big   | ']);
});

test('LineSplitter: never cuts inside a UTF-8 character; CRLF lines lose the CR', () => {
  const s = new LineSplitter(10);
  const pieces = s.push(Buffer.from('abcdefghé€xyz\r\nok\r\n'));
  assert.deepEqual(pieces.map((p) => p.bytes.toString()), ['abcdefghé', '€xyz', 'ok']);
  assert.deepEqual(pieces.map((p) => p.continued), [true, false, false]);
  assert.deepEqual(s.end(), []);
});

test('a reader that closes usher\'s stdout never crashes it: it keeps supervising and stops cleanly', T, async () => {
  const config = { services: [{ name: 'chatty', argv: ['sh', '-c', 'trap "echo bye >&2; exit 0" TERM; while :; do echo line; sleep 0.01; done'] }, { name: 'probe', argv: [NODE, PROBE] }] };
  const proc = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', NODE, HARNESS, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = new Lines(proc.stderr);
  const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)));
  try {
    await new Promise<void>((resolve) => proc.stdout.once('data', () => resolve()));
    proc.stdout.destroy(); // the reader goes away: usher's writes now fail with EPIPE
    await stderr.waitFor(/probe: starting/);
    // Still supervising: a signal reaches the services and they stop in order.
    const usher = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number).find((pid) => statOf(pid)?.ppid === proc.pid);
    assert.ok(usher, 'usher (PID 1 of the namespace) is still there');
    process.kill(usher, 'SIGTERM');
    assert.equal(await exited, 0, stderr.text);
    await stderr.waitFor(/^chatty +\| bye$/);
    assert.match(stderr.text, /chatty: pid \d+ exited with code 0/);
  } finally {
    proc.kill('SIGKILL');
  }
});

test('colour per service on a terminal only, and not with NO_COLOR or --no-color', T, async () => {
  const { Terminal } = await import('../helpers/terminal.js');
  const { USHER } = await import('../helpers/pid1.js');
  const { withFiles, tempDir } = await import('./helpers.js');
  const dir = withFiles({ 'usher.yaml': 'services:\n  one:\n    command: echo first\n  two:\n    command: echo second\n' });
  const run = async (args: string[], env: NodeJS.ProcessEnv) => {
    const term = new Terminal([NODE, USHER, 'run', '-f', `${dir}/usher.yaml`, ...args], { ...process.env, USHER_SOCKET: `${tempDir()}/c.sock`, ...env });
    try {
      await term.exited;
      return term.output;
    } finally {
      term.kill();
    }
  };
  const coloured = await run([], { NO_COLOR: '' });
  assert.match(coloured, /\x1b\[36mone +\|\x1b\[0m first/);
  assert.match(coloured, /\x1b\[33mtwo +\|\x1b\[0m second/);
  assert.doesNotMatch(await run([], { NO_COLOR: '1' }), /\x1b\[3\dm/);
  assert.doesNotMatch(await run(['--no-color'], {}), /\x1b\[3\dm/);
  // Piped (every other test here): no escapes at all.
  const piped = startEngine({ services: [{ name: 'one', argv: ['echo', 'plain'] }] });
  await piped.exited;
  assert.deepEqual(piped.stdout.all, ['one   | plain']);
});

test('LineSplitter: lines across chunks, a line of exactly the limit stays whole, one byte more is cut', () => {
  const s = new LineSplitter(8);
  const texts = (pieces: { bytes: Buffer; continued: boolean }[]) => pieces.map((p) => `${p.bytes.toString()}${p.continued ? '+' : ''}`);
  assert.deepEqual(texts(s.push(Buffer.from('ab'))), []);
  assert.deepEqual(texts(s.push(Buffer.from('cd\nefgh'))), ['abcd']);
  assert.deepEqual(texts(s.push(Buffer.from('ijkl\n12345678\n'))), ['efghijkl', '12345678']);
  assert.deepEqual(texts(s.push(Buffer.from('123456789\n'))), ['12345678+', '9']);
  assert.deepEqual(texts(s.push(Buffer.from('tail'))), []);
  assert.deepEqual(texts(s.end()), ['tail']);
});

test('text output stays one line per event: a newline in a command line (argv[0]) or in a `command: |` is escaped, so no event can be forged', T, async () => {
  // A service renames itself to text that, printed raw, would end usher's line
  // and start one that reads like usher's own; it ignores SIGTERM, so it is
  // killed and named at the stop.
  const forgery = "worker\\nusher  | forger: pid 1 exited with code 0";
  const renamed = `trap '' TERM; exec -a "$(printf '${forgery}')" sleep 1000`;
  const dir = withFiles({
    'usher.yaml': [
      'services:',
      '  forger:',
      `    command: ["bash", "-c", ${JSON.stringify(renamed)}]`,
      '    stop_timeout: 1s',
      '  multi:',
      '    command: |',
      '      echo one',
      '      exec sleep 1000',
    ].join('\n') + '\n',
  });
  const ns = startRun(['-f', join(dir, 'usher.yaml')]);
  await ns.stdout.waitFor(/^multi +\| one$/);
  await eventually(
    () => ns.descendants().some((p) => readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').startsWith('worker\nusher')),
    { what: 'the forger renamed' },
  );
  ns.signal('SIGTERM');
  await ns.exited;
  const err = ns.stderr.all;
  assert.match(ns.stderr.text, /^usher  \| forger: killed pid \d+ \(worker\\nusher  \| forger: pid 1 exited with code 0 1000\): did not stop within 1/m);
  assert.match(ns.stderr.text, /^usher +\| multi: starting \(pid \d+\): .*echo one\\nexec sleep 1000/m);
  const strays = err.filter((l) => !/^(usher|forger|multi) +\| /.test(l));
  assert.deepEqual(strays, [], 'every line starts with a name and its bar');
  assert.ok(!err.some((l) => l.startsWith('usher  | forger: pid 1 exited')), 'no forged event');
});

test('a service line that imitates usher stays behind the service\'s own name; JSON keeps the exact text', T, async () => {
  const ns = startEngine({ services: [{ name: 'app', argv: ['printf', 'usher | app: pid 1 exited with code 0\\n'] }] });
  assert.equal((await ns.exited).code, 0);
  assert.deepEqual(ns.stdout.all, ['app   | usher | app: pid 1 exited with code 0']);
  const json = startEngine({ services: [{ name: 'app', argv: ['printf', 'a\\rb\\033[2Kc\\n'] }] }, 'json');
  assert.equal((await json.exited).code, 0);
  assert.equal(JSON.parse(json.stdout.all[0] ?? '').line, 'a\rb\x1b[2Kc');
  assert.match(json.stdout.all[0] ?? '', /"line":"a\\rb\\u001b\[2Kc"/, 'escaped as JSON does');
});
