// The user-facing examples, built from their own files and run for real, so
// that none of them rots: examples/node-app and examples/shell-script from
// their Dockerfiles (see dockerfile.ts for how they are built without a
// registry), examples/kubernetes/deployment.yaml with `podman kube play`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execForm, lastOf, parseDockerfile } from './dockerfile.js';
import { Container, getImages, onCleanup, podman, PREFIX, ROOT, secs, waitUntil, assertStoppedWithinGrace } from './engine.js';

const { images } = await getImages();
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

for (const [example, image] of [
  ['node-app', images.nodeApp],
  ['shell-script', images.shellScript],
] as const) {
  test(`examples/${example}/Dockerfile: usher as ENTRYPOINT in exec form, and the built image has exactly its ENTRYPOINT, CMD and WORKDIR`, T, async () => {
    const instructions = parseDockerfile(readFileSync(join(ROOT, 'examples', example, 'Dockerfile'), 'utf8'));
    const entrypoint = execForm(lastOf(instructions, 'ENTRYPOINT')?.args ?? '');
    const cmd = execForm(lastOf(instructions, 'CMD')?.args ?? '');
    assert.deepEqual(entrypoint, ['usher', '--'], 'ENTRYPOINT must be usher, in exec form');
    assert.ok(cmd, 'CMD must be in exec form');
    const config = JSON.parse((await podman(['image', 'inspect', '--format', '{{json .Config}}', image])).stdout) as ImageConfig;
    assert.deepEqual(config.Entrypoint, entrypoint);
    assert.deepEqual(config.Cmd, cmd);
    assert.equal(config.WorkingDir, lastOf(instructions, 'WORKDIR')?.args);
  });
}

test('examples/node-app: serves, answers health checks, runs under usher, stops gracefully in well under Docker\'s 10 s', T, async (t) => {
  const c = Container.run({ image: images.nodeApp, label: 'node-app' });
  await c.stdout.waitFor(/^listening on :8080/, 30_000);
  const ip = await c.inspect('{{.NetworkSettings.IPAddress}}');
  assert.deepEqual(await get(`http://${ip}:8080/`), { status: 200, body: 'hello from usher-example-node-app\n' });
  assert.deepEqual(await get(`http://${ip}:9000/ready`), { status: 200, body: 'ready\n' });
  assert.deepEqual(await get(`http://${ip}:9000/live`), { status: 200, body: 'alive\n' });
  const ps = await c.ps();
  assert.equal(ps.find((p) => p.pid === 1)?.args, 'node /app/node_modules/.bin/usher -- node server.js');
  const stop = await c.stop(10);
  const code = await c.exitCode();
  t.diagnostic(`podman stop -t 10 took ${secs(stop.ms)}; exit ${code}; output ${JSON.stringify(c.stdout.all)}`);
  assert.equal(code, 0);
  assertStoppedWithinGrace(stop);
  assert.deepEqual(c.stdout.all, ['listening on :8080, health on :9000', 'shutting down (SIGTERM)', 'stopped, exit code 0']);
  assert.equal(c.stderr.text, '');
});

test('examples/shell-script: the seed\'s unmodified run.sh under usher stops gracefully with podman stop -t 3', T, async (t) => {
  const c = Container.run({ image: images.shellScript, label: 'shell-script' });
  await c.stdout.waitFor('Start ...', 30_000);
  const ps = await c.ps();
  assert.equal(ps.find((p) => p.pid === 1)?.args, 'node /usr/local/bin/usher -- ./run.sh');
  const stop = await c.stop(3);
  const code = await c.exitCode();
  t.diagnostic(`podman stop -t 3 took ${secs(stop.ms)}; exit ${code}; output ${JSON.stringify(c.stdout.all)}`);
  assert.deepEqual(c.stdout.all, GRACEFUL);
  assert.equal(code, 143, 'sh dies of the SIGTERM it has no handler for; the app has finished by then');
  assertStoppedWithinGrace(stop);
});

test('examples/seed-demo (the article\'s app on usher-init/shutdown): graceful as PID 1 and under usher', T, async (t) => {
  for (const [label, entrypoint] of [['seed-demo', []], ['seed-demo-usher', ['usher', '--']]] as const) {
    const c = Container.run({ image: images.usher, label, entrypoint: [...entrypoint], command: ['node', '/opt/seed-demo/build/examples/seed-demo/demo.js'] });
    await c.stdout.waitFor('Start ...', 30_000);
    const stop = await c.stop(3);
    const code = await c.exitCode();
    t.diagnostic(`${entrypoint.length ? 'under usher' : 'as PID 1'}: podman stop -t 3 took ${secs(stop.ms)}; exit ${code}`);
    assert.deepEqual(c.stdout.all, GRACEFUL);
    assert.equal(code, 0);
    assertStoppedWithinGrace(stop);
  }
});

/** A value from the manifest, which the test reads as text: it is ours, and a YAML library is not worth a dependency. */
function field(text: string, pattern: RegExp, what: string): string {
  const m = pattern.exec(text);
  assert.ok(m?.[1], `deployment.yaml: cannot find ${what}`);
  return m[1];
}

