// What kind of program PID 1 is: a shell, a package manager, a known init, or
// the app itself. Each kind fails to stop in its own way, and each has its own
// fix. What runs decides, not the name it was started by: the executable the
// kernel ran (/proc/PID/exe) and, for an interpreter, the script it runs, so
// `node …/build/bin/usher.cjs` is usher and a tini copied to /init is tini.
import { readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export type Pid1Kind = 'shell' | 'package-manager' | 'init' | 'app';

/** How an init passes the stop signal on: to the child's whole process group, or to the direct child only. */
export type Forwarding = 'group' | 'single-child' | 'unknown';

export interface Pid1Class {
  kind: Pid1Kind;
  /** The program's name: sh, npm, tini, node... */
  name: string;
  /** For inits: where the stop signal goes. */
  forwarding?: Forwarding;
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'busybox']);
const PACKAGE_MANAGERS = new Map([
  ['npm', 'npm'], ['npm-cli.js', 'npm'], ['npx', 'npm'], ['npx-cli.js', 'npm'],
  ['yarn', 'yarn'], ['yarn.js', 'yarn'], ['yarn.cjs', 'yarn'], ['yarnpkg', 'yarn'],
  ['pnpm', 'pnpm'], ['pnpm.cjs', 'pnpm'], ['pnpm.js', 'pnpm'], ['pnpx', 'pnpm'],
]);
const INITS = new Map([
  ['usher', 'usher'], ['usher.cjs', 'usher'], ['tini', 'tini'], ['tini-static', 'tini'], ['docker-init', 'tini'],
  ['dumb-init', 'dumb-init'], ['catatonit', 'catatonit'], ['s6-svscan', 's6-svscan'], ['supervisord', 'supervisord'],
]);
const INTERPRETERS = new Set(['node', 'nodejs', 'bun', 'deno']);
/** Interpreters whose script can be an init (supervisord is Python). */
const SCRIPT_RUNNERS = /^(node|nodejs|bun|deno|python[\d.]*|pypy[\d.]*)$/;

/** What a process runs, as the kernel knows it: its executable, and the script an interpreter runs. */
export interface Program {
  /** Real path of /proc/PID/exe. */
  exe?: string;
  /** Real path of the script an interpreter runs (its first argument that is not an option). */
  script?: string;
}

export function programOf(pid: number, argv: readonly string[] = argvOf(pid)): Program {
  const out: Program = {};
  try {
    out.exe = readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return out; // gone, or a kernel thread
  }
  if (SCRIPT_RUNNERS.test(basename(out.exe))) {
    const script = argv.slice(1).find((a) => !a.startsWith('-'));
    if (script) {
      try {
        // Relative to the process's own working directory, through its root (a container's /).
        const cwd = readlinkSync(`/proc/${pid}/cwd`);
        out.script = realpathSync(join(`/proc/${pid}/root`, resolve(cwd, script))).replace(new RegExp(`^/proc/${pid}/root`), '');
      } catch {
        // not a file (an inline -e script), or not readable from here
      }
    }
  }
  return out;
}

/** Whether a script is usher's own entry (its bin, or a bundle of its build), in any install layout. */
function isUsherScript(script: string): boolean {
  for (let dir = dirname(script); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const name = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name;
      // bin/ carries a package.json of its own ({"type": ...}) without a name: keep looking up.
      if (name === undefined) continue;
      const inside = script.slice(dir.length + 1);
      return name === 'usher-init' && (inside === 'bin/usher' || /^build\/(bin|single)\/usher[\w.-]*\.c?js$/.test(inside));
    } catch {
      // no package.json here
    }
  }
  return false;
}

/** The init a program is, by what runs; undefined for anything else. */
function initByProgram(program: Program): string | undefined {
  if (program.script && isUsherScript(program.script)) return 'usher';
  if (program.script) return INITS.get(basename(program.script));
  return program.exe ? INITS.get(basename(program.exe)) : undefined;
}

/** classifyPid1 for a live process, by what it runs. */
export function classifyProcess(pid: number): Pid1Class {
  const argv = argvOf(pid);
  return classifyPid1(argv, environOf(pid), programOf(pid, argv));
}

