// Generators (fast-check) of the files `usher run` reads, for the stress
// fuzzers of test/stress/: usher.yaml near its schema, mutated and hostile
// (alias bombs, deep nesting, huge lines, nested ${...}, thousands of
// services), binary junk, Procfiles and env files; and the checks that what
// usher says about a file it refuses stays well formed.
//
// Big inputs are built from small generated parameters (a depth, a length),
// never as generated strings of a million characters: fast, and a failure
// shrinks to the smallest size that still fails.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { USHER } from './pid1.js';

/** Files of one case, written into a fresh directory: `main` is given to -f. */
export interface FileCase {
  /** What kind of input it is, for the figures and failure messages. */
  kind: string;
  main: string;
  files: Record<string, string | Uint8Array>;
  /** usher's environment, for ${VAR}. */
  env: Record<string, string>;
}

/** usher's own environment in the cases: set, empty and unset variables. */
const ENVIRONMENTS: Record<string, string>[] = [{}, { A: 'x', B: '', PORT: '8080' }, { A: '${B}', B: '$$' }];

/** The bigger the size, the bigger the hostile inputs (up to past the 1 MiB file limit). */
export interface Sizes {
  /** Nesting depth of lists, maps, ${...}. */
  depth: number;
  /** Characters of one line. */
  line: number;
  /** Services in one file. */
  services: number;
}

export const SHORT_SIZES: Sizes = { depth: 3_000, line: 200_000, services: 1_500 };
export const FULL_SIZES: Sizes = { depth: 200_000, line: 1_100_000, services: 40_000 };

// --- env files --------------------------------------------------------------

export const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/** Names as env files write them, near misses included. */
export const envKey = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.]{0,11}$/) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'export', 'PATH', 'LISTEN_FDS', 'a.b') },
);

/** Any text but NUL (a NUL byte refuses the whole file, which the junk cases cover). */
export const envValue = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 2, arbitrary: fc.constantFrom('', ' ', '#', ' # not a comment?', 'a #b', 'a#b', '"', "'", '\\', '\\n', '$A', '${A}', '=', 'a=b', '\t', '\r', '\u2028', '\u2029', '\u0085', '\uFEFF', 'é', '🙂', 'x'.repeat(300)) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom('a', ' ', '\t', '"', "'", '\\', '#', '$', '{', '}', '\n', '\r', '=', 'é'), { maxLength: 16 }).map((cs) => cs.join('')) },
).map((v) => v.replace(/\0/g, ''));

export type EnvStyle = 'plain' | 'single' | 'double';

