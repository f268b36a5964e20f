// Fuzzed control protocol (fast-check): a real `usher run` as PID 1 of a PID
// namespace, with two services, and batches of clients on its control socket
// at once: JSON-ish request lines (real commands with odd names and signals,
// any JSON, broken JSON), binary, partial lines cut off, lines past the
// 64 KiB limit, slow writers, clients that hang up mid-request, and dozens to
// hundreds of `ps` at the same moment. The requests that act (stop, restart,
// signal) reach the real services, concurrently.
//
// After each batch: usher is alive and still answers a real `usher ps`,
// every connection was answered or closed by usher within a bound, every
// answer is one JSON line ({"ok": ...}, never an internal error), usher's
// descriptors are back where they were, and nothing it printed is a stack
// trace. At the end SIGTERM stops it with a documented exit code.
// The seed is printed, and on failure with the command to replay it:
//   USHER_FUZZ_SEED=<seed> node --test build/test/stress/fuzz-control.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { MAX_REQUEST_BYTES } from '../../src/supervisor/control-protocol.js';
import { eventually } from '../helpers/eventually.js';
import { startPid1, USHER } from '../helpers/pid1.js';
import { FULL, fdCountOf, figure, mb, rssOf, size } from '../helpers/stress.js';
import { tempDir, withFiles } from '../supervisor/helpers.js';

const BATCHES = size(5, 20);
const CLIENTS = size(30, 150);
const PARALLEL_PS = size(40, 1000);
const SEED = process.env.USHER_FUZZ_SEED !== undefined ? Number(process.env.USHER_FUZZ_SEED) : randomBytes(4).readInt32LE();

/** usher's own deadline for a request line (control-server.ts): a stalled client is cut off after it. */
const REQUEST_DEADLINE_MS = 10_000;
/** Past the deadline, and past whatever a stop may take (stop_timeout 1s), on a loaded 2-core machine. */
const CLOSE_BOUND_MS = REQUEST_DEADLINE_MS + 30_000;

// --- what clients send ----------------------------------------------------------

const names = fc.constantFrom('app', 'app', 'other', 'nope', '', 'APP', '__proto__', 'constructor', 'toString', 'a'.repeat(5000), 'app\n', 'é', '../app', '*');
const commands = fc.constantFrom('ps', 'ps', 'start', 'stop', 'restart', 'signal', 'signal', 'PS', 'kill', '', 'toString', '__proto__', 'constructor');
const signals = fc.oneof(fc.integer({ min: -2, max: 70 }), fc.constantFrom(1, 2, 10, 12, 15, 18, 19, 28, 1.5, '9', 'HUP', null, true, [], {}));
/** A request line's text, without its end. */
const requestText = fc.oneof(
  { weight: 6, arbitrary: fc.record({ command: commands, name: names, signal: signals }, { requiredKeys: ['command'] }).map((r) => JSON.stringify(r)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }).map((s) => s.replace(/\n/g, '')) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '{"command":"ps"',
      '{"command":"ps"}{"command":"ps"}',
      '{"command":"ps"}\n{"command":"stop","name":"app"}',
      '{"__proto__":{"command":"ps"}}',
      '{"constructor":{"prototype":{"command":"ps"}},"command":"ps"}',
      '{"command":"signal","name":"app","signal":1e309}',
      '{"command":"signal","name":"app","signal":-0}',
      '{"command":"ps","command":"stop","name":"app"}',
      `${'['.repeat(30_000)}${']'.repeat(30_000)}`,
      `{"command":"ps","pad":"${'x'.repeat(MAX_REQUEST_BYTES - 40)}"}`,
      'null', '""', '{}', '[]', '0', 'true', '\uFEFF{"command":"ps"}', ' {"command":"ps"} ', '{"command":"ps"}\r',
    ),
  },
);

type End = 'newline' | 'half-close' | 'hang up' | 'stall';
type Client =
  | { kind: 'line'; text: string; end: End; after: string; slow: { chunk: number; delayMs: number } | undefined }
  | { kind: 'binary'; bytes: Uint8Array; end: End }
  | { kind: 'huge'; bytes: number; fill: string; end: End }
  | { kind: 'connect and close' }
  | { kind: 'idle' };

