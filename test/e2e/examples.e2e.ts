// The user-facing examples, built from their own files and run for real, so
// that none of them rots: examples/node-app and examples/shell-script from
// their Dockerfiles (`docker build` / `podman build`; see dockerfile.ts for
// how they are built without a registry), examples/kubernetes/deployment.yaml
// with `podman kube play`, and its container spec with `docker run`.
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execForm, lastOf, parseDockerfile } from './dockerfile.js';
import { getEngines, onCleanup, podman, PREFIX, ROOT, secs, waitUntil, assertStoppedWithinGrace, type EngineUnderTest } from './engine.js';

const T = { timeout: 90_000 };
const GRACEFUL = ['Start ...', 'receive system signal: terminated', 'Shutdown ~'];

interface ImageConfig {
  Entrypoint?: string[];
  Cmd?: string[];
  WorkingDir?: string;
  Env?: string[];
}

/** GET over a fresh connection; resolves with status and body, or rejects with the socket error. */
function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** A value from the manifest, which the test reads as text: it is ours, and a YAML library is not worth a dependency. */
function field(text: string, pattern: RegExp, what: string): string {
  const m = pattern.exec(text);
  assert.ok(m?.[1], `deployment.yaml: cannot find ${what}`);
  return m[1];
}

/** What the test needs from examples/kubernetes/deployment.yaml. */
function readDeployment() {
  const manifest = readFileSync(join(ROOT, 'examples/kubernetes/deployment.yaml'), 'utf8');
  const portName = field(manifest, /readinessProbe:\s+httpGet:\s+path:\s*\S+\s+port:\s*(\S+)/, 'the readiness port');
  const d = {
    manifest,
    grace: Number(field(manifest, /terminationGracePeriodSeconds:\s*(\d+)/, 'terminationGracePeriodSeconds')),
    delay: Number(field(manifest, /name: USHER_STOP_DELAY\s+value: "(\d+)"/, 'USHER_STOP_DELAY')),
    timeout: Number(field(manifest, /name: USHER_STOP_TIMEOUT\s+value: "(\d+)"/, 'USHER_STOP_TIMEOUT')),
    replicas: Number(field(manifest, /replicas:\s*(\d+)/, 'replicas')),
    readyPath: field(manifest, /readinessProbe:\s+httpGet:\s+path:\s*(\S+)/, 'the readiness path'),
    healthPort: Number(/^\d+$/.test(portName) ? portName : field(manifest, new RegExp(`name: ${portName}\\s+containerPort:\\s*(\\d+)`), `port ${portName}`)),
    appPort: Number(field(manifest, /name: http\s+containerPort:\s*(\d+)/, 'the http port')),
  };
  assert.ok(d.delay + d.timeout < d.grace, `stop delay ${d.delay} + stop timeout ${d.timeout} must stay below the grace period ${d.grace}`);
  assert.doesNotMatch(manifest.replace(/#.*$/gm, ''), /preStop/, 'usher\'s stop delay replaces the preStop hook');
  return d;
}

/** The Deployment's containers running: where to reach the first one, and how to stop them all with the grace period. */
interface Deployed {
  /** Base URLs of each replica's app port and health port. */
  replicas: { app: string; health: string }[];
  stop: () => Promise<{ forced: boolean; ms: number }>;
  exitCodes: () => Promise<string[]>;
  /** The first replica's stdout, by lines. */
  logs: () => Promise<string[]>;
  /** The line the app prints once it listens (its ports in it). */
  listening: string;
}

/** podman kube play of the manifest, adapted to run here. */
async function playWithPodman(e: EngineUnderTest, d: ReturnType<typeof readDeployment>): Promise<Deployed> {
  // The locally built image, a name of this run, and no `ports:` list, which
  // podman 4.3 publishes on the host (it would collide between the replicas
  // and with whatever else uses 8080 on this machine).
  const name = `${PREFIX}-k8s`;
  let played = d.manifest;
  const replace = (pattern: RegExp, by: string, what: string) => {
    assert.equal(played.match(new RegExp(pattern, 'gm'))?.length, 1, `deployment.yaml: expected one ${what}`);
    played = played.replace(pattern, by);
  };
  replace(/^(\s+image:\s*).*$/m, `$1${e.images.nodeApp}`, 'image line');
  replace(/^( {2}name:\s*).*$/m, `$1${name}`, 'metadata name');
  replace(/\n {10}ports:\n(?: {12}.*\n)+/, '\n', 'ports list');
  const dir = mkdtempSync(join(tmpdir(), `${PREFIX}-`));
  const file = join(dir, 'deployment.yaml');
  writeFileSync(file, played);
  onCleanup(async () => {
    await podman(['kube', 'down', file], { check: false });
    rmSync(dir, { recursive: true, force: true });
  });

  await podman(['kube', 'play', file]);
  const pods = (await podman(['pod', 'ps', '--format', '{{.Name}}'])).stdout.split('\n').filter((p) => p.startsWith(name)).sort();
  assert.equal(pods.length, d.replicas);
  const ctrs = pods.map((p) => `${p}-app`);
  const env = await podman(['inspect', '--format', '{{range .Config.Env}}{{println .}}{{end}}', ctrs[0] ?? '']);
  assert.match(env.stdout, new RegExp(`^USHER_STOP_DELAY=${d.delay}$`, 'm'));
  const replicas = [];
  for (const ctr of ctrs) {
    const ip = (await podman(['inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', ctr])).stdout.trim();
    replicas.push({ app: `http://${ip}:${d.appPort}`, health: `http://${ip}:${d.healthPort}` });
  }
  return {
    replicas,
    // Every pod with the manifest's grace period (podman kube down does not honour it).
    stop: async () => {
      const r = await podman(['stop', '--time', String(d.grace), ...ctrs]);
      return { forced: /resorting to SIGKILL/.test(r.stderr), ms: r.ms };
    },
    exitCodes: () => Promise.all(ctrs.map(async (c) => (await podman(['inspect', '--format', '{{.State.ExitCode}}', c])).stdout.trim())),
    logs: async () => (await podman(['logs', ctrs[0] ?? ''])).stdout.trim().split('\n'),
    listening: `listening on :${d.appPort}, health on :${d.healthPort}`,
  };
}

/**
 * Docker has no kube play: the Deployment's container spec (its image, its
 * env) with docker run, one replica on the host's network (no bridge here;
 * free ports instead of 8080 and 9000), stopped with docker stop -t GRACE as
 * the kubelet stops it through the runtime.
 */
async function runWithDocker(e: EngineUnderTest, d: ReturnType<typeof readDeployment>): Promise<Deployed> {
  const ports = await e.ports({ PORT: d.appPort, HEALTH_PORT: d.healthPort });
  const c = e.run({
    image: e.images.nodeApp,
    label: 'k8s',
    ports,
    env: { USHER_STOP_DELAY: String(d.delay), USHER_STOP_TIMEOUT: String(d.timeout) },
  });
  await c.stdout.waitFor(/^listening on :/, 30_000);
  return {
    replicas: [{ app: `http://127.0.0.1:${c.port('PORT')}`, health: `http://127.0.0.1:${c.port('HEALTH_PORT')}` }],
    stop: () => c.stop(d.grace),
    exitCodes: async () => [String(await c.exitCode())],
    logs: async () => {
      await c.exited;
      return c.stdout.all;
    },
    listening: `listening on :${c.port('PORT')}, health on :${c.port('HEALTH_PORT')}`,
  };
}

for (const e of await getEngines()) {
  const { images } = e;

  for (const [example, image] of [
    ['node-app', images.nodeApp],
    ['shell-script', images.shellScript],
  ] as const) {
    e.test(`examples/${example}/Dockerfile: usher as ENTRYPOINT in exec form, and the image ${e.name} build made has exactly its ENTRYPOINT, CMD and WORKDIR`, T, async () => {
      const instructions = parseDockerfile(readFileSync(join(ROOT, 'examples', example, 'Dockerfile'), 'utf8'));
      const entrypoint = execForm(lastOf(instructions, 'ENTRYPOINT')?.args ?? '');
      const cmd = execForm(lastOf(instructions, 'CMD')?.args ?? '');
      assert.deepEqual(entrypoint, ['usher', '--'], 'ENTRYPOINT must be usher, in exec form');
      assert.ok(cmd, 'CMD must be in exec form');
      const config = JSON.parse((await e.cli(['image', 'inspect', '--format', '{{json .Config}}', image])).stdout) as ImageConfig;
      assert.deepEqual(config.Entrypoint, entrypoint);
      assert.deepEqual(config.Cmd, cmd);
      assert.equal(config.WorkingDir, lastOf(instructions, 'WORKDIR')?.args);
    });
  }

  e.test(`examples/node-app: serves, answers health checks, runs under usher, ${e.name} stop -t 10 stops it gracefully in well under the 10 s`, T, async (t) => {
    const c = e.run({ image: images.nodeApp, label: 'node-app', ports: await e.ports({ PORT: 8080, HEALTH_PORT: 9000 }) });
    const [app, health] = [c.port('PORT'), c.port('HEALTH_PORT')];
    await c.stdout.waitFor(`listening on :${app}, health on :${health}`, 30_000);
    const ip = await c.address();
    assert.deepEqual(await get(`http://${ip}:${app}/`), { status: 200, body: 'hello from usher-example-node-app\n' });
    assert.deepEqual(await get(`http://${ip}:${health}/ready`), { status: 200, body: 'ready\n' });
    assert.deepEqual(await get(`http://${ip}:${health}/live`), { status: 200, body: 'alive\n' });
    const ps = await c.ps();
    assert.equal(ps.find((p) => p.pid === 1)?.args, 'node /app/node_modules/.bin/usher -- node server.js');
    const stop = await c.stop(10);
    const code = await c.exitCode();
    t.diagnostic(`${e.name} stop -t 10 took ${secs(stop.ms)}; exit ${code}; output ${JSON.stringify(c.stdout.all)}`);
    assert.equal(code, 0);
    assertStoppedWithinGrace(stop);
    assert.deepEqual(c.stdout.all, [`listening on :${app}, health on :${health}`, 'shutting down (SIGTERM)', 'stopped, exit code 0']);
    assert.equal(c.stderr.text, '');
  });

  e.test(`examples/shell-script: the seed's unmodified run.sh under usher stops gracefully with ${e.name} stop -t 3`, T, async (t) => {
    const c = e.run({ image: images.shellScript, label: 'shell-script' });
    await c.stdout.waitFor('Start ...', 30_000);
    const ps = await c.ps();
    assert.equal(ps.find((p) => p.pid === 1)?.args, 'node /usr/local/bin/usher -- ./run.sh');
    const stop = await c.stop(3);
    const code = await c.exitCode();
    t.diagnostic(`${e.name} stop -t 3 took ${secs(stop.ms)}; exit ${code}; output ${JSON.stringify(c.stdout.all)}`);
    assert.deepEqual(c.stdout.all, GRACEFUL);
    assert.equal(code, 143, 'sh dies of the SIGTERM it has no handler for; the app has finished by then');
    assertStoppedWithinGrace(stop);
  });

  e.test(`examples/seed-demo (the article's app on usher-init/shutdown): graceful as PID 1 and under usher, ${e.name} stop -t 3`, T, async (t) => {
    for (const [label, entrypoint] of [['seed-demo', []], ['seed-demo-usher', ['usher', '--']]] as const) {
      const c = e.run({ image: images.usher, label, entrypoint: [...entrypoint], command: ['node', '/opt/seed-demo/build/examples/seed-demo/demo.js'] });
      await c.stdout.waitFor('Start ...', 30_000);
      const stop = await c.stop(3);
      const code = await c.exitCode();
      t.diagnostic(`${entrypoint.length ? 'under usher' : 'as PID 1'}: ${e.name} stop -t 3 took ${secs(stop.ms)}; exit ${code}`);
      assert.deepEqual(c.stdout.all, GRACEFUL);
      assert.equal(code, 0);
      assertStoppedWithinGrace(stop);
    }
  });

  e.test(
    e.name === 'podman'
      ? 'examples/kubernetes/deployment.yaml with podman kube play: pods get ready, a stop keeps serving through usher\'s stop delay, then exits 0 within the grace period'
      : 'examples/kubernetes/deployment.yaml\'s container spec with docker run (Docker has no kube play): ready, a stop with its grace period keeps serving through usher\'s stop delay, then exits 0 within it',
    { timeout: 120_000 },
    async (t) => {
      const d = readDeployment();
      const deployed = e.name === 'podman' ? await playWithPodman(e, d) : await runWithDocker(e, d);
      // podman 4.3 runs no readiness probes, Docker none at all: the test probes as the kubelet would.
      for (const r of deployed.replicas) {
        await waitUntil(`${r.health} ready`, async () => ((await get(`${r.health}${d.readyPath}`)).status === 200 ? true : undefined), 30_000);
      }
      const first = deployed.replicas[0]?.app ?? '';

      // Stop with the manifest's grace period, and meanwhile open new
      // connections to the first replica, as the load balancers still do in the
      // seconds after Kubernetes sends SIGTERM.
      const t0 = performance.now();
      const stopping = deployed.stop().then((r) => ({ ...r, done: performance.now() - t0 }));
      let lastServed = 0;
      let served = 0;
      for (;;) {
        try {
          await get(`${first}/work?ms=20`);
          lastServed = performance.now() - t0;
          served++;
        } catch {
          break;
        }
      }
      const stop = await stopping;
      const codes = await deployed.exitCodes();
      const logs = await deployed.logs();
      t.diagnostic(`served ${served} new connections, the last ${secs(lastServed)} after the stop began; ` +
        `${e.name} stop -t ${d.grace} of ${deployed.replicas.length} replica(s) took ${secs(stop.done)}; exit codes ${codes.join(', ')}; logs ${JSON.stringify(logs)}`);
      assert.ok(lastServed > (d.delay - 0.5) * 1000, `new connections were served for ${secs(lastServed)}, expected through the ${d.delay} s stop delay`);
      // The stop delay held SIGTERM (exact lower bound), and the replicas ended
      // within their grace period without the runtime's SIGKILL.
      assert.ok(stop.done >= d.delay * 1000, `stop took ${secs(stop.done)}`);
      assertStoppedWithinGrace({ forced: stop.forced, ms: stop.done });
      assert.deepEqual(codes, deployed.replicas.map(() => '0'));
      assert.deepEqual(logs, [deployed.listening, 'shutting down (SIGTERM)', 'stopped, exit code 0']);
    },
  );
}