/** How each style writes `value`, or undefined when that style cannot hold it. */
export function writeEnvValue(value: string, style: EnvStyle): string | undefined {
  if (style === 'double') {
    const escaped = value.replace(/[\\"\n\r\t$]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', $: '\\$' })[c] as string);
    return `"${escaped}"`;
  }
  if (style === 'single') return /['\n]/.test(value) || /\r$/.test(value) ? undefined : `'${value}'`;
  // Plain: what compose reads back as written: no surrounding space, no quote first, no ' #' comment, one line.
  if (value !== value.trim() || /^['"]/.test(value) || /\s#/.test(value) || /[\n]/.test(value) || /\r$/.test(value)) return undefined;
  return value;
}

export interface EnvModel {
  text: string;
  /** What the file means: the last assignment of each name wins (first position kept). */
  vars: Map<string, string>;
}

/** A valid env file and what it means, in every syntax env files allow: export, quotes, comments, CRLF. */
export const envFileModel: fc.Arbitrary<EnvModel> = fc
  .record({
    entries: fc.array(
      fc.record({
        key: envKey,
        value: envValue,
        style: fc.constantFrom<EnvStyle>('plain', 'single', 'double', 'double'),
        exported: fc.boolean(),
        before: fc.constantFrom('', '', ' ', '\t'),
        around: fc.constantFrom(['', ''], ['', ''], [' ', ' '], ['\t', ''], ['', '  ']),
        after: fc.constantFrom('', '', ' ', ' # a comment', '\t#c'),
      }),
      { maxLength: 12 },
    ),
    noise: fc.array(fc.constantFrom('', '   ', '# comment', '  # indented comment', '#KEY=not a variable', '\t'), { maxLength: 4 }),
    crlf: fc.boolean(),
  })
  .map(({ entries, noise, crlf }) => {
    // Entries in order, with the noise lines spread among them.
    const lines: { text: string; key?: string; value?: string }[] = noise.map((text) => ({ text }));
    for (const [i, e] of entries.entries()) {
      const written = writeEnvValue(e.value, e.style) ?? (writeEnvValue(e.value, 'double') as string);
      // A comment after a plain value needs the space before its '#'; after an empty one it would be the value (as compose reads it).
      const after = written === e.value && (e.value === '' || !/^\s/.test(e.after)) ? '' : e.after;
      const text = `${e.before}${e.exported ? 'export ' : ''}${e.key}${e.around[0]}=${e.around[1]}${written}${after}`;
      const at = Math.min(lines.length, i + (e.key.length % (noise.length + 1)));
      const lastEntry = lines.reduce((last, l, j) => (l.key !== undefined ? j : last), -1);
      lines.splice(Math.max(at, lastEntry + 1), 0, { text, key: e.key, value: e.value });
    }
    const vars = new Map<string, string>();
    for (const l of lines) if (l.key !== undefined) vars.set(l.key, l.value as string);
    const text = lines.map((l) => l.text).join(crlf ? '\r\n' : '\n');
    return { text: text + (lines.length > 0 ? (crlf ? '\r\n' : '\n') : ''), vars };
  });

/** A file's content, printed in a failure report by its start and size. */
export interface Content {
  content: string | Uint8Array;
}

function shownContent(content: string | Uint8Array): string {
  const text = typeof content === 'string' ? content : `<${content.length} bytes> ${Buffer.from(content.subarray(0, 300)).toString('latin1')}`;
  return JSON.stringify(text.length > 600 ? `${text.slice(0, 600)}... (${text.length} characters)` : text);
}

/** Any text as an env file: near-misses of KEY=VALUE lines, junk, huge lines. */
export function envFile(sizes: Sizes): fc.Arbitrary<Content> {
  return envFileText(sizes).map((content) => Object.defineProperty({ content }, fc.toStringMethod, { value: () => shownContent(content), enumerable: false }));
}

function envFileText(sizes: Sizes): fc.Arbitrary<string | Uint8Array> {
  const line = fc.oneof(
    { weight: 4, arbitrary: envFileModel.map((m) => m.text.replace(/\n$/, '')) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 2, arbitrary: fc.array(fc.constantFrom('A', '=', ' ', 'export', '"', "'", '\\', '#', '$', '{', '}', '\t', '\r', '1', '.', '-'), { maxLength: 20 }).map((cs) => cs.join('')) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('A=', 'A="', "A='", 'export ', ' ', 'A', '#', '='), fc.nat(sizes.line), fc.constantFrom('x', ' ', '"', '=', 'A')).map(([head, n, c]) => head + c.repeat(n)) },
  );
  return fc.oneof(
    { weight: 8, arbitrary: fc.array(line, { maxLength: 12 }).map((ls) => ls.join('\n')) },
    { weight: 1, arbitrary: junk(sizes) },
  );
}

// --- usher.yaml ---------------------------------------------------------------

const SERVICE_KEYS = ['command', 'cwd', 'env', 'env_file', 'user', 'depends_on', 'ready', 'live', 'restart', 'max_restarts', 'stable_after', 'backoff', 'stop_signal', 'stop_timeout', 'signal_group', 'critical', 'disabled', 'replicas', 'comand', 'x-y'];
const PROBE_KEYS = ['tcp', 'http', 'exec', 'log', 'delay', 'notify', 'watchdog', 'interval', 'timeout', 'failures'];
const NAMES = ['a', 'b', 'web', 'db', 'bad name', 'usher', 'A-1.b_c', 'x'.repeat(64), 'é', '-a', 'a\nb', '1'];
/** Env files a case may name: generated ones, and what a path can name besides a regular file. */
const ENV_FILES = ['a.env', 'b.env', 'missing.env', '.', '/dev/null', '/dev/zero', '/proc/self/environ', '/proc/self/status', 'a.env/x'];

const hostileText = fc.constantFrom(
  '${A}', '${A:-${B:-x}}', '${A:?need A}', '${', '${}', '${A', '$$', '$${A}', '${A-}', '${A:+y}', '${1}', '${A:x}',
  '\0', 'a\0b', 'a\nb', '\r', '\u2028', '\x1b[31mred', '\x7f', '\t', '\uFEFF', '🙂', '"', "'", '\\',
  '#', ': ', '- ', '&x', '*x', '!!binary', '!!str', '<<', '~', 'null', 'NaN', '.inf', '0x1F', '1e400', '-0',
  '10s', '500ms', '1m', '1h', '576h', '577h', '99999999h', '1.5s', ' 3s ', '1m30s', '0', '0s',
  'SIGTERM', 'TERM', 'SIGKILL', 'SIGRTMIN', '15', '0', '64', 'ready', 'started', 'completed', 'always', 'on-failure', 'no',
  'http://127.0.0.1:1/', 'http://[::1', 'https://x', 'ftp://x', '127.0.0.1:0', ':80', 'localhost:65536',
  '(a+)+$', '(?i)ready', '\\', '[', '(?<=x)', 'a{1000000}', '.*.*.*.*.*x',
  'root', '0', '0:0', '4242', 'nobody:nogroup', 'a:b:c', '1000:1000',
);

function scalar(sizes: Sizes): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: hostileText },
    { weight: 2, arbitrary: fc.oneof(fc.integer({ min: -5, max: 70_000 }), fc.constantFrom(2 ** 31, 2 ** 53, -1, 1e300, 0.5, 86_400 * 25)) },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 10 }) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('x', ' ', '$', '${A}', 'é'), fc.nat(Math.min(sizes.line, 200_000))).map(([c, n]) => c.repeat(n)) },
  );
}

