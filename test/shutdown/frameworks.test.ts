/**
 * Each framework wired as docs/shutdown.md says, with the real framework, under
 * the load of issue 17: 16 keep-alive clients and one 1.5 s request across
 * SIGTERM. None may lose a request; the slow one is answered; exit 0.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Framework } from './fixtures/framework-app.js';
import { WORK_BODY } from './fixtures/harness.js';
import { describeFailures, startScript, stopUnderLoad, type EventChild, type StopUnderLoad } from './helpers.js';

const ROUNDS = 2;

async function round(t: test.TestContext, framework: Framework, n: number): Promise<{ app: EventChild; outcome: StopUnderLoad }> {
  const { app, port } = await startScript('framework-app.js', { USHER_FIXTURE_FRAMEWORK: framework });
  t.after(() => app.cleanup());
  const outcome = await stopUnderLoad(app, port, WORK_BODY);
  const { load, slow, exit, servedBefore } = outcome;
  const end = app.event('shutdown-end');
  t.diagnostic(`${framework} round ${n}: ${servedBefore} served before SIGTERM, ${load.servedAfterSignal} after, ` +
    `${load.failures.length} failed; slow request ${slow.status ?? slow.errorCode}; exit ${exit.code} after ${(exit.at - (load.signalSentAt ?? 0)).toFixed(0)} ms`);
  assert.equal(load.failures.length, 0, `requests failed:\n${describeFailures(load)}`);
  assert.equal(slow.errorCode, undefined, slow.errorMessage);
  assert.equal(slow.status, 200);
  assert.equal(slow.body, 'slow:1500');
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, app.stderr);
  assert.equal(end?.['deadlineExceeded'], false);
  return { app, outcome };
}

test('Express 5: app.listen() then attachServer() in the same tick', async (t) => {
  for (let n = 1; n <= ROUNDS; n += 1) await round(t, 'express', n);
});

test('Koa 3: app.listen() then attachServer() in the same tick', async (t) => {
  for (let n = 1; n <= ROUNDS; n += 1) await round(t, 'koa', n);
});

test('Fastify 5: attachFastify() drains, then fastify.close() runs the onClose hooks', async (t) => {
  for (let n = 1; n <= ROUNDS; n += 1) {
    const { app } = await round(t, 'fastify', n);
    const names = app.events.map((e) => e.event === 'step-end' ? `step-end ${String(e['kind'])}` : e.event);
    const drained = names.indexOf('step-end server');
    assert.ok(drained >= 0 && names.indexOf('fastify-on-close') > drained, names.join(', '));
  }
});

test('NestJS 11: attachNest() drains, then onApplicationShutdown gets the signal name, and nothing re-raises it', async (t) => {
  for (let n = 1; n <= ROUNDS; n += 1) {
    const { app } = await round(t, 'nest', n);
    assert.equal(app.event('nest-before-shutdown')?.['signal'], 'SIGTERM');
    assert.equal(app.event('nest-shutdown')?.['signal'], 'SIGTERM');
    const names = app.events.map((e) => e.event === 'step-end' ? `step-end ${String(e['kind'])}` : e.event);
    assert.ok(names.indexOf('nest-shutdown') > names.indexOf('step-end server'), names.join(', '));
  }
});
