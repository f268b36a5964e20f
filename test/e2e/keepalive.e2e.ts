// A Node app on usher-init/shutdown (examples/node-app), under usher, stopped with
// `docker stop` / `podman stop` while keep-alive clients keep sending
// requests: every request the server accepted gets its answer. Only new
// connections, after the listener closed, may be refused.
import assert from 'node:assert/strict';
import http from 'node:http';
import { getEngines, secs, assertStoppedWithinGrace } from './engine.js';

interface Tally {
  ok: number;
  /** Answered with `Connection: close`: in flight while the server was draining, and still answered. */
  answeredWhileDraining: number;
  /** Refused before any byte was sent: the request was never accepted. */
  refused: number;
  /** Failed on a connected socket: an accepted request that got no answer. */
  failed: { code: string; reused: boolean }[];
}

/** GET on a keep-alive agent; says whether the socket was connected when it failed. */
function get(agent: http.Agent, url: string): Promise<'ok' | 'ok, closing' | 'refused' | { code: string; reused: boolean }> {
  return new Promise((resolve) => {
    let connected = false;
    let reused = false;
    const req = http.get(url, { agent }, (res) => {
      res.resume();
      const closing = res.headers.connection === 'close';
      res.on('end', () => resolve(res.statusCode === 200 ? (closing ? 'ok, closing' : 'ok') : { code: `HTTP ${res.statusCode}`, reused }));
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ code: err.code ?? err.message, reused }));
    });
    req.on('socket', (socket) => {
      reused = !socket.connecting;
      if (!socket.connecting) connected = true;
      else socket.once('connect', () => (connected = true));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(connected ? { code: err.code ?? err.message, reused } : 'refused'));
  });
}

for (const e of await getEngines()) {
  const { images } = e;

  e.test(`${e.name} stop during keep-alive traffic: no accepted request fails, the app exits 0 well within the timeout`, { timeout: 120_000 }, async (t) => {
    const c = e.run({ image: images.nodeApp, label: 'keepalive', ports: await e.ports({ PORT: 8080, HEALTH_PORT: 9000 }) });
    await c.stdout.waitFor(/^listening on :/, 30_000);
    const ip = await c.address();
    const port = c.port('PORT');

    const CLIENTS = 8;
    const tally: Tally = { ok: 0, answeredWhileDraining: 0, refused: 0, failed: [] };
    let warmedUp!: () => void;
    const warmed = new Promise<void>((resolve) => (warmedUp = resolve));

    // Each client sends requests back to back on its own keep-alive connection
    // (each takes 50 ms in the server), until the server refuses a new connection.
    const clients = Array.from({ length: CLIENTS }, async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (;;) {
          const r = await get(agent, `http://${ip}:${port}/work?ms=50`);
          if (r === 'ok' || r === 'ok, closing') {
            tally.ok++;
            if (r === 'ok, closing') tally.answeredWhileDraining++;
            if (tally.ok >= CLIENTS * 10) warmedUp();
          } else if (r === 'refused') {
            tally.refused++;
            return;
          } else {
            tally.failed.push(r);
            return;
          }
        }
      } finally {
        agent.destroy();
      }
    });

    // Stop once every connection has been reused several times.
    await warmed;
    const stop = await c.stop(10);
    await Promise.all(clients);
    const code = await c.exitCode();
    t.diagnostic(`${tally.ok} requests answered (${tally.answeredWhileDraining} of them while draining, with Connection: close), ` +
      `${tally.refused} new connections refused, ${tally.failed.length} failed; stop took ${secs(stop.ms)}, exit ${code}`);
    t.diagnostic(`app output: ${JSON.stringify(c.stdout.all)}`);
    assert.deepEqual(tally.failed, [], 'accepted requests that got no answer');
    assert.equal(tally.refused, CLIENTS, 'every client ends on a refused new connection, after the listener closed');
    // Each client had a request in flight when SIGTERM came: it was answered,
    // with Connection: close, and only then did the client find the door shut.
    assert.equal(tally.answeredWhileDraining, CLIENTS, 'every client\'s request in flight during the stop was answered');
    assert.equal(code, 0);
    assertStoppedWithinGrace(stop);
    assert.ok(c.stdout.all.includes('shutting down (SIGTERM)'), c.stdout.text);
    assert.ok(c.stdout.all.includes('stopped, exit code 0'), c.stdout.text);
  });
}