test('examples/kubernetes/deployment.yaml with podman kube play: pods get ready, a stop keeps serving through usher\'s stop delay, then exits 0 within the grace period', { timeout: 120_000 }, async (t) => {
  const manifest = readFileSync(join(ROOT, 'examples/kubernetes/deployment.yaml'), 'utf8');
  const grace = Number(field(manifest, /terminationGracePeriodSeconds:\s*(\d+)/, 'terminationGracePeriodSeconds'));
  const delay = Number(field(manifest, /name: USHER_STOP_DELAY\s+value: "(\d+)"/, 'USHER_STOP_DELAY'));
  const timeout = Number(field(manifest, /name: USHER_STOP_TIMEOUT\s+value: "(\d+)"/, 'USHER_STOP_TIMEOUT'));
  const replicas = Number(field(manifest, /replicas:\s*(\d+)/, 'replicas'));
  const readyPath = field(manifest, /readinessProbe:\s+httpGet:\s+path:\s*(\S+)/, 'the readiness path');
  const portName = field(manifest, /readinessProbe:\s+httpGet:\s+path:\s*\S+\s+port:\s*(\S+)/, 'the readiness port');
  const healthPort = /^\d+$/.test(portName) ? portName : field(manifest, new RegExp(`name: ${portName}\\s+containerPort:\\s*(\\d+)`), `port ${portName}`);
  assert.ok(delay + timeout < grace, `stop delay ${delay} + stop timeout ${timeout} must stay below the grace period ${grace}`);
  assert.doesNotMatch(manifest.replace(/#.*$/gm, ''), /preStop/, 'usher\'s stop delay replaces the preStop hook');

  // Adapted to run here: the locally built image, a name of this run, and no
  // `ports:` list, which podman 4.3 publishes on the host (it would collide
  // between the replicas and with whatever else uses 8080 on this machine).
  const name = `${PREFIX}-k8s`;
  let played = manifest;
  const replace = (pattern: RegExp, by: string, what: string) => {
    assert.equal(played.match(new RegExp(pattern, 'gm'))?.length, 1, `deployment.yaml: expected one ${what}`);
    played = played.replace(pattern, by);
  };
  replace(/^(\s+image:\s*).*$/m, `$1${images.nodeApp}`, 'image line');
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
  assert.equal(pods.length, replicas);
  const ctrs = pods.map((p) => `${p}-app`);
  const env = await podman(['inspect', '--format', '{{range .Config.Env}}{{println .}}{{end}}', ctrs[0] ?? '']);
  assert.match(env.stdout, new RegExp(`^USHER_STOP_DELAY=${delay}$`, 'm'));

  // podman 4.3 does not run readiness probes: the test probes as the kubelet would.
  const ips: string[] = [];
  for (const ctr of ctrs) {
    const ip = (await podman(['inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', ctr])).stdout.trim();
    await waitUntil(`${ctr} ready`, async () => ((await get(`http://${ip}:${healthPort}${readyPath}`)).status === 200 ? true : undefined), 30_000);
    ips.push(ip);
  }
  const ip = ips[0] ?? '';

  // Stop every pod with the manifest's grace period (podman kube down does not
  // honour it), and meanwhile open new connections to the first one, as the
  // load balancers still do in the seconds after Kubernetes sends SIGTERM.
  const t0 = performance.now();
  const stopping = podman(['stop', '--time', String(grace), ...ctrs]).then((r) => ({ ...r, done: performance.now() - t0 }));
  let lastServed = 0;
  let served = 0;
  for (;;) {
    try {
      await get(`http://${ip}:8080/work?ms=20`);
      lastServed = performance.now() - t0;
      served++;
    } catch {
      break;
    }
  }
  const stop = await stopping;
  const codes = await Promise.all(ctrs.map(async (c) => (await podman(['inspect', '--format', '{{.State.ExitCode}}', c])).stdout.trim()));
  const logs = (await podman(['logs', ctrs[0] ?? ''])).stdout.trim().split('\n');
  t.diagnostic(`served ${served} new connections, the last ${secs(lastServed)} after the stop began; ` +
    `podman stop -t ${grace} of ${ctrs.length} pods took ${secs(stop.done)}; exit codes ${codes.join(', ')}; logs ${JSON.stringify(logs)}`);
  assert.ok(lastServed > (delay - 0.5) * 1000, `new connections were served for ${secs(lastServed)}, expected through the ${delay} s stop delay`);
  // The stop delay held SIGTERM (exact lower bound), and the pods ended within
  // their grace period without the runtime's SIGKILL.
  assert.ok(stop.done >= delay * 1000, `stop took ${secs(stop.done)}`);
  assertStoppedWithinGrace(stop);
  assert.deepEqual(codes, ctrs.map(() => '0'));
  assert.deepEqual(logs, ['listening on :8080, health on :9000', 'shutting down (SIGTERM)', 'stopped, exit code 0']);
  await podman(['kube', 'down', file]);
});