function serviceValue(sizes: Sizes): fc.Arbitrary<unknown> {
  const s = scalar(sizes);
  const list = fc.array(s, { maxLength: 4 });
  const probe = fc.dictionary(fc.constantFrom(...PROBE_KEYS), fc.oneof(s, list), { maxKeys: 3 });
  const names = fc.constantFrom(...NAMES, 'A', 'B', '__proto__', 'PATH');
  return fc.dictionary(
    fc.constantFrom(...SERVICE_KEYS),
    fc.oneof(
      { weight: 4, arbitrary: s },
      { weight: 2, arbitrary: list },
      { weight: 2, arbitrary: probe },
      { weight: 1, arbitrary: fc.dictionary(names, s, { maxKeys: 3 }) },
      { weight: 1, arbitrary: fc.oneof(fc.constantFrom(...ENV_FILES), fc.array(fc.constantFrom(...ENV_FILES), { minLength: 1, maxLength: 3 })) },
      { weight: 1, arbitrary: fc.array(names, { maxLength: 3 }) },
    ),
    { maxKeys: 7 },
  );
}

/** A file whose structure is near the schema: every key usher knows and some it does not, with values near and far. */
function nearSchema(sizes: Sizes): fc.Arbitrary<string> {
  const s = scalar(sizes);
  const doc = fc.record(
    {
      grace: s,
      env: fc.oneof(s, fc.dictionary(fc.constantFrom('A', 'B', 'PATH', '__proto__', 'bad name'), s, { maxKeys: 3 })),
      include: fc.oneof(s, fc.constantFrom('a.yaml', 'missing.yaml', '*.yaml', '/dev/zero', 'usher.yaml', ['a.yaml', 'a.yaml'], '../*/*.yaml', '*')),
      health: fc.oneof(s, fc.record({ port: s, host: s }, { requiredKeys: [] })),
      services: fc.oneof({ weight: 8, arbitrary: fc.dictionary(fc.constantFrom(...NAMES), fc.oneof({ weight: 6, arbitrary: serviceValue(sizes) }, { weight: 1, arbitrary: s }), { maxKeys: 5 }) }, { weight: 1, arbitrary: s }),
      'x-defaults': serviceValue(sizes),
      bogus: s,
    },
    { requiredKeys: [] },
  );
  // Each value written once with stringify's quoting (control characters escaped), or flow style, or as a JSON document.
  return fc.tuple(doc, fc.constantFrom('block', 'flow', 'json')).map(([d, style]) =>
    style === 'json' ? JSON.stringify(d) : stringify(d, style === 'flow' ? { collectionStyle: 'flow' } : {}),
  );
}

