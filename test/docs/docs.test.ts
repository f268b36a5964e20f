// The documents are tested too: every block of shown output carries a
// doc-test marker (see doc-blocks.ts) and is produced again here, by running
// what it documents, and compared with the document, timings and pids masked.
// Every usher.yaml shown is checked with `usher run --check`; every TypeScript
// snippet of the library is type-checked against the library's own types; the
// README's option table and `usher --help` name the same options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, readFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT, USHER, startPid1 } from '../helpers/pid1.js';
import { blocksOf, compareLines, markdownFiles, mask, maskDoctorTable, type Block } from './doc-blocks.js';

const blocks: Block[] = markdownFiles(ROOT).flatMap((file) => blocksOf(ROOT, file));
const inputsOf = (name: string) => blocks.filter((b) => b.marker?.name === name && b.marker.input);
const outputsOf = (name: string) => blocks.filter((b) => b.marker?.name === name && !b.marker.input);

/** A directory holding the marked input files of `name`, removed after the run. */
function withInputs<T>(name: string, run: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `usher-doc-${name}-`));
  for (const input of inputsOf(name)) writeFileSync(join(dir, input.marker?.input as string), `${input.text}\n`);
  return run(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

function usher(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  return withOutput(spawnSync(USHER, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 }));
}

function withOutput(r: { stdout: string; stderr: string }): string {
  return `${r.stdout}${r.stderr}`.replace(/\n$/, '');
}

/** `usher run` of a directory as PID 1 of a PID namespace: its output (stdout and stderr in order) from start to a stop by SIGTERM. */
async function supervisorRun(cwd: string, runningWhen: string): Promise<{ started: string; stopped: string }> {
  // Its own control socket: another usher run on the machine (another test file) may hold the default one.
  const socketDir = mkdtempSync(join(tmpdir(), 'usher-doc-socket-'));
  const ns = startPid1(['sh', '-c', 'exec "$0" run 2>&1', USHER], { bare: true, cwd, env: { ...process.env, USHER_SOCKET: join(socketDir, 'control.sock') } });
  try {
    return await stopAfter(ns, runningWhen);
  } finally {
    rmSync(socketDir, { recursive: true, force: true });
  }
}

async function stopAfter(ns: ReturnType<typeof startPid1>, runningWhen: string): Promise<{ started: string; stopped: string }> {
  await ns.stdout.waitFor(runningWhen);
  const started = ns.stdout.all.length;
  ns.signal('SIGTERM');
  const exit = await ns.exited;
  assert.equal(exit.code, 0, ns.stdout.text);
  return { started: ns.stdout.all.slice(0, started).join('\n'), stopped: ns.stdout.all.slice(started).join('\n') };
}

/** A doctor report: usher's path differs between a checkout and an install. */
const DOCTOR_MASKS: [RegExp, string][] = [[/node \S*bin\/usher(\.cjs)?/g, 'node …/bin/usher']];

const runners: Record<string, () => Promise<string | Record<string, string>>> = {
  // docs/supervisor-config.md: the example file, checked.
  'check-order': () => withInputs('check-order', async (dir) => usher(['run', '--check'], dir).replaceAll(dir, '.')),
  // docs/supervisor-config.md: every problem of a broken file in one run.
  'check-errors': () => withInputs('check-errors', async (dir) => usher(['run', '--check'], dir)),
  // docs/supervisor.md and examples/multi-process: the example's start, then docker stop.
  'supervisor-start': async () => (await multiProcess()).started,
  'supervisor-stop': async () => (await multiProcess()).stopped,
  'multi-process-run': async () => {
    const run = await multiProcess();
    return `${run.started}\n${run.stopped}`;
  },
  // docs/supervisor.md: usher ps with nobody to ask.
  // In a mount namespace with an empty /run: a usher run elsewhere on the machine holds the default socket.
  'ps-nobody': async () => withOutput(spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs tmpfs /run && exec "$0" ps', USHER], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, USHER_SOCKET: '' }, timeout: 60_000,
  })),
  // README: the founding article's case 2 under the doctor, then its fix.
  'doctor-case2': async () => doctor(['--ready', 'log:^Start', '--', './run.sh']),
  'doctor-case2-usher': async () => doctor(['--ready', 'log:^Start', '--', 'usher', '--', './run.sh']),
};

let multiProcessRun: Promise<{ started: string; stopped: string }> | undefined;
function multiProcess(): Promise<{ started: string; stopped: string }> {
  multiProcessRun ??= supervisorRun(join(ROOT, 'examples/multi-process'), 'worker | Start');
  return multiProcessRun;
}