/** argv of a process from /proc/PID/cmdline; empty when it is gone or a kernel thread. */
/**
 * PID 1 is usher with its drain on: it waits for what was re-parented to it
 * before it exits, so one of those that vanishes with it was reaped by it a
 * moment before, not killed with it.
 */
export function drainsOrphans(pid1: number, pid1Class: Pid1Class): boolean {
  if (pid1Class.kind !== 'init' || pid1Class.name !== 'usher') return false;
  const argv = argvOf(pid1);
  return !argv.some((a, i) => a === '--drain-timeout=0' || (a === '--drain-timeout' && argv[i + 1] === '0'));
}

export function argvOf(pid: number): string[] {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const args = raw.split('\0');
    // A rewritten title is padded with NULs.
    while (args.length > 0 && args[args.length - 1] === '') args.pop();
    // A program that rewrote its title (npm sets "npm start") leaves one word with spaces.
    if (args.length === 1) return (args[0] as string).split(' ').filter(Boolean);
    return args;
  } catch {
    return [];
  }
}

export function environOf(pid: number): Map<string, string> {
  const env = new Map<string, string>();
  try {
    for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
      const eq = entry.indexOf('=');
      if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
    }
  } catch {
    // gone, or not ours to read
  }
  return env;
}

export function classifyPid1(argv: readonly string[], env: ReadonlyMap<string, string> = new Map(), running: Program = {}): Pid1Class {
  const first = basename(argv[0] ?? '');
  const byProgram = initByProgram(running);
  if (byProgram) {
    // Options follow the interpreter's script, or the executable's argv[0].
    const script = running.script ? argv.slice(1).findIndex((a) => !a.startsWith('-')) : -1;
    const rest = argv.slice(script >= 0 ? script + 2 : 1);
    // usher installed as dumb-init or tini takes that tool's options and defaults.
    const invokedAs = INITS.get(basename(script >= 0 ? (argv[script + 1] as string) : first));
    const personality = byProgram === 'usher' && (invokedAs === 'dumb-init' || invokedAs === 'tini') ? invokedAs : byProgram;
    return { kind: 'init', name: byProgram, forwarding: forwardingOf(personality, rest, env) };
  }
  // An interpreter runs the real program: `node /usr/bin/npm start`, `node .../bin/usher -- app`.
  let program = first;
  let rest = argv.slice(1);
  if (INTERPRETERS.has(first)) {
    const script = argv.slice(1).findIndex((a) => !a.startsWith('-'));
    if (script >= 0) {
      const name = basename(argv[script + 1] as string);
      if (PACKAGE_MANAGERS.has(name) || INITS.has(name)) {
        program = name;
        rest = argv.slice(script + 2);
      }
    }
  }
  if (SHELLS.has(program)) return { kind: 'shell', name: program };
  const pm = PACKAGE_MANAGERS.get(program);
  if (pm) return { kind: 'package-manager', name: pm };
  const init = INITS.get(program);
  if (init) return { kind: 'init', name: init, forwarding: forwardingOf(init, rest, env) };
  return { kind: 'app', name: program || '?' };
}

/** The options before the command (`--` or the first word that is not an option ends them). */
function optionsOf(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    if (a === '--' || !a.startsWith('-')) break;
    out.push(a);
  }
  return out;
}

function hasShort(options: readonly string[], letter: string): boolean {
  return options.some((o) => !o.startsWith('--') && o.slice(1).includes(letter));
}

function forwardingOf(init: string, args: readonly string[], env: ReadonlyMap<string, string>): Forwarding {
  const options = optionsOf(args);
  switch (init) {
    case 'usher':
    case 'dumb-init':
      if (hasShort(options, 'c') || options.includes('--single-child') || env.get('DUMB_INIT_SETSID') === '0') return 'single-child';
      return 'group';
    case 'tini':
      return hasShort(options, 'g') || env.has('TINI_KILL_PROCESS_GROUP') ? 'group' : 'single-child';
    case 'catatonit':
      return hasShort(options, 'g') ? 'group' : 'single-child';
    default:
      return 'unknown';
  }
}