/** A small valid file using most of the schema, the base of the mutations. */
export const VALID_FILES = [
  `grace: 25s
health: { port: 9000 }
x-common: &common
  env: { PORT: "8080", URL: "redis://127.0.0.1:\${PORT:-6379}" }
  restart: on-failure
services:
  db:
    command: ["redis-server", "--port", "6379"]
    ready: { tcp: 6379 }
  migrate:
    command: npm run migrate
    depends_on: { db: ready }
  web:
    <<: *common
    command: ["node", "server.js"]
    env_file: a.env
    depends_on: { db: ready, migrate: completed }
    ready: { http: "http://127.0.0.1:8080/ready", interval: 500ms, timeout: 60s }
    live: { exec: "test -e /tmp/ok", interval: 5s, failures: 3 }
    backoff: { initial: 1s, max: 30s }
    stop_signal: SIGTERM
    stop_timeout: 10s
    critical: true
`,
  `services:
  a:
    command: sleep 1000
    ready: { log: "listening on (\\\\d+)" }
  b:
    command:
      - /bin/sh
      - -c
      - 'echo "\${A:-none}"'
    depends_on: [a]
    user: "0:0"
    cwd: .
`,
];

/** Files the schema accepts, with any text in commands and env values: the path through to a config. */
const valid: fc.Arbitrary<string> = (() => {
  const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom('${A}', '${A:-d}', '${UNSET-x}', '$$HOME', '$PATH', 'a b', "it's", 'é🙂', '${A:+${B:-z}}'));
  const duration = fc.oneof(fc.constantFrom('10s', '500ms', '1m', '1h', '1m30s', '576h', '0s', ' 2s '), fc.integer({ min: 0, max: 3600 }), fc.double({ min: 0, max: 1000, noNaN: true }));
  const probe = fc.record({ kind: fc.constantFrom('tcp', 'http', 'exec', 'log', 'delay'), interval: fc.option(duration, { nil: undefined }), timeout: fc.option(duration, { nil: undefined }) }).map(({ kind, interval, timeout }) => ({
    ...{ tcp: { tcp: 6379 }, http: { http: 'http://127.0.0.1:8080/' }, exec: { exec: ['true'] }, log: { log: 'listening on (\\d+)' }, delay: { delay: '1s' } }[kind],
    ...(interval !== undefined ? { interval } : {}),
    ...(timeout !== undefined ? { timeout } : {}),
  }));
  const service = fc.record(
    {
      command: fc.oneof(text.filter((t) => t.trim() !== ''), fc.array(text, { minLength: 1, maxLength: 4 })),
      env: fc.dictionary(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/), fc.oneof(text, fc.integer(), fc.boolean()), { maxKeys: 4 }),
      env_file: fc.constantFrom('b.env', ['b.env', 'b.env']),
      restart: fc.constantFrom('no', 'on-failure', 'always'),
      max_restarts: fc.nat(10),
      backoff: fc.record({ initial: fc.constantFrom('1s', '100ms'), max: fc.constantFrom('30s', '1m') }),
      stop_signal: fc.constantFrom('SIGTERM', 'INT', 'SIGQUIT', 15, 'HUP', 'SIGUSR1'),
      stop_timeout: duration,
      critical: fc.boolean(),
      ready: probe,
      live: probe,
      user: fc.constantFrom(0, '0', '0:0', 4242, '4242:4242', '${UID:-0}'),
      replicas: fc.integer({ min: 1, max: 5 }),
      disabled: fc.boolean(),
      signal_group: fc.boolean(),
      stable_after: duration,
    },
    { requiredKeys: ['command'] },
  );
  return fc
    .record({
      grace: fc.option(duration, { nil: undefined }),
      env: fc.option(fc.dictionary(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/), text, { maxKeys: 3 }), { nil: undefined }),
      services: fc.array(service, { minLength: 1, maxLength: 5 }),
      deps: fc.array(fc.nat(), { maxLength: 5 }),
    })
    .map(({ grace, env, services, deps }) => {
      const named: Record<string, unknown> = {};
      services.forEach((svc, i) => {
        // Dependencies only on services before it: no cycle; 'started' needs nothing of the dependency.
        const on = deps.filter((d) => i > 0 && d % (i + 1) < i).map((d) => `s${d % (i + 1)}`);
        named[`s${i}`] = { ...svc, ...(on.length > 0 ? { depends_on: [...new Set(on)] } : {}) };
      });
      return stringify({ ...(grace !== undefined ? { grace } : {}), ...(env !== undefined ? { env } : {}), services: named });
    });
})();