// A stalled client holds its connection until usher's 10 s deadline: only at the full size.
const end = fc.constantFrom<End>(...(FULL ? (['newline', 'newline', 'newline', 'half-close', 'hang up', 'stall'] as const) : (['newline', 'newline', 'newline', 'half-close', 'hang up'] as const)));
const client: fc.Arbitrary<Client> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant('line' as const),
      text: requestText,
      end,
      after: fc.constantFrom('', '', '', '{"command":"ps"}\n', 'junk'),
      slow: fc.option(fc.record({ chunk: fc.integer({ min: 1, max: 8 }), delayMs: fc.integer({ min: 0, max: 25 }) }), { freq: 4, nil: undefined }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('binary' as const), bytes: fc.uint8Array({ maxLength: 300 }), end }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('huge' as const),
      bytes: fc.integer({ min: MAX_REQUEST_BYTES - 10, max: size(300_000, 4_000_000) }),
      fill: fc.constantFrom('a', '{', '[', ' ', '\u00e9', '\0'),
      end,
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'connect and close' as const }) },
  ...(FULL ? [{ weight: 1, arbitrary: fc.constant({ kind: 'idle' as const }) }] : []),
);
const batch = fc.record({ clients: fc.array(client, { minLength: 1, maxLength: CLIENTS }), parallelPs: fc.integer({ min: 0, max: PARALLEL_PS }) });

// --- running a client ---------------------------------------------------------------

interface Seen {
  client: Client;
  /** usher should answer with one line: the request had an end usher can see within its limit. */
  expectsAnswer: boolean;
  received: string;
  /** From connect to the connection's close; undefined when it was still open at CLOSE_BOUND_MS. */
  closedAfterMs: number | undefined;
  /** The client hung up itself: nothing is expected of usher. */
  hungUp: boolean;
  /** From connect to the last byte written; undefined when the connection ended first. */
  wroteAllAfterMs: number | undefined;
  /** Bytes follow the first newline: the client writes on after its request line. */
  writesOnAfterLine: boolean;
}

function bytesOf(c: Client): Buffer {
  if (c.kind === 'line') return Buffer.from(c.text);
  if (c.kind === 'binary') return Buffer.from(c.bytes);
  if (c.kind === 'huge') return Buffer.from(c.fill.repeat(Math.ceil(c.bytes / Buffer.byteLength(c.fill)))).subarray(0, c.bytes);
  return Buffer.alloc(0);
}

/** Whether usher can read a complete request from what the client sends: a line within the limit, or the text before a half-close. */
function expectsAnswer(c: Client, body: Buffer): boolean {
  if (c.kind === 'connect and close' || c.kind === 'idle') return false;
  const newline = body.indexOf(0x0a);
  if (newline >= 0) return true;
  if (body.length > MAX_REQUEST_BYTES) return true; // refused: `request longer than ...`
  if (c.end === 'newline') return true;
  if (c.end === 'half-close') return body.toString('utf8').trim() !== '';
  return false;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function runClient(socketPath: string, c: Client): Promise<Seen> {
  const body = bytesOf(c);
  const wire = c.kind === 'line' || c.kind === 'binary' || c.kind === 'huge' ? (c.end === 'newline' ? Buffer.concat([body, Buffer.from('\n'), Buffer.from(c.kind === 'line' ? c.after : '')]) : body) : body;
  const newline = wire.indexOf(0x0a);
  const seen: Seen = {
    client: c,
    expectsAnswer: expectsAnswer(c, wire),
    received: '',
    closedAfterMs: undefined,
    hungUp: false,
    wroteAllAfterMs: undefined,
    writesOnAfterLine: newline >= 0 && newline < wire.length - 1,
  };
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = createConnection(socketPath);
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (seen.received += d));
    socket.on('error', () => {}); // a reset after usher refused a request still being written: the close says enough
    const bound = setTimeout(() => {
      socket.destroy();
      resolve(seen);
    }, CLOSE_BOUND_MS);
    socket.on('close', () => {
      clearTimeout(bound);
      seen.closedAfterMs = performance.now() - started;
      resolve(seen);
    });
    socket.on('connect', async () => {
      if (c.kind === 'connect and close') {
        seen.hungUp = true;
        socket.destroy();
        return;
      }
      if (c.kind === 'idle') return;
      const slow = c.kind === 'line' ? c.slow : undefined;
      // A slow writer finishes well within usher's 10 s deadline (as planned: a loaded machine's timers may take longer).
      if (slow && Math.ceil(wire.length / slow.chunk) * slow.delayMs <= 3_000) {
        for (let i = 0; i < wire.length && !socket.destroyed; i += slow.chunk) {
          socket.write(wire.subarray(i, i + slow.chunk));
          await sleep(slow.delayMs);
        }
      } else {
        socket.write(wire);
      }
      seen.wroteAllAfterMs = performance.now() - started;
      if (c.end === 'half-close') socket.end();
      else if (c.end === 'hang up') {
        seen.hungUp = true;
        socket.destroy();
      }
    });
  });
}

