// The config loader's small parts on their own: durations, ${VAR} expansion
// (with property tests), "did you mean", dependency cycles and waves.
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findCycles, startWaves, type DependencyNode } from '../../src/supervisor/config/dependencies.js';
import { formatDuration, parseDuration } from '../../src/supervisor/config/duration.js';
import { expandVariables } from '../../src/supervisor/config/expand.js';
import { closest } from '../../src/supervisor/config/suggest.js';

test('durations: units, combinations, fractions, plain numbers of seconds', () => {
  const cases: [unknown, number | undefined][] = [
    ['10s', 10_000],
    ['500ms', 500],
    ['1m', 60_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1h 2m 3s 4ms', 3_723_004],
    ['1.5s', 1500],
    ['0s', 0],
    [5, 5000],
    [0.25, 250],
    [0, 0],
    ['10', undefined],
    ['s', undefined],
    ['10x', undefined],
    ['-1s', undefined],
    ['1.s', undefined],
    ['', undefined],
    [-1, undefined],
    [Infinity, undefined],
    [Number.NaN, undefined],
    [null, undefined],
    [undefined, undefined],
  ];
  for (const [input, ms] of cases) assert.equal(parseDuration(input), ms, `parseDuration(${JSON.stringify(input)})`);
});

test('durations: formatDuration spells any whole number of ms so that parseDuration reads it back', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10 * 86_400_000 }), (ms) => {
      assert.equal(parseDuration(formatDuration(ms)), ms);
    }),
  );
});

test('durations: the schema pattern and parseDuration agree on any combination of parts', () => {
  const part = fc.tuple(fc.nat({ max: 10_000 }), fc.constantFrom('ms', 's', 'm', 'h'));
  fc.assert(
    fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), (parts) => {
      const text = parts.map(([n, unit]) => `${n}${unit}`).join('');
      const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
      const expected = parts.reduce((sum, [n, unit]) => sum + n * (unitMs[unit] as number), 0);
      assert.equal(parseDuration(text), expected);
    }),
  );
});

const expand = (text: string, env: Record<string, string> = {}) => {
  const result = expandVariables(text, env);
  return result.ok ? result.value : `ERROR@${result.index}`;
};

test('expansion: compose forms', () => {
  const env = { SET: 'v', EMPTY: '' };
  assert.equal(expand('${SET}', env), 'v');
  assert.equal(expand('${UNSET}', env), '');
  assert.equal(expand('a${SET}b${SET}c', env), 'avbvc');
  assert.equal(expand('${UNSET:-d}|${EMPTY:-d}|${SET:-d}', env), 'd|d|v');
  assert.equal(expand('${UNSET-d}|${EMPTY-d}|${SET-d}', env), 'd||v');
  assert.equal(expand('${UNSET:+a}|${EMPTY:+a}|${SET:+a}', env), '||a');
  assert.equal(expand('${UNSET+a}|${EMPTY+a}|${SET+a}', env), '|a|a');
  assert.equal(expand('${SET:?x}|${EMPTY?x}', env), 'v|');
  assert.equal(expand('${UNSET:?x}', env), 'ERROR@0');
  assert.equal(expand('ab${EMPTY:?x}', env), 'ERROR@2');
  assert.equal(expand('${UNSET:-${SET}}', env), 'v', 'a default may itself hold ${...}');
  assert.equal(expand('${UNSET:-${ALSO_UNSET:-deep}}', env), 'deep');
  assert.equal(expand('${UNSET:-a}b}', env), 'ab}');
  assert.equal(expand('${UNSET:-}', env), '');
});

test('expansion: $$ is a literal $, a lone $ and bare $NAME stay as written', () => {
  assert.equal(expand('$$'), '$');
  assert.equal(expand('$${SET}', { SET: 'v' }), '${SET}');
  assert.equal(expand('$$$$'), '$$');
  assert.equal(expand('cost: 5$'), 'cost: 5$');
  assert.equal(expand('^ready$'), '^ready$');
  assert.equal(expand('$HOME and $1', { HOME: '/root' }), '$HOME and $1');
});

test('expansion errors: the index of the offending ${', () => {
  assert.equal(expand('abc ${X'), 'ERROR@4');
  assert.equal(expand('${X:-${Y}'), 'ERROR@0');
  assert.equal(expand('x ${}'), 'ERROR@2');
  assert.equal(expand('${1X}'), 'ERROR@0');
  assert.equal(expand('${X#y}'), 'ERROR@0');
  assert.equal(expand('${X:-${}}'), 'ERROR@5');
});

