/**
 * Next.js 16 standalone (`output: 'standalone'`, the generated server.js as
 * images run it) with the library's preload, under the load of issue 17.
 *
 * `next build` takes half a minute: its output is kept under build/ and
 * reused while the fixture's sources and Next's version are unchanged.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { WORK_BODY } from './fixtures/harness.js';
import { childEnv, describeFailures, EventChild, stopUnderLoad } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SOURCE = join(ROOT, 'test/shutdown/fixtures/next-app');
/** Inside the repository, so that Next finds its own package from there. */
const BUILD = join(ROOT, 'build/next-fixture');
const STAMP = join(BUILD, '.usher-build-stamp');
const PRELOAD = join(ROOT, 'build/src/shutdown/next.js');
const NEXT_BIN = join(ROOT, 'node_modules/next/dist/bin/next');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function sourceStamp(): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(join(ROOT, 'node_modules/next/package.json')));
  for (const file of filesUnder(SOURCE).sort()) hash.update(file.slice(SOURCE.length)).update(readFileSync(file));
  return hash.digest('hex');
}

function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(command, args, { cwd, env: childEnv({ NEXT_TELEMETRY_DISABLED: '1' }), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${String(code)}:\n${output}`))));
  });
}

/** The standalone server.js of the fixture, built if needed. */
async function standaloneServer(): Promise<string> {
  const stamp = sourceStamp();
  const server = join(BUILD, '.next/standalone/build/next-fixture/server.js');
  if (existsSync(server) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === stamp) return server;
  rmSync(BUILD, { recursive: true, force: true });
  cpSync(SOURCE, BUILD, { recursive: true });
  await run(process.execPath, [NEXT_BIN, 'build'], BUILD);
  assert.ok(existsSync(server), `next build made no ${server}`);
  writeFileSync(STAMP, stamp);
  return server;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts server.js with the preload; a port taken meanwhile by someone else is retried. */
async function startNext(server: string): Promise<{ app: EventChild; port: number }> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const app = new EventChild(process.execPath, ['--import', PRELOAD, server], childEnv({
      PORT: String(port), HOSTNAME: '127.0.0.1', NEXT_TELEMETRY_DISABLED: '1',
    }));
    try {
      await app.waitForLine((line) => line.includes('Ready in'), 'Next.js to be ready', 60_000);
      return { app, port };
    } catch (error) {
      await app.cleanup();
      if (attempt >= 3 || !app.stderr.includes('EADDRINUSE')) throw error;
    }
  }
}

test('Next.js 16 standalone with `node --import usher-init/shutdown/next server.js`: no request lost, the slow one answered, exit 0', { timeout: 600_000 }, async (t) => {
  const server = await standaloneServer();
  for (let round = 1; round <= 2; round += 1) {
    const { app, port } = await startNext(server);
    t.after(() => app.cleanup());
    const { load, slow, exit, servedBefore } = await stopUnderLoad(app, port, WORK_BODY);
    t.diagnostic(`next round ${round}: ${servedBefore} served before SIGTERM, ${load.servedAfterSignal} after, ${load.failures.length} failed; ` +
      `slow request ${slow.status ?? slow.errorCode}; exit ${exit.code} after ${(exit.at - (load.signalSentAt ?? 0)).toFixed(0)} ms`);
    assert.equal(load.failures.length, 0, `requests failed:\n${describeFailures(load)}`);
    assert.equal(slow.errorCode, undefined, slow.errorMessage);
    assert.equal(slow.body, 'slow:1500');
    // Next's own handler would exit 143 (and, beside the library, say "Server is not running").
    assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, app.stderr);
    assert.equal(app.stderr, '');
  }
});
