// libuv drops a caught signal when its signal pipe is full (see
// src/core/signal-pipe.ts): once usher listens for a signal, that pipe must
// hold far more than the kernel's default 4096 messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fixture, ROOT } from '../helpers/pid1.js';

/** The capacities of a fresh Node process's pipes after it listens for SIGUSR2 one way or the other. */
function pipeCapacities(install: 'onSignal' | 'process.on'): number[] {
  const script = `
    import { readdirSync, readlinkSync } from 'node:fs';
    import { onSignal } from ${JSON.stringify(`${ROOT}build/src/core/signal-pipe.js`)};
    import { enlargePipe } from ${JSON.stringify(`${ROOT}build/src/core/libc.js`)};
    ${install === 'onSignal' ? "onSignal('SIGUSR2', () => {});" : "process.on('SIGUSR2', () => {});"}
    const pipes = readdirSync('/proc/self/fd').filter((fd) => {
      try { return readlinkSync('/proc/self/fd/' + fd).startsWith('pipe:'); } catch { return false; }
    });
    console.log(JSON.stringify(pipes.map((fd) => enlargePipe(Number(fd), 0))));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as number[];
}

test("once a signal listener is installed through onSignal, libuv's signal pipe holds the system's limit", () => {
  const max = Math.min(Number(readFileSync('/proc/sys/fs/pipe-max-size', 'utf8')), 1 << 20);
  // The premise: Node's own listener leaves every pipe at the default size.
  const plain = pipeCapacities('process.on');
  assert.ok(plain.length > 0 && plain.every((size) => size < max), `process.on: pipes of ${plain.join(', ')} bytes`);
  // One pipe, both its ends, grown: libuv's signal pipe and nothing else.
  const ours = pipeCapacities('onSignal');
  assert.deepEqual(ours.filter((size) => size === max).length, 2, `onSignal: pipes of ${ours.join(', ')} bytes`);
});

test('a storm of signals while the loop is blocked: all that fit in the pipe reach the listener; the catch-up runs during the storm only', { timeout: 120_000 }, () => {
  const r = spawnSync(process.execPath, [fixture('signal-flood.mjs'), `${ROOT}build`], { encoding: 'utf8', timeout: 100_000 });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout) as { capacity: number; backlog: number; received: number; catchUpsInStorm: number; catchUpsAfter: number };
  const report = JSON.stringify(got);
  assert.ok(got.backlog > got.capacity / 2, `the flood filled the pipe past half: ${report}`);
  // 16 bytes a signal: far more than the 4096 a default pipe holds, and every one of them delivered.
  assert.ok(got.received >= got.backlog / 16 && got.received > 4096, `signals lost: ${report}`);
  assert.ok(got.catchUpsInStorm > 0, `no catch-up while the pipe was over half full: ${report}`);
  assert.equal(got.catchUpsAfter, 0, `a catch-up after the storm was over: ${report}`);
});