/** `usher ps --json` as `docker exec` runs it: exit code and the services' names. */
function usherPs(socketPath: string): Promise<{ code: number | null; names: string[]; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(USHER, ['ps', '--json'], { env: { ...process.env, USHER_SOCKET: socketPath }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => {
      let names: string[] = [];
      try {
        names = (JSON.parse(stdout) as { services: { name: string }[] }).services.map((s) => s.name);
      } catch {
        // not JSON: the code and stderr say why
      }
      resolve({ code, names, stderr });
    });
  });
}

/** The services' states as `usher ps --json` gives them, in order. */
async function usherStates(socketPath: string): Promise<string> {
  const s = await runClient(socketPath, { kind: 'line', text: '{"command":"ps"}', end: 'newline', after: '', slow: undefined });
  return (JSON.parse(s.received) as { services: { state: string }[] }).services.map((x) => x.state).join(' ');
}

/** What is wrong with what one client saw, or undefined. */
function wrongWith(s: Seen): string | undefined {
  if (s.hungUp) return undefined;
  if (s.closedAfterMs === undefined) return `the connection was still open after ${CLOSE_BOUND_MS} ms`;
  if (!s.expectsAnswer) return s.received === '' ? undefined : `an answer to a request with no end: ${s.received.slice(0, 300)}`;
  // A request refused while the client was still writing may lose its answer to the reset; the close is what counts.
  if (s.received === '' && s.client.kind === 'huge') return undefined;
  // A slow writer whose last byte came near usher's deadline (timers run late on a loaded machine) may be cut off unanswered.
  if (s.received === '' && (s.wroteAllAfterMs ?? Infinity) > REQUEST_DEADLINE_MS - 2_000) return undefined;
  // One request per connection: usher answers the first line and closes. A client that writes on
  // may see its write fail (EPIPE) and its socket torn down before it read the answer.
  if (s.received === '' && s.writesOnAfterLine) return undefined;
  if (!s.received.endsWith('\n') || s.received.indexOf('\n') !== s.received.length - 1) return `not one answer line: ${JSON.stringify(s.received.slice(0, 300))}`;
  let answer: { ok?: unknown; error?: unknown };
  try {
    answer = JSON.parse(s.received) as typeof answer;
  } catch {
    return `an answer that is not JSON: ${s.received.slice(0, 300)}`;
  }
  if (typeof answer.ok !== 'boolean') return `an answer without ok: ${s.received.slice(0, 300)}`;
  if (answer.ok === false && typeof answer.error !== 'string') return `a refusal without its reason: ${s.received.slice(0, 300)}`;
  if (typeof answer.error === 'string' && /internal error/i.test(answer.error)) return `an internal error: ${answer.error}`;
  return undefined;
}

function describeClient(c: Client): string {
  const shown = { ...c, ...('bytes' in c && typeof c.bytes !== 'number' ? { bytes: `<${c.bytes.length} bytes>` } : {}), ...('text' in c && c.text.length > 200 ? { text: `${c.text.slice(0, 200)}... (${c.text.length})` } : {}) };
  return JSON.stringify(shown);
}

function describeSeen(s: Seen): string {
  return `client: ${describeClient(s.client)}; received ${JSON.stringify(s.received.slice(0, 200))}; wrote all after ${s.wroteAllAfterMs?.toFixed(0) ?? '(not finished)'} ms, closed after ${s.closedAfterMs?.toFixed(0) ?? 'never'} ms`;
}

