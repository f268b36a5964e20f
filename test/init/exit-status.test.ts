// usher exits with the child's status: its code, or 128+N when signal N killed it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startPid1 } from '../helpers/pid1.js';

const T = { timeout: 600_000 };

async function exitCodeOf(command: string[], args: string[] = []): Promise<number | null> {
  const ns = startPid1([...args, '--', ...command]);
  return (await ns.exited).code;
}

test('every exit code from 0 to 255 comes through unchanged', T, async () => {
  const codes = Array.from({ length: 256 }, (_, i) => i);
  const seen = new Map<number, number | null>();
  // A few namespaces at a time: the machine is small.
  for (let i = 0; i < codes.length; i += 8) {
    const batch = codes.slice(i, i + 8);
    const results = await Promise.all(batch.map((c) => exitCodeOf(['sh', '-c', `exit ${c}`])));
    batch.forEach((c, j) => seen.set(c, results[j] ?? null));
  }
  for (const c of codes) assert.equal(seen.get(c), c, `exit ${c}`);
});

test('killed by signal N gives 128+N', T, async () => {
  const cases: [string, number][] = [['HUP', 1], ['INT', 2], ['QUIT', 3], ['ABRT', 6], ['KILL', 9], ['USR1', 10], ['SEGV', 11], ['TERM', 15]];
  const results = await Promise.all(cases.map(([name]) => exitCodeOf(['sh', '-c', `kill -${name} $$`])));
  cases.forEach(([name, n], i) => assert.equal(results[i], 128 + n, `SIG${name}`));
});

test('-e CODE reports that exit code as 0 (tini), and leaves the others alone', T, async () => {
  assert.equal(await exitCodeOf(['sh', '-c', 'exit 143'], ['-e', '143']), 0);
  assert.equal(await exitCodeOf(['sh', '-c', 'kill -TERM $$'], ['-e', '143', '--expect-exit', '1']), 0);
  assert.equal(await exitCodeOf(['sh', '-c', 'exit 1'], ['-e', '143', '--expect-exit', '1']), 0);
  assert.equal(await exitCodeOf(['sh', '-c', 'exit 2'], ['-e', '143']), 2);
});