async function doctor(args: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'usher-doc-doctor-'));
  try {
    for (const f of ['run.sh', 'seed-app.mjs']) copyFileSync(join(ROOT, 'test/fixtures', f), join(dir, f));
    spawnSync('chmod', ['+x', join(dir, 'run.sh')]);
    const r = spawnSync(USHER, ['doctor', ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${join(ROOT, 'bin')}:${process.env.PATH ?? ''}` },
      timeout: 120_000,
    });
    // The report is stdout; the command's own output (stderr) is not part of it.
    return maskDoctorTable(`$ usher doctor ${args.map((a) => (/[\s^$]/.test(a) ? `'${a}'` : a)).join(' ')}\n${r.stdout}`.replace(/\n+$/, ''));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Output that is shown without a marker is output nobody checks. */
const LOOKS_LIKE_OUTPUT = /^(\$ usher|usher +\| |usher(\.yaml)?:\d|usher [a-z]+: |(forced|graceful) (after|in) )/m;

test('every block of shown usher output has a doc-test marker', () => {
  const unmarked = blocks.filter((b) => !b.marker && b.lang !== 'console' && LOOKS_LIKE_OUTPUT.test(b.text));
  assert.deepEqual(
    unmarked.map((b) => `${b.file}:${b.line}`),
    [],
    'these blocks show usher output but no test produces it: add <!-- doc-test: NAME --> above each and a runner in test/docs/docs.test.ts',
  );
});

test('every doc-test marker has a runner, and every runner a block', () => {
  const named = new Set(blocks.flatMap((b) => (b.marker ? [b.marker.name] : [])));
  // fragment: a piece of a merged config (-f a -f b, include:), tested whole by test/supervisor/config-merge.test.ts.
  assert.deepEqual([...named].filter((n) => !(n in runners) && n !== 'fragment'), [], 'markers without a runner');
  assert.deepEqual(Object.keys(runners).filter((n) => outputsOf(n).length === 0), [], 'runners whose output no document shows');
});

for (const name of Object.keys(runners)) {
  test(`documented output: ${name}`, { timeout: 180_000 }, async () => {
    const actual = await (runners[name] as () => Promise<string>)();
    for (const block of outputsOf(name)) {
      const masks = name.startsWith('doctor') ? DOCTOR_MASKS : [];
      const shown = name.startsWith('doctor') ? maskDoctorTable(block.text) : block.text;
      const problem = compareLines(mask(shown, masks), mask(String(actual), masks));
      assert.equal(problem, undefined, `${block.file}:${block.line}: ${problem}`);
    }
  });
}

test('every usher.yaml shown in the documents passes usher run --check', () => {
  // Inputs of a doc-test (a file with mistakes, on purpose) are checked by their runner.
  const configs = blocks.filter((b) => b.lang === 'yaml' && /^services:/m.test(b.text) && !b.marker);
  assert.ok(configs.length >= 4, `expected several usher.yaml examples, found ${configs.length}`);
  for (const block of configs) {
    const dir = mkdtempSync(join(tmpdir(), 'usher-doc-yaml-'));
    try {
      writeFileSync(join(dir, 'usher.yaml'), `${block.text}\n`);
      const r = spawnSync(USHER, ['run', '--check'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, `${block.file}:${block.line}: usher run --check failed:\n${r.stdout}${r.stderr}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('every TypeScript snippet of the library type-checks against its types', () => {
  const snippets = blocks.filter((b) => b.lang === 'ts' && b.text.includes('usher-init/shutdown') && b.marker?.name !== 'fragment');
  assert.ok(snippets.length >= 2, `expected library snippets, found ${snippets.length}`);
  // Names a snippet uses without defining: the reader's own app.
  const outside: Record<string, string> = {
    app: 'declare const app: any;',
    db: 'declare const db: { close(): Promise<void> };',
    server: 'declare const server: import("node:http").Server;',
    connectDatabase: 'declare function connectDatabase(): Promise<{ close(): Promise<void> }>;',
  };
  const defines = (text: string, name: string) =>
    new RegExp(`\\b(const|let|var|function|class)\\s+${name}\\b|\\bimport\\s+${name}\\b|\\bimport\\s*\\{[^}]*\\b${name}\\b`).test(text);
  const preludeFor = (text: string) =>
    Object.entries(outside)
      .filter(([name]) => !defines(text, name))
      .map(([, declaration]) => declaration)
      .join(' ');
  const files = new Map<string, string>();
  snippets.forEach((b, i) => files.set(join(ROOT, `doc-snippet-${i}.ts`), `${preludeFor(b.text)}\n${b.text}\nexport {};\n`));
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'],
    skipLibCheck: true,
    paths: { 'usher-init/shutdown': [join(ROOT, 'build/src/shutdown/index.d.ts')] },
    baseUrl: ROOT,
  };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (f) => files.get(f) ?? read(f);
  const exists = host.fileExists.bind(host);
  host.fileExists = (f) => files.has(f) || exists(f);
  const program = ts.createProgram([...files.keys()], options, host);
  const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.file && files.has(d.file.fileName));
  const where = (d: ts.Diagnostic) => {
    const index = Number(/doc-snippet-(\d+)/.exec(d.file?.fileName ?? '')?.[1]);
    const block = snippets[index] as Block;
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line - 1 : 0;
    return `${block.file}:${block.line + 1 + line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  };
  assert.deepEqual(errors.map(where), [], 'documented snippets that do not compile against usher-init/shutdown');
});

test("the README's option table and usher --help name the same options", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const usage = readme.slice(readme.indexOf('## Usage'), readme.indexOf('### Timeouts'));
  const inTable = new Set([...usage.matchAll(/^\| (`-[^|]+)\|/gm)].flatMap((m) => [...(m[1] as string).matchAll(/`(-{1,2}[a-z-]+)/gi)].map((o) => o[1] as string)));
  const help = usher(['--help'], ROOT);
  const inHelp = new Set([...help.matchAll(/^ {2}(-[^ ].*?)(?: {2,}|$)/gm)].flatMap((m) => [...(m[1] as string).matchAll(/(-{1,2}[a-z][a-z-]*)/gi)].map((o) => o[1] as string)));
  assert.deepEqual([...inHelp].filter((o) => !inTable.has(o)).sort(), [], 'in usher --help but not in the README table');
  assert.deepEqual([...inTable].filter((o) => !inHelp.has(o)).sort(), [], 'in the README table but not in usher --help');
});
