// checkKubernetes on sample manifests: nested shutdown budgets, readiness, a
// shell as PID 1; each finding with its exact line; nothing on the good ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkKubernetes } from '../../src/doctor/static/index.js';
import type { Finding } from '../../src/doctor/types.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SAMPLES = join(ROOT, 'test/doctor/samples/kubernetes');

function summary(findings: Finding[]): string[] {
  return findings.map((f) => `${f.id} ${f.severity} ${f.line}`);
}

function byLine(findings: Finding[], id: string, line: number): Finding {
  const f = findings.find((x) => x.id === id && x.line === line);
  assert.ok(f, `${id} at line ${line}`);
  return f;
}

test('a good multi-document manifest and the example Deployment: no findings', async () => {
  assert.deepEqual(await checkKubernetes(join(SAMPLES, 'good.yaml')), []);
  assert.deepEqual(await checkKubernetes(join(ROOT, 'examples/kubernetes/deployment.yaml')), []);
});

test('every document of the bad manifest: its finding, at its line', async () => {
  const findings = await checkKubernetes(join(SAMPLES, 'bad.yaml'));
  assert.deepEqual(summary(findings), [
    'grace-budget-exceeded error 9', // Deployment: preStop 10 + delay 5 + timeout 20 >= 30
    'grace-budget-exceeded error 29', // StatefulSet: preStop sh -c "sleep 5" + USHER_STOP_TIMEOUT 25s >= default 30
    'no-readiness-probe warning 29', // ... with a preStop sleep and no readiness probe
    'shell-pid1 warning 47', // Pod: sh -c "./migrate && node server.js" on an image whose /bin/sh the manifest does not say
    'shell-pid1 warning 59', // Job: /bin/bash -c "node a.js; node b.js" (bash execs only the last one)
    'prestop-duration-unknown info 75', // DaemonSet: httpGet preStop
    'app-deadline-exceeds-stop-timeout warning 92', // args --stop-timeout 8, USHER_SHUTDOWN_BUDGET_MS 12000
    'package-manager-pid1 error 108', // CronJob: npm start
    'grace-budget-exceeded error 117', // ReplicaSet: preStop sleep action 50 >= 45
  ]);
  for (const f of findings) {
    assert.equal(f.file, join(SAMPLES, 'bad.yaml'));
    assert.ok(f.fix.length > 5 && !f.fix.includes('\n'), `${f.id}: a one-line fix`);
  }

  // The numbers are in the message, and the fix is a grace period that fits.
  const deployment = byLine(findings, 'grace-budget-exceeded', 9);
  assert.match(deployment.message, /preStop sleep 10 s \+ --stop-delay 5 s \+ --stop-timeout 20 s = 35 s, not below the terminationGracePeriodSeconds 30\b/);
  assert.match(deployment.fix, /^terminationGracePeriodSeconds: 36\b/);
  const statefulSet = byLine(findings, 'grace-budget-exceeded', 29);
  assert.match(statefulSet.message, /preStop sleep 5 s \+ USHER_STOP_TIMEOUT 25 s = 30 s, not below the terminationGracePeriodSeconds 30 \(the default\)/);

  assert.equal(byLine(findings, 'shell-pid1', 47).fix, 'command: ["sh","-c","./migrate && exec node server.js"]');
  assert.equal(byLine(findings, 'shell-pid1', 59).fix, 'command: ["/bin/bash","-c","node a.js; exec node b.js"]');
  assert.match(byLine(findings, 'app-deadline-exceeds-stop-timeout', 92).message, /USHER_SHUTDOWN_BUDGET_MS 12000 asks for 12 s, not below --stop-timeout 8 s/);
});