test(`fuzzed control protocol: ${BATCHES} batches of up to ${CLIENTS} clients and ${PARALLEL_PS} parallel ps against usher run as PID 1`, { timeout: 3_600_000 }, async (t) => {
  t.diagnostic(`fast-check seed ${SEED}`);
  const dir = withFiles({
    'usher.yaml': [
      'grace: 5s',
      'services:',
      '  app:',
      '    command: ["sleep", "1000000"]',
      '    restart: always',
      '    stop_timeout: 1s',
      '    backoff: { initial: 100ms, max: 1s }',
      '  other:',
      '    command: ["sleep", "1000000"]',
      '    stop_timeout: 1s',
      '',
    ].join('\n'),
  });
  const socketPath = join(tempDir(), 'control.sock');
  const ns = startPid1(['run', '-f', join(dir, 'usher.yaml')], { env: { USHER_SOCKET: socketPath } });
  let exited = false;
  void ns.exited.then(() => (exited = true));
  await eventually(async () => (await usherPs(socketPath)).code === 0, { what: 'usher answering usher ps' });
  const pid1 = ns.pid1;
  const fdsBefore = fdCountOf(pid1);
  const rssBefore = rssOf(pid1);

  const tally = { connections: 0, answered: 0, closedByUsher: 0, hungUp: 0, slowestCloseMs: 0, batches: 0 };
  const stackTrace = /^\s+at .*:\d+:\d+\)?$/m;
  try {
    await fc.assert(
      fc.asyncProperty(batch, async ({ clients, parallelPs }) => {
        const ps = Array.from({ length: parallelPs }, () => runClient(socketPath, { kind: 'line', text: '{"command":"ps"}', end: 'newline', after: '', slow: undefined }));
        const seen = await Promise.all([...clients.map((c) => runClient(socketPath, c)), ...ps]);
        for (const s of seen) {
          const wrong = wrongWith(s);
          assert.equal(wrong, undefined, `${wrong}\n${describeSeen(s)}\nusher's stderr (end):\n${ns.stderr.all.slice(-20).join('\n')}`);
          tally.connections++;
          if (s.hungUp) tally.hungUp++;
          else {
            tally.closedByUsher++;
            if (s.received !== '') tally.answered++;
            tally.slowestCloseMs = Math.max(tally.slowestCloseMs, s.closedAfterMs ?? Infinity);
          }
        }
        assert.ok(!exited, `usher exited during the batch:\n${ns.stderr.text}`);
        const after = await usherPs(socketPath);
        assert.equal(after.code, 0, `usher ps after the batch: ${after.stderr}`);
        assert.deepEqual(after.names, ['app', 'other']);
        assert.doesNotMatch(ns.stderr.text, stackTrace, 'a stack trace from usher');
        assert.doesNotMatch(ns.stderr.text, /internal error/i);
        // Every connection usher accepted is closed on its side too: with both services running again
        // (a batch may have stopped one, and a stopped service has no output pipes), its descriptors are back.
        for (const name of ['app', 'other']) await runClient(socketPath, { kind: 'line', text: JSON.stringify({ command: 'start', name }), end: 'newline', after: '', slow: undefined });
        const expected = `running running; ${fdsBefore} descriptors`;
        await eventually(async () => `${await usherStates(socketPath)}; ${fdCountOf(pid1)} descriptors`, { what: expected, holds: (v) => v === expected, timeoutMs: 30_000 });
        tally.batches++;
      }),
      { numRuns: BATCHES, seed: SEED, includeErrorInReport: true },
    );
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    throw new Error(`${text}\nReplay with: USHER_FUZZ_SEED=${SEED} node --test build/test/stress/fuzz-control.test.js`);
  }
  const rssAfter = rssOf(pid1);
  ns.signal('SIGTERM');
  const exit = await ns.exited;
  // 0: every service ended on its own; 137: one the fuzz had stopped (SIGSTOP) had to be SIGKILLed. Never 70 (internal error).
  assert.ok(exit.code === 0 || exit.code === 137, `usher's exit code ${exit.code ?? exit.signal}:\n${ns.stderr.text}`);
  assert.doesNotMatch(ns.stderr.text + ns.stdout.text, stackTrace, 'a stack trace from usher');

  figure(t, {
    scenario: 'fuzzed control protocol',
    thrown: `${tally.connections} connections in ${tally.batches} batches at once (seed ${SEED}): JSON-ish, binary, partial, over 64 KiB, slow writers, hang-ups, ${PARALLEL_PS} ps at a time at most; real stop/restart/signal among them`,
    measure: 'usher: alive and answering ps after every batch; connections answered or closed; descriptors; exit; RSS',
    value: `yes; ${tally.closedByUsher} closed by usher (${tally.answered} answered), slowest ${(tally.slowestCloseMs / 1000).toFixed(1)} s; back to ${fdsBefore} after each batch; exit ${exit.code}; RSS ${mb(rssBefore)} → ${mb(rssAfter)}`,
    target: `alive; all within ${CLOSE_BOUND_MS / 1000} s; no leak; 0 or 137, no stack trace`,
    held: true,
  });
});