test('expansion (property): text without $ is unchanged; $$ doubling round-trips any text', () => {
  const env = { A: 'x' };
  fc.assert(
    fc.property(fc.string().filter((s) => !s.includes('$')), (text) => {
      assert.equal(expand(text, env), text);
    }),
  );
  fc.assert(
    fc.property(fc.string(), (text) => {
      // Escaping every $ as $$ is how a user writes any literal text.
      assert.equal(expand(text.replaceAll('$', () => '$$'), env), text);
    }),
  );
});

test('expansion (property): ${NAME} is replaced by the value, whatever the value holds', () => {
  const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/);
  fc.assert(
    fc.property(name, fc.string(), fc.string().filter((s) => !s.includes('$')), (key, value, around) => {
      assert.equal(expand(`${around}\${${key}}${around}`, { [key]: value }), `${around}${value}${around}`);
    }),
  );
});

test('"did you mean": typos, other spellings, nothing when nothing is close', () => {
  const keys = ['command', 'cwd', 'env', 'env_file', 'depends_on', 'stop_signal', 'stop_timeout', 'max_restarts'];
  assert.equal(closest('comand', keys), 'command');
  assert.equal(closest('commnad', keys), 'command');
  assert.equal(closest('dependsOn', keys), 'depends_on');
  assert.equal(closest('DEPENDS-ON', keys), 'depends_on');
  assert.equal(closest('envfile', keys), 'env_file');
  assert.equal(closest('stop_timout', keys), 'stop_timeout');
  assert.equal(closest('enf', keys), 'env');
  assert.equal(closest('image', keys), undefined);
  assert.equal(closest('x', keys), undefined);
});

const node = (name: string, ...deps: string[]): DependencyNode => ({
  name,
  dependsOn: deps.map((d) => ({ name: d, condition: 'started' })),
  hasReadyProbe: false,
  restart: 'no',
});

test('cycles: each loop named once from its first service in file order', () => {
  assert.deepEqual(findCycles([node('a', 'b'), node('b', 'a')]), [['a', 'b', 'a']]);
  assert.deepEqual(findCycles([node('a', 'a')]), [['a', 'a']]);
  assert.deepEqual(findCycles([node('x'), node('c', 'a'), node('a', 'b'), node('b', 'c')]), [['c', 'a', 'b', 'c']]);
  assert.deepEqual(
    findCycles([node('a', 'b'), node('b', 'a'), node('c', 'd'), node('d', 'c', 'a')]).sort(),
    [
      ['a', 'b', 'a'],
      ['c', 'd', 'c'],
    ],
  );
  assert.deepEqual(findCycles([node('a', 'b', 'c'), node('b', 'c'), node('c'), node('d', 'nope')]), []);
});

test('waves: a service runs one wave after its latest dependency', () => {
  assert.deepEqual(startWaves([node('a'), node('b'), node('c')]), [['a', 'b', 'c']]);
  assert.deepEqual(startWaves([node('top', 'mid', 'low'), node('mid', 'low'), node('low'), node('solo')]), [['low', 'solo'], ['mid'], ['top']]);
});

test('waves (property): every dependency is in an earlier wave, every service in exactly one', () => {
  // Random acyclic graphs: a service may depend only on services before it in a hidden order.
  const graph = fc.integer({ min: 1, max: 12 }).chain((n) =>
    fc.tuple(fc.constant(n), fc.array(fc.array(fc.nat({ max: n - 1 }), { maxLength: 3 }), { minLength: n, maxLength: n }), fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n })),
  );
  fc.assert(
    fc.property(graph, ([n, deps, fileOrder]) => {
      const nodes = fileOrder.map((i) => node(`s${i}`, ...(deps[i] ?? []).filter((d) => d < i).map((d) => `s${d}`)));
      const waves = startWaves(nodes);
      const waveOf = new Map(waves.flatMap((w, k) => w.map((name) => [name, k] as const)));
      assert.equal(waveOf.size, n);
      assert.equal(waves.flat().length, n);
      for (const s of nodes) for (const d of s.dependsOn) assert.ok((waveOf.get(d.name) as number) < (waveOf.get(s.name) as number));
      assert.deepEqual(findCycles(nodes), []);
    }),
  );
});