test('stop delay and timeout in every spelling: flags, =, s and ms suffixes, environment', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'doctor-k8s-'));
  try {
    const pod = (grace: number, container: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  terminationGracePeriodSeconds: ${grace}\n  containers:\n${container}`;
    const cases: [string, string | undefined][] = [
      [pod(10, '    - name: a\n      command: ["usher", "--stop-timeout", "8", "--", "node", "x.js"]\n'), undefined],
      [pod(8, '    - name: a\n      command: ["usher", "--stop-timeout", "8", "--", "node", "x.js"]\n'), '--stop-timeout 8 s = 8 s'],
      [pod(8, '    - name: a\n      command: ["usher", "--stop-timeout=7500ms", "--", "node", "x.js"]\n'), undefined],
      [pod(8, '    - name: a\n      command: ["/usr/local/bin/usher", "--stop-delay=2s", "--stop-timeout", "6.5", "--", "node"]\n      readinessProbe: {tcpSocket: {port: 80}}\n'), '--stop-delay 2 s + --stop-timeout 6.5 s = 8.5 s'],
      [pod(8, '    - name: a\n      env:\n        - {name: USHER_STOP_DELAY, value: "500ms"}\n        - {name: USHER_STOP_TIMEOUT, value: "7.5"}\n      readinessProbe: {tcpSocket: {port: 80}}\n'), 'USHER_STOP_DELAY 0.5 s + USHER_STOP_TIMEOUT 7.5 s = 8 s'],
      [pod(5, '    - name: a\n      env:\n        - {name: USHER_SHUTDOWN_BUDGET_MS, value: "6000"}\n'), 'USHER_SHUTDOWN_BUDGET_MS 6 s = 6 s'],
    ];
    for (const [yaml, expected] of cases) {
      const file = join(dir, 'pod.yaml');
      writeFileSync(file, yaml);
      const findings = await checkKubernetes(file);
      if (expected === undefined) {
        assert.deepEqual(findings, [], yaml);
      } else {
        assert.deepEqual(summary(findings), ['grace-budget-exceeded error 5'], yaml);
        assert.ok((findings[0] as Finding).message.includes(expected), `${(findings[0] as Finding).message} should say ${expected}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('what cannot be checked is an error with the reason', async () => {
  await assert.rejects(checkKubernetes(join(SAMPLES, 'missing.yaml')), /cannot read the manifest .*missing\.yaml: no such file/);
  await assert.rejects(checkKubernetes(join(SAMPLES, 'invalid.yaml')), /invalid\.yaml:\d+: not valid YAML: /);
  await assert.rejects(checkKubernetes(join(SAMPLES, 'not-kubernetes.yaml')), /not-kubernetes\.yaml:1: document 1 is not a Kubernetes object: it has no kind/);
  const dir = mkdtempSync(join(tmpdir(), 'doctor-k8s-'));
  try {
    writeFileSync(join(dir, 'empty.yaml'), '# nothing\n');
    await assert.rejects(checkKubernetes(join(dir, 'empty.yaml')), /is not a Kubernetes manifest/);
    writeFileSync(join(dir, 'list.yaml'), '- a\n- b\n');
    await assert.rejects(checkKubernetes(join(dir, 'list.yaml')), /document 1 is not a Kubernetes object/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('what PID 1 is: shells and npm, behind an init or not, with the script in args', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'doctor-k8s-'));
  try {
    const pod = (container: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      image: node:20\n${container}`;
    const cases: [string, string[]][] = [
      ['      command: ["/bin/sh", "-c"]\n      args: ["./migrate && node server.js"]\n', ['shell-pid1 error 8']],
      ['      command: ["sh", "-c", "exec node server.js"]\n', []],
      ['      command: ["bash", "-c", "node server.js | tee log"]\n', ['shell-pid1 error 8']],
      ['      command: ["sh", "-c", "trap \'kill $c\' TERM; node s.js & c=$!; wait $c"]\n', []],
      ['      command: ["usher", "--", "sh", "-c", "node server.js"]\n', []],
      ['      command: ["tini", "--", "sh", "-c", "node server.js"]\n', ['shell-pid1 error 8']],
      ['      command: ["tini", "-g", "--", "sh", "-c", "node server.js"]\n', []],
      ['      command: ["usher", "--", "npm", "start"]\n', ['package-manager-pid1 warning 8']],
      ['      command: ["yarn", "start"]\n', ['package-manager-pid1 error 8']],
      ['      command: ["node", "server.js"]\n', ['signal-handler-unknown info 8']],
    ];
    for (const [container, expected] of cases) {
      const file = join(dir, 'pod.yaml');
      writeFileSync(file, pod(container));
      assert.deepEqual(summary(await checkKubernetes(file)), expected, container);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