const YAML_TOKENS = ['\n', ' ', '  ', ':', ': ', '- ', '-', '[', ']', '{', '}', ',', '"', "'", '&a', '*a', '<<: *common', '!', '!!map ', '|', '>', '#', '%YAML 1.1\n', '---\n', '...\n', '?', '@', '`', '\t', '\0', '\\', '${', '}', 'services', 'command', 'x'];

/** A valid file with a few random edits: inserted YAML tokens, deleted or swapped lines. */
const mutated: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...VALID_FILES),
    fc.array(fc.record({ at: fc.nat(), op: fc.constantFrom('insert', 'delete', 'duplicate line', 'drop line'), token: fc.constantFrom(...YAML_TOKENS), length: fc.integer({ min: 1, max: 8 }) }), { minLength: 1, maxLength: 6 }),
  )
  .map(([base, edits]) => {
    let text = base;
    for (const e of edits) {
      const at = e.at % (text.length + 1);
      if (e.op === 'insert') text = text.slice(0, at) + e.token + text.slice(at);
      else if (e.op === 'delete') text = text.slice(0, at) + text.slice(at + e.length);
      else {
        const lines = text.split('\n');
        const i = e.at % lines.length;
        if (e.op === 'drop line') lines.splice(i, 1);
        else lines.splice(i, 0, lines[i] as string);
        text = lines.join('\n');
      }
    }
    return text;
  });

