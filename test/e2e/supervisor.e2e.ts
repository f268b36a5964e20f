// Supervisor mode in a real container: examples/multi-process, built from its
// own Dockerfile (ENTRYPOINT ["usher", "run"]), does what the founding
// article's trap script does: two apps in one container, both stopped
// gracefully by `docker stop` / `podman stop`. Once with usher.yaml (the
// image's default), once with the Procfile. `usher ps` and `usher stop` from
// `exec`; `restart` of the container: usher starts again cleanly in the same
// container (its control socket from the first life is no obstacle).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execForm, lastOf, parseDockerfile } from './dockerfile.js';
import { getEngines, onCleanup, ROOT, runArgs, secs, uniqueName, waitUntil } from './engine.js';

const T = { timeout: 120_000 };

/** A service's line as usher relays it in text format: `NAME | line`, names padded. */
const line = (service: string, text: string) => new RegExp(`^${service}\\s*\\| ${text.replace(/[.*+?^${}()|[\]\\~]/g, '\\$&')}$`);
const indexOf = (lines: string[], re: RegExp) => lines.findIndex((l) => re.test(l));

for (const e of await getEngines()) {
  const { images } = e;

  e.test(`examples/multi-process/Dockerfile: ENTRYPOINT ["usher", "run"] in exec form, and the image ${e.name} build made has it`, T, async () => {
    const instructions = parseDockerfile(readFileSync(join(ROOT, 'examples/multi-process/Dockerfile'), 'utf8'));
    assert.deepEqual(execForm(lastOf(instructions, 'ENTRYPOINT')?.args ?? ''), ['usher', 'run']);
    const config = JSON.parse((await e.cli(['image', 'inspect', '--format', '{{json .Config}}', images.multiProcess])).stdout) as {
      Entrypoint?: string[];
      WorkingDir?: string;
    };
    assert.deepEqual(config.Entrypoint, ['usher', 'run']);
    assert.equal(config.WorkingDir, '/srv');
  });

  e.test(`examples/multi-process with usher.yaml: both apps start in order, \`usher ps\` shows them, ${e.name} stop ends both gracefully in reverse order, exit 0`, T, async (t) => {
    const c = e.run({ image: images.multiProcess, label: 'multi-yaml' });
    await c.stdout.waitFor(line('web', 'Start ...'), 30_000);
    await c.stdout.waitFor(line('worker', 'Start ...'), 30_000);
    // worker depends on web being ready (its "Start" line): it cannot have started first.
    assert.ok(indexOf(c.stdout.all, line('web', 'Start ...')) < indexOf(c.stdout.all, line('worker', 'Start ...')));

    // usher is PID 1; the two apps are its children.
    const ps = await c.ps();
    assert.equal(ps.find((p) => p.pid === 1)?.args, 'node /usr/local/bin/usher run');
    assert.deepEqual(ps.filter((p) => p.ppid === 1).map((p) => p.args).sort(), ['node app.mjs web', 'node app.mjs worker']);

    // The control socket from `exec`, as from `docker exec` / `kubectl exec`.
    const table = await waitUntil('usher ps showing both running', async () => {
      const out = (await c.exec(['usher', 'ps'])).stdout;
      return /^web\s+\d+\s+running\s+yes\s/m.test(out) && /^worker\s+\d+\s+running\s/m.test(out) ? out : undefined;
    });
    t.diagnostic(`usher ps:\n${table}`);
    assert.match(table, /^NAME\s+PID\s+STATE\s+READY\s+RESTARTS\s+UPTIME\s+LAST EXIT$/m);

    const stop = await c.stop(10);
    const code = await c.exitCode();
    t.diagnostic(`${e.name} stop -t 10 took ${secs(stop.ms)}; exit ${code}; stdout ${JSON.stringify(c.stdout.all)}; stderr ${JSON.stringify(c.stderr.all)}`);
    assert.equal(code, 0);
    assert.ok(stop.ms < 8_000, `stopped within usher's grace (8s), well before ${e.name}'s 10 s: took ${secs(stop.ms)}`);
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

  e.test(`examples/multi-process with the Procfile: both apps run, ${e.name} stop ends both gracefully, exit 0`, T, async (t) => {
    const c = e.run({ image: images.multiProcess, label: 'multi-procfile', entrypoint: ['usher', 'run', '-f', 'Procfile'] });
    await c.stdout.waitFor(line('web', 'Start ...'), 30_000);
    await c.stdout.waitFor(line('worker', 'Start ...'), 30_000);
    const stop = await c.stop(10);
    const code = await c.exitCode();
    t.diagnostic(`${e.name} stop -t 10 took ${secs(stop.ms)}; exit ${code}; stdout ${JSON.stringify(c.stdout.all)}; stderr ${JSON.stringify(c.stderr.all)}`);
    assert.equal(code, 0);
    assert.ok(stop.ms < 8_000, `took ${secs(stop.ms)}`);
    for (const app of ['web', 'worker']) {
      assert.ok(indexOf(c.stdout.all, line(app, 'receive system signal: terminated')) >= 0, `${app} got SIGTERM`);
      assert.ok(indexOf(c.stdout.all, line(app, `Shutdown ~ (${app})`)) >= 0, `${app} finished its shutdown`);
    }
  });

  e.test(`examples/multi-process: \`usher stop worker\` from ${e.name} exec stops one app gracefully and leaves the other running`, T, async (t) => {
    const c = e.run({ image: images.multiProcess, label: 'multi-ctl' });
    await c.stdout.waitFor(line('worker', 'Start ...'), 30_000);
    const stopped = await c.exec(['usher', 'stop', 'worker']);
    assert.equal(stopped.stdout, 'worker: stopped\n');
    await c.stdout.waitFor(line('worker', 'Shutdown ~ (worker)'));
    const ps = (await c.exec(['usher', 'ps', '--json'])).stdout;
    const states = Object.fromEntries((JSON.parse(ps) as { services: { name: string; state: string }[] }).services.map((s) => [s.name, s.state]));
    assert.deepEqual(states, { web: 'running', worker: 'stopped' });
    const stop = await c.stop(10);
    t.diagnostic(`${e.name} stop -t 10 took ${secs(stop.ms)}`);
    assert.equal(await c.exitCode(), 0);
    await c.stdout.waitFor(line('web', 'Shutdown ~ (web)'));
  });

  e.test(`examples/multi-process: ${e.name} restart of the container running usher run stops both apps gracefully and starts them again`, T, async (t) => {
    // Detached, as restart is used: the logs of both lives are read with `logs`.
    const name = uniqueName('multi-restart');
    onCleanup(() => e.engine.removeContainer(name));
    await e.cli(['run', '--detach', ...runArgs(e.engine, name, { image: images.multiProcess, label: 'multi-restart' })]);
    const logs = async () => (await e.cli(['logs', name])).stdout.split('\n');
    const count = (lines: string[], re: RegExp) => lines.filter((l) => re.test(l)).length;
    await waitUntil('both apps started', async () => (count(await logs(), line('worker', 'Start ...')) === 1 ? true : undefined), 30_000);

    const restart = await e.cli(['restart', '-t', '10', name]);
    const after = await waitUntil('both apps started a second time', async () => {
      const lines = await logs();
      return count(lines, line('web', 'Start ...')) === 2 && count(lines, line('worker', 'Start ...')) === 2 ? lines : undefined;
    }, 30_000);
    t.diagnostic(`${e.name} restart -t 10 took ${secs(restart.ms)}; logs ${JSON.stringify(after)}`);
    // The first life ended gracefully: each app finished its shutdown before the second life began.
    const secondStart = after.map((l, i) => (line('web', 'Start ...').test(l) ? i : -1)).filter((i) => i >= 0)[1] ?? -1;
    for (const app of ['web', 'worker']) {
      const shutdown = indexOf(after, line(app, `Shutdown ~ (${app})`));
      assert.ok(shutdown >= 0 && shutdown < secondStart, `${app} finished its shutdown before the restart: ${JSON.stringify(after)}`);
    }
    const said = (await e.cli(['logs', name])).stderr;
    assert.doesNotMatch(said, /control socket|address already in use|EADDRINUSE/i, 'usher\'s second life found its socket taken');

    // The second life is whole: the control socket answers, both apps run.
    const table = await waitUntil('usher ps showing both running again', async () => {
      const out = (await e.cli(['exec', name, 'usher', 'ps'])).stdout;
      return /^web\s+\d+\s+running\s/m.test(out) && /^worker\s+\d+\s+running\s/m.test(out) ? out : undefined;
    });
    t.diagnostic(`usher ps after the restart:\n${table}`);
    const stop = await e.engine.stop(name, 10);
    assert.equal(stop.forced, false, `the runtime had to SIGKILL the container (stop took ${secs(stop.ms)})`);
    assert.equal((await e.cli(['inspect', '--format', '{{.State.ExitCode}}', name])).stdout.trim(), '0');
  });
}
