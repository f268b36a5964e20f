// Supervisor mode in a real container: examples/multi-process, built from its
// own Dockerfile (ENTRYPOINT ["usher", "run"]), does what the founding
// article's trap script does: two apps in one container, both stopped
// gracefully by `podman stop`. Once with usher.yaml (the image's default),
// once with the Procfile. `usher ps` and `usher stop` from `podman exec`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execForm, lastOf, parseDockerfile } from './dockerfile.js';
import { Container, getImages, podman, ROOT, secs, waitUntil } from './engine.js';

const { images } = await getImages();
const T = { timeout: 120_000 };

/** A service's line as usher relays it in text format: `NAME | line`, names padded. */
const line = (service: string, text: string) => new RegExp(`^${service}\\s*\\| ${text.replace(/[.*+?^${}()|[\]\\~]/g, '\\$&')}$`);
const indexOf = (lines: string[], re: RegExp) => lines.findIndex((l) => re.test(l));

test('examples/multi-process/Dockerfile: ENTRYPOINT ["usher", "run"] in exec form, and the image has it', T, async () => {
  const instructions = parseDockerfile(readFileSync(join(ROOT, 'examples/multi-process/Dockerfile'), 'utf8'));
  assert.deepEqual(execForm(lastOf(instructions, 'ENTRYPOINT')?.args ?? ''), ['usher', 'run']);
  const config = JSON.parse((await podman(['image', 'inspect', '--format', '{{json .Config}}', images.multiProcess])).stdout) as {
    Entrypoint?: string[];
    WorkingDir?: string;
  };
  assert.deepEqual(config.Entrypoint, ['usher', 'run']);
  assert.equal(config.WorkingDir, '/srv');
});

test('examples/multi-process with usher.yaml: both apps start in order, `usher ps` shows them, podman stop ends both gracefully in reverse order, exit 0', T, async (t) => {
  const c = Container.run({ image: images.multiProcess, label: 'multi-yaml' });
  await c.stdout.waitFor(line('web', 'Start ...'), 30_000);
  await c.stdout.waitFor(line('worker', 'Start ...'), 30_000);
  // worker depends on web being ready (its "Start" line): it cannot have started first.
  assert.ok(indexOf(c.stdout.all, line('web', 'Start ...')) < indexOf(c.stdout.all, line('worker', 'Start ...')));

  // usher is PID 1; the two apps are its children.
  const ps = await c.ps();
  assert.equal(ps.find((p) => p.pid === 1)?.args, 'node /usr/local/bin/usher run');
  assert.deepEqual(ps.filter((p) => p.ppid === 1).map((p) => p.args).sort(), ['node app.mjs web', 'node app.mjs worker']);

  // The control socket from `podman exec`, as from `docker exec` / `kubectl exec`.
  const table = await waitUntil('usher ps showing both running', async () => {
    const out = (await c.exec(['usher', 'ps'])).stdout;
    return /^web\s+\d+\s+running\s+yes\s/m.test(out) && /^worker\s+\d+\s+running\s/m.test(out) ? out : undefined;
  });
  t.diagnostic(`usher ps:\n${table}`);
  assert.match(table, /^NAME\s+PID\s+STATE\s+READY\s+RESTARTS\s+UPTIME\s+LAST EXIT$/m);

  const stop = await c.stop(10);
  const code = await c.exitCode();
  t.diagnostic(`podman stop -t 10 took ${secs(stop.ms)}; exit ${code}; stdout ${JSON.stringify(c.stdout.all)}; stderr ${JSON.stringify(c.stderr.all)}`);
  assert.equal(code, 0);
  assert.ok(stop.ms < 8_000, `stopped within usher's grace (8s), well before podman's 10 s: took ${secs(stop.ms)}`);
  const out = c.stdout.all;
  for (const app of ['web', 'worker']) {
    assert.ok(indexOf(out, line(app, 'receive system signal: terminated')) >= 0, `${app} got SIGTERM`);
    assert.ok(indexOf(out, line(app, `Shutdown ~ (${app})`)) >= 0, `${app} finished its shutdown`);
  }
  // Reverse dependency order: worker is done before web is even told to stop.
  assert.ok(
    indexOf(out, line('worker', 'Shutdown ~ (worker)')) < indexOf(out, line('web', 'receive system signal: terminated')),
    `worker stops before web: ${JSON.stringify(out)}`,
  );
});

test('examples/multi-process with the Procfile: both apps run, podman stop ends both gracefully, exit 0', T, async (t) => {
  const c = Container.run({ image: images.multiProcess, label: 'multi-procfile', entrypoint: ['usher', 'run', '-f', 'Procfile'] });
  await c.stdout.waitFor(line('web', 'Start ...'), 30_000);
  await c.stdout.waitFor(line('worker', 'Start ...'), 30_000);
  const stop = await c.stop(10);
  const code = await c.exitCode();
  t.diagnostic(`podman stop -t 10 took ${secs(stop.ms)}; exit ${code}; stdout ${JSON.stringify(c.stdout.all)}; stderr ${JSON.stringify(c.stderr.all)}`);
  assert.equal(code, 0);
  assert.ok(stop.ms < 8_000, `took ${secs(stop.ms)}`);
  for (const app of ['web', 'worker']) {
    assert.ok(indexOf(c.stdout.all, line(app, 'receive system signal: terminated')) >= 0, `${app} got SIGTERM`);
    assert.ok(indexOf(c.stdout.all, line(app, `Shutdown ~ (${app})`)) >= 0, `${app} finished its shutdown`);
  }
});

test('examples/multi-process: `usher stop worker` from podman exec stops one app gracefully and leaves the other running', T, async (t) => {
  const c = Container.run({ image: images.multiProcess, label: 'multi-ctl' });
  await c.stdout.waitFor(line('worker', 'Start ...'), 30_000);
  const stopped = await c.exec(['usher', 'stop', 'worker']);
  assert.equal(stopped.stdout, 'worker: stopped\n');
  await c.stdout.waitFor(line('worker', 'Shutdown ~ (worker)'));
  const ps = (await c.exec(['usher', 'ps', '--json'])).stdout;
  const states = Object.fromEntries((JSON.parse(ps) as { services: { name: string; state: string }[] }).services.map((s) => [s.name, s.state]));
  assert.deepEqual(states, { web: 'running', worker: 'stopped' });
  const stop = await c.stop(10);
  t.diagnostic(`podman stop -t 10 took ${secs(stop.ms)}`);
  assert.equal(await c.exitCode(), 0);
  await c.stdout.waitFor(line('web', 'Shutdown ~ (web)'));
});