/** Inputs built to exhaust the parser or the checks, each at a generated size; `files` beside the main one. */
function hostile(sizes: Sizes): fc.Arbitrary<{ kind: string; text: string; files?: Record<string, string> }> {
  const depth = fc.integer({ min: 1, max: sizes.depth });
  const count = fc.integer({ min: 1, max: sizes.services });
  const length = fc.integer({ min: 1, max: sizes.line });
  return fc.oneof(
    // "Billion laughs": each level an anchored list of the previous one, times `width`.
    fc.record({ levels: fc.integer({ min: 1, max: 16 }), width: fc.integer({ min: 1, max: 16 }), merge: fc.boolean(), where: fc.constantFrom('services', 'command', 'env') }).map(({ levels, width, merge, where }) => {
      const lines = merge ? ['l0: &l0 {a: x}'] : ['l0: &l0 [x, x]'];
      for (let i = 1; i < levels; i++) {
        const refs = Array.from({ length: width }, () => `*l${i - 1}`).join(', ');
        lines.push(merge ? `l${i}: &l${i} {<<: [${refs}], k${i}: [${refs}]}` : `l${i}: &l${i} [${refs}]`);
      }
      const last = `*l${levels - 1}`;
      const use = where === 'services' ? `services: ${last}` : where === 'command' ? `services: {a: {command: ${last}}}` : `services: {a: {command: x, env: ${last}}}`;
      return { kind: 'alias bomb', text: `x-bomb:\n${lines.map((l) => `  ${l}`).join('\n')}\n${use}\n` };
    }),
    // Deep nesting, flow and block.
    fc.record({ depth, style: fc.constantFrom('[', '{a: ', '- ', 'block map', '${A:-'), at: fc.constantFrom('services', 'command', 'env') }).map(({ depth: d, style, at }) => {
      let value: string;
      if (style === '[') value = '['.repeat(d) + ']'.repeat(d);
      else if (style === '{a: ') value = '{a: '.repeat(d) + '1' + '}'.repeat(d);
      else if (style === '${A:-') value = JSON.stringify('${A:-'.repeat(d) + 'x' + '}'.repeat(d));
      else if (style === '- ') value = `\n${'- '.repeat(Math.min(d, 300_000))}x`;
      else value = '\n' + Array.from({ length: Math.min(d, 1400) }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n') + ' x';
      const text = at === 'services' ? `services: ${value}\n` : at === 'command' ? `services:\n  a:\n    command: ${value}\n` : `services:\n  a:\n    command: x\n    env:\n      A: ${value}\n`;
      return { kind: `deep nesting (${style.trim()})`, text };
    }),
    // One huge line: a value, a key, a comment, a flow list of arguments.
    fc.record({ length, where: fc.constantFrom('command', 'key', 'comment', 'arguments', 'name', 'spaces', 'env') }).map(({ length: n, where }) => {
      const texts: Record<string, () => string> = {
        command: () => `services:\n  a:\n    command: ${'x'.repeat(n)}\n`,
        key: () => `services:\n  a:\n    command: x\n    ${'k'.repeat(n)}: 1\n`,
        comment: () => `services:\n  a:\n    command: x # ${'#'.repeat(n)}\n`,
        arguments: () => `services:\n  a:\n    command: [${'a,'.repeat(Math.ceil(n / 2))}a]\n`,
        name: () => `services:\n  ${'n'.repeat(n)}:\n    command: x\n    depends_on: [${'m'.repeat(n)}]\n`,
        spaces: () => `services:\n  a:\n    command: "a${' '.repeat(n)}b"\n    ready: { log: "${'a'.repeat(Math.min(n, 10_000))}" }\n`,
        env: () => `services:\n  a:\n    command: x\n    env: {A: ${'v'.repeat(n)}}\n`,
      };
      return { kind: `huge line (${where})`, text: (texts[where] as () => string)() };
    }),
    // include: a pattern of many * beside a file name that nearly matches; a file that includes itself; includes many levels deep.
    fc.record({ stars: fc.integer({ min: 1, max: 60 }), name: fc.integer({ min: 1, max: 200 }), shape: fc.constantFrom('glob', 'self', 'chain', 'fan') }).map(({ stars, name, shape }) => {
      const service = 'services:\n  a:\n    command: x\n';
      if (shape === 'glob') return { kind: 'include (glob)', text: `include: "${'a*'.repeat(stars)}b.yaml"\n${service}`, files: { [`${'a'.repeat(name)}.yaml`]: 'services: {b: {command: y}}\n' } };
      if (shape === 'self') return { kind: 'include (itself)', text: `include: [usher.yaml, usher.yml, other.yaml]\n${service}` };
      const files: Record<string, string> = {};
      for (let i = 0; i < stars; i++) files[`i${i}.yaml`] = shape === 'chain' ? `include: i${i + 1}.yaml\n` : `include: "i*.yaml"\n`;
      return { kind: `include (${shape})`, text: `include: i0.yaml\n${service}`, files };
    }),
    // Many services: a dependency chain, unknown dependencies, one big cycle, all wrong at once.
    fc.record({ n: count, shape: fc.constantFrom('chain', 'unknown', 'cycle', 'wrong', 'everyone') }).map(({ n, shape }) => {
      const lines = ['services:'];
      for (let i = 0; i < n; i++) {
        const deps =
          shape === 'chain' ? (i > 0 ? `, depends_on: [s${i - 1}]` : '')
          : shape === 'unknown' ? `, depends_on: [q${i}]`
          : shape === 'cycle' ? `, depends_on: [s${(i + 1) % n}]`
          : shape === 'everyone' ? `, depends_on: [${Array.from({ length: Math.min(n, 60) }, (_, j) => `s${j}`).join(', ')}]`
          : ', restart: sometimes';
        lines.push(`  s${i}: {command: x${deps}}`);
      }
      return { kind: `many services (${shape})`, text: lines.join('\n') + '\n' };
    }),
  );
}

/** Binary junk: random bytes, text that is not UTF-8, an executable-like blob, YAML-ish noise. */
export function junk(sizes: Sizes): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 3000 }),
    fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(sizes.line)).map(([unit, n]) => {
      const out = new Uint8Array(Math.max(unit.length, n));
      for (let i = 0; i < out.length; i++) out[i] = unit[i % unit.length] as number;
      return out;
    }),
    fc.array(fc.constantFrom(...'services:\n  a:\n    command: [\0\x01\xff"\'{}-&*!|>%@`#'.split('')), { maxLength: 3000 }).map((cs) => Uint8Array.from(Buffer.from(cs.join(''), 'latin1'))),
    // Valid UTF-8 up to a point, then a byte that is not.
    fc.tuple(fc.constantFrom(...VALID_FILES), fc.nat(), fc.constantFrom(0x80, 0xc3, 0xff, 0xfe, 0xed)).map(([text, at, byte]) => {
      const bytes = Buffer.from(text);
      bytes[at % bytes.length] = byte;
      return Uint8Array.from(bytes);
    }),
  );
}

/** A Procfile: valid entries, near misses, huge lines (with and without a colon). */
function procfile(sizes: Sizes): fc.Arbitrary<string> {
  const line = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...NAMES, 'web', 'worker'), fc.constantFrom(': ', ':', ' : ', ':\t'), fc.oneof(hostileText, fc.constantFrom('node server.js', 'sleep 1', ''))).map((p) => p.join('')) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
    { weight: 1, arbitrary: fc.constantFrom('# comment', '', '   ', ':', 'a:', ': x', 'a b: c', 'web: x\r') },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('a', 'web:', 'web: ', ' ', '#'), fc.constantFrom(' ', 'x', ':', '\t'), fc.nat(sizes.line), fc.constantFrom('', 'b', ':')).map(([head, c, n, tail]) => head + c.repeat(n) + tail) },
    { weight: 1, arbitrary: fc.nat(Math.min(sizes.services * 4, 200_000)).map((n) => Array.from({ length: n }, (_, i) => `p${i}: sleep ${i}`).join('\n')) },
  );
  return fc.array(line, { maxLength: 8 }).map((ls) => ls.join('\n') + '\n');
}

/** The case in a failure report: each file's start and size, not a megabyte of it. */
export function describeCase(c: FileCase): string {
  const shown = Object.entries(c.files).map(([name, content]) => `  ${name}: ${shownContent(content)}`);
  return `${c.kind}: -f ${c.main}, environment ${JSON.stringify(c.env)}\n${shown.join('\n')}`;
}

/** What fast-check prints for a case that failed. */
function printable(c: FileCase): FileCase {
  return Object.defineProperty(c, fc.toStringMethod, { value: () => describeCase(c), enumerable: false });
}

/** A case for `usher run -f`: what usher.yaml, a Procfile or an env file can hold. */
export function fileCase(sizes: Sizes): fc.Arbitrary<FileCase> {
  return anyFileCase(sizes).map(printable);
}

function anyFileCase(sizes: Sizes): fc.Arbitrary<FileCase> {
  const envFiles = fc.record({ 'a.env': envFileText(sizes), 'b.env': envFileModel.map((m) => m.text) });
  const env = fc.constantFrom(...ENVIRONMENTS);
  const yamlCase = (kind: string, text: fc.Arbitrary<string | Uint8Array>) =>
    fc.record({ text, files: envFiles, env, name: fc.constantFrom('usher.yaml', 'usher.yml', 'other.yaml') }).map(
      ({ text: t, files, env: e, name }): FileCase => ({ kind, main: name, files: { ...files, [name]: t }, env: e }),
    );
  return fc.oneof(
    { weight: 4, arbitrary: yamlCase('valid file', valid) },
    { weight: 6, arbitrary: yamlCase('near the schema', nearSchema(sizes)) },
    { weight: 4, arbitrary: yamlCase('mutated valid file', mutated) },
    { weight: 3, arbitrary: hostile(sizes).chain((h) => yamlCase(h.kind, fc.constant(h.text)).map((c) => ({ ...c, files: { ...h.files, ...c.files } }))) },
    { weight: 2, arbitrary: yamlCase('binary junk', junk(sizes)) },
    { weight: 1, arbitrary: yamlCase('random text', fc.string({ unit: 'binary', maxLength: 300 })) },
    // A Procfile, and the .env beside it that foreman reads (PORT and variables).
    {
      weight: 2,
      arbitrary: fc
        .record({ text: procfile(sizes), env, dotenv: fc.option(envFileText(sizes), { nil: undefined }) })
        .map(({ text, env: e, dotenv }): FileCase => ({ kind: 'Procfile', main: 'Procfile', files: { Procfile: text, ...(dotenv !== undefined ? { '.env': dotenv } : {}) }, env: e })),
    },
  );
}

// --- what usher says about a file ---------------------------------------------

/** The longest line usher may print about a file: values are quoted cut short, lists of names capped. */
export const MAX_PROBLEM_LINE = 1000;

/**
 * Every line of a refusal (ConfigError.format(), or `usher run --check`'s
 * stderr without its last line) is `FILE:LINE:COL: message` or `FILE:
 * message` (the file as a whole), or the count of those not shown; one line
 * each, no control characters, no stack trace, bounded length, positions
 * inside the file named. Returns what is wrong, or undefined.
 */
export function malformedProblemLines(text: string, files: Record<string, string | Uint8Array>): string | undefined {
  const lines = text.split('\n');
  if (lines.length > 101) return `${lines.length} lines of problems (at most 100 and a count)`;
  for (const line of lines) {
    if (line.length > MAX_PROBLEM_LINE) return `a line of ${line.length} characters: ${line.slice(0, 200)}...`;
    // C0 (a tab aside) and C1 controls, Unicode line separators, bidirectional overrides: what could forge or hide a line.
    if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(line)) return `a control character in ${JSON.stringify(line.slice(0, 300))}`;
    if (/^\s+at /.test(line)) return `a stack trace: ${line}`;
    if (/^\.\.\. and \d+ more problem\(s\) not shown; fix these first \(is it the right file\?\)$/.test(line)) continue;
    const m = /^(.+?)(?::(\d+):(\d+))?: (.+)$/.exec(line);
    if (!m) return `not FILE:LINE:COL: message: ${JSON.stringify(line.slice(0, 300))}`;
    const [, file, lineNo, col] = m as unknown as [string, string, string | undefined, string | undefined];
    if (lineNo !== undefined) {
      const content = files[file] ?? files[file.replace(/^\.\//, '')];
      if (Number(lineNo) < 1 || Number(col) < 1) return `position ${lineNo}:${col} in ${line.slice(0, 300)}`;
      if (content !== undefined) {
        const count = (typeof content === 'string' ? content : Buffer.from(content).toString('utf8')).split('\n').length;
        if (Number(lineNo) > count + 1) return `line ${lineNo} of a file of ${count} lines: ${line.slice(0, 300)}`;
      }
    }
  }
  return undefined;
}

// --- usher run --check as a real process ---------------------------------------

/** Longer than any file within the limits takes on a loaded 2-core machine: past it, usher hangs. */
export const CHECK_HANG_MS = 60_000;

export interface CheckOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  hung: boolean;
}

/** `usher run --check -f MAIN` in a fresh directory holding the case's files, with the case's environment. */
export async function runCheck(c: FileCase): Promise<CheckOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'usher-fuzz-check-'));
  try {
    for (const [name, content] of Object.entries(c.files)) writeFileSync(join(dir, name), content);
    return await new Promise((resolve) => {
      const started = performance.now();
      const child = spawn(USHER, ['run', '--check', '-f', c.main], { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...c.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let hung = false;
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => {
        hung = true;
        child.kill('SIGKILL');
      }, CHECK_HANG_MS);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr, ms: performance.now() - started, hung });
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface CheckRun {
  kind: string;
  code: number;
  ms: number;
}

/**
 * What `usher run --check` may do with any file: exit 0 (valid, the start
 * order on stdout) or 2 (every problem on stderr, one line each, then
 * "nothing was started"), within CHECK_HANG_MS, never a stack trace or a
 * Node warning. Throws with the case when it does not.
 */
export function checkRun(r: CheckOutcome, c: FileCase): CheckRun {
  const what = () =>
    `usher run --check: exit ${r.code ?? r.signal}${r.hung ? ' (killed: no answer within 60 s)' : ''} after ${r.ms.toFixed(0)} ms, on ${describeCase(c)}\n` +
    `stdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 4000)}`;
  assert.ok(!r.hung, `a hang: ${what()}`);
  assert.ok(r.code === 0 || r.code === 2, `an exit code --check does not document: ${what()}`);
  assert.doesNotMatch(r.stderr + r.stdout, /^\s+at .*:\d+:\d+\)?$/m, `a stack trace: ${what()}`);
  assert.doesNotMatch(r.stderr, /^\(node:\d+\)|Warning:/m, `a Node warning: ${what()}`);
  if (r.code === 0) {
    // The loader's warnings (an unset ${VAR}) only, each one usher event line at FILE:LINE:COL.
    const notWarnings = r.stderr.split('\n').filter((l) => l !== '' && !/^usher \| \S+:\d+:\d+: /.test(l));
    assert.deepEqual(notWarnings, [], `valid, yet something other than warnings on stderr: ${what()}`);
    assert.match(r.stdout, /: valid, \d+ service\(s\)\. Start order:\n/, `valid, yet no start order: ${what()}`);
  } else {
    assert.match(r.stderr, /\nusher run: nothing was started\.\n$/, `refused, yet not "nothing was started": ${what()}`);
    const problems = r.stderr.replace(/\nusher run: nothing was started\.\n$/, '');
    const wrong = malformedProblemLines(problems, c.files);
    assert.equal(wrong, undefined, `${wrong}: ${what()}`);
  }
  return { kind: c.kind, code: r.code as number, ms: r.ms };
}
