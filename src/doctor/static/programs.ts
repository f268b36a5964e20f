// What the static checks know about the programs a container may start:
// inits (and how they forward signals), exec-style wrappers, package managers,
// and servers with their own idea of a graceful stop signal.
import { basename, type ShellFlavour } from './shell-script.js';

export interface InitInfo {
  name: string;
  /** The stop signal reaches the command's whole process group (not only the direct child). */
  group: boolean;
  /** Signal rewrites FROM→TO (names without SIG), e.g. TERM→QUIT. */
  rewrites: Map<string, string>;
  /** The command the init runs (may be empty). */
  commandStart: number;
  /** usher's --stop-timeout/--stop-delay in ms, when given on the command line. */
  stopTimeoutMs?: number;
  stopDelayMs?: number;
}

const SIGNAL_NUMBERS: Record<string, string> = {
  '1': 'HUP', '2': 'INT', '3': 'QUIT', '9': 'KILL', '10': 'USR1', '12': 'USR2', '15': 'TERM', '17': 'CHLD',
  '18': 'CONT', '19': 'STOP', '20': 'TSTP', '28': 'WINCH',
};

export function signalName(text: string): string {
  const t = text.trim().toUpperCase();
  if (/^\d+$/.test(t)) return SIGNAL_NUMBERS[String(Number(t))] ?? t;
  return t.startsWith('SIG') ? t.slice(3) : t;
}

/** Seconds as `8`, `2.5`, `8s` or `500ms` (usher's own syntax), in ms; undefined if malformed. */
export function parseDurationMs(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s)?\s*$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : n * 1000);
}

type InitName = 'usher' | 'tini' | 'dumb-init' | 'catatonit' | 's6' | 'supervisor';

function initName(word: string): InitName | undefined {
  const b = basename(word);
  if (b === 'usher') return 'usher';
  if (b === 'tini' || b === 'tini-static' || /^tini-static-/.test(b)) return 'tini';
  if (b === 'dumb-init') return 'dumb-init';
  if (b === 'catatonit') return 'catatonit';
  if (word === '/init' || b === 's6-svscan') return 's6';
  if (b === 'supervisord' || b === 'runsvdir' || b === 'systemd') return 'supervisor';
  return undefined;
}

/** Options taking a value, per init. */
const VALUE_OPTIONS: Record<InitName, Set<string>> = {
  usher: new Set(['-r', '--rewrite', '-e', '--expect-exit', '-p', '--pdeath-signal', '--drain-timeout', '--stop-timeout', '--stop-delay', '--stop-signal']),
  tini: new Set(['-e', '-p']),
  'dumb-init': new Set(['-r', '--rewrite']),
  catatonit: new Set([]),
  s6: new Set([]),
  supervisor: new Set(['-c', '--configuration']),
};

/**
 * Recognises an init at argv[0] and reads its options.
 * `env` holds the image's ENV (DUMB_INIT_SETSID, TINI_KILL_PROCESS_GROUP, USHER_*).
 */
export function readInit(argv: readonly string[], env: ReadonlyMap<string, string>): InitInfo | undefined {
  const name = initName(argv[0] ?? '');
  if (!name) return undefined;
  let group = name === 'usher' || name === 'dumb-init' || name === 's6' || name === 'supervisor';
  if (name === 'dumb-init' && env.get('DUMB_INIT_SETSID') === '0') group = false;
  if (name === 'tini' && env.has('TINI_KILL_PROCESS_GROUP')) group = true;
  const info: InitInfo = { name, group, rewrites: new Map(), commandStart: argv.length };
  if (name === 'usher') {
    const t = env.get('USHER_STOP_TIMEOUT');
    const d = env.get('USHER_STOP_DELAY');
    if (t) info.stopTimeoutMs = parseDurationMs(t);
    if (d) info.stopDelayMs = parseDurationMs(d);
  }
  if (name === 's6' || name === 'supervisor') {
    info.commandStart = argv.length; // s6-overlay's /init runs CMD itself; supervisord runs its programs
    if (name === 's6') info.commandStart = 1;
    return info;
  }
  const values = VALUE_OPTIONS[name];
  let k = 1;
  for (; k < argv.length; k++) {
    const arg = argv[k] as string;
    if (arg === '--') {
      k++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    let option = arg;
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      option = arg.slice(0, eq);
      value = arg.slice(eq + 1);
    } else if (!arg.startsWith('--') && arg.length > 2) {
      // bundled short flags: -gv, -rTERM:QUIT
      for (let j = 1; j < arg.length; j++) {
        const letter = `-${arg[j]}`;
        if (values.has(letter)) {
          option = letter;
          value = arg.slice(j + 1) || undefined;
          break;
        }
        applyFlag(info, name, letter);
      }
      if (option === arg) continue;
    }
    if (values.has(option)) {
      if (value === undefined) value = argv[++k];
      if (value === undefined) break;
      applyValue(info, option, value);
    } else {
      applyFlag(info, name, option);
    }
  }
  info.commandStart = k;
  return info;
}

function applyFlag(info: InitInfo, name: InitName, option: string): void {
  if (option === '-g' || option === '--group') info.group = true;
  if ((option === '-c' || option === '--single-child') && name !== 'supervisor') info.group = false;
}

function applyValue(info: InitInfo, option: string, value: string): void {
  if (option === '-r' || option === '--rewrite') {
    const [from, to] = value.split(':');
    if (from && to !== undefined) info.rewrites.set(signalName(from), signalName(to));
  } else if (option === '--stop-timeout') {
    info.stopTimeoutMs = parseDurationMs(value);
  } else if (option === '--stop-delay') {
    info.stopDelayMs = parseDurationMs(value);
  }
}

/**
 * Programs that exec the rest of their arguments (same PID): how many
 * arguments of their own to skip.
 */
export function execWrapperArgs(argv: readonly string[]): number | undefined {
  const b = basename(argv[0] ?? '');
  if (b === 'exec') return 1;
  if (b === 'env') {
    let k = 1;
    while (k < argv.length) {
      const a = argv[k] as string;
      if (a === '-u' || a === '--unset' || a === '-C' || a === '--chdir') k += 2;
      else if (a.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) k++;
      else break;
    }
    return k;
  }
  if (b === 'gosu' || b === 'su-exec' || b === 's6-setuidgid' || b === 'setuidgid') return 2;
  if (b === 'chpst' || b === 'setpriv' || b === 'nice' || b === 'ionice' || b === 'taskset' || b === 'stdbuf') {
    let k = 1;
    while (k < argv.length && (argv[k] as string).startsWith('-')) {
      const a = argv[k] as string;
      // options with a separate value
      if (/^-(n|c|u|U|o|i|e|O|E)$/.test(a) || ['--reuid', '--regid', '--groups'].includes(a)) k += 2;
      else k++;
    }
    if (b === 'taskset' && k < argv.length) k++; // the CPU mask
    return k;
  }
  return undefined;
}

/** `npm start`, `yarn start`, `pnpm run build`, `npx ...`: a package manager runs the app. */
export function packageManager(argv: readonly string[]): string | undefined {
  const b = basename(argv[0] ?? '');
  const sub = argv[1];
  if (b === 'npx') return 'npx';
  if (b === 'npm' && sub !== undefined && ['start', 'run', 'run-script', 'rum', 'urn', 'test', 't', 'restart', 'exec', 'x'].includes(sub)) return 'npm';
  if (b === 'pnpm' && sub !== undefined && !['install', 'i', 'add', 'fetch'].includes(sub)) return 'pnpm';
  if (b === 'yarn' && sub !== undefined && !['install', 'add', 'global'].includes(sub)) return 'yarn';
  return undefined;
}

/** A server whose graceful stop is not on SIGTERM, or whose SIGTERM means something else. */
export interface ServerSignals {
  label: string;
  /** The signal for a graceful stop. */
  graceful: string;
  /** What other signals do to it. */
  meaning: Record<string, string>;
  /** A base image (by name) that already sets STOPSIGNAL to `graceful`. */
  image?: RegExp;
}

export const SERVERS: readonly { program: RegExp; signals: ServerSignals }[] = [
  {
    program: /^(nginx|openresty)$/,
    signals: {
      label: 'nginx',
      graceful: 'QUIT',
      meaning: { TERM: 'a fast shutdown: open connections are cut', INT: 'a fast shutdown: open connections are cut', HUP: 'a configuration reload: it never stops' },
      image: /(^|\/)(nginx|openresty|nginx-unprivileged)(:|@|$)/,
    },
  },
  {
    program: /^php-fpm[\d.]*$/,
    signals: {
      label: 'php-fpm',
      graceful: 'QUIT',
      meaning: { TERM: 'an immediate termination: requests in progress are cut', INT: 'an immediate termination: requests in progress are cut', USR2: 'a reload: it never stops' },
      image: /(^|\/)php:[^/]*fpm/,
    },
  },
  {
    program: /^(httpd|apache2|apachectl|apache2ctl|httpd-foreground|apache2-foreground)$/,
    signals: {
      label: 'Apache httpd',
      graceful: 'WINCH',
      meaning: { TERM: 'an immediate stop: requests in progress are cut', HUP: 'a restart: it never stops', USR1: 'a graceful restart: it never stops' },
      image: /(^|\/)(httpd(:|@|$)|php:[^/]*apache)/,
    },
  },
  {
    program: /^unicorn(_rails)?$/,
    signals: { label: 'unicorn', graceful: 'QUIT', meaning: { TERM: 'a quick shutdown: requests in progress are cut', INT: 'a quick shutdown: requests in progress are cut' } },
  },
  {
    program: /^(postgres|postmaster)$/,
    signals: {
      label: 'PostgreSQL',
      graceful: 'INT',
      meaning: { TERM: 'a "smart" shutdown that waits for every client to disconnect, usually past the grace period' },
      image: /(^|\/)postgres(:|@|$)/,
    },
  },
];

export function serverFor(argv: readonly string[]): ServerSignals | undefined {
  const b = basename(argv[0] ?? '');
  return SERVERS.find((s) => s.program.test(b))?.signals;
}

/** The stop signal a known base image sets, if any. */
export function baseImageStopSignal(image: string): string | undefined {
  for (const s of SERVERS) if (s.signals.image?.test(image)) return s.signals.graceful;
  return undefined;
}

/** Signals whose default action is not to terminate: a process without a handler keeps running. */
export const NON_TERMINATING = new Set(['CHLD', 'CONT', 'URG', 'WINCH', 'STOP', 'TSTP', 'TTIN', 'TTOU']);

/**
 * Programs that start children of their own and, as PID 1, leave zombies:
 * what an init would add for them. Not here: servers that reap every child
 * themselves with waitpid(-1) (sshd, nginx's and Apache's masters,
 * PostgreSQL's postmaster) and process managers (supervisord, s6, runit),
 * which are inits of their own.
 */
export function spawnsChildren(argv: readonly string[]): { name: string; why: string } | undefined {
  const b = basename(argv[0] ?? '');
  if (/^(chrom(e|ium)(-browser)?|google-chrome(-stable)?|headless_shell)$/.test(b)) {
    return { name: b, why: 'Chrome starts renderer and helper processes, and the orphans among them are left as zombies that Chrome, as PID 1, never reaps' };
  }
  if (b === 'cron' || b === 'crond') {
    return { name: b, why: 'cron runs every job as a child process: an init passes the stop signal on to the whole group, running jobs included, and reaps what the jobs leave behind' };
  }
  if (b === 'xvfb-run') return { name: b, why: 'xvfb-run is a shell script that starts Xvfb and the command as children and passes no signal on to them' };
  if (b === 'jenkins' || b === 'jenkins.sh') return { name: b, why: 'Jenkins runs builds as child processes; what a build leaves behind is re-parented to PID 1, which the JVM never reaps' };
  return undefined;
}

/** Official images whose default variant is built on Debian or Ubuntu (so /bin/sh is dash). */
const DEBIAN_IMAGES = new Set([
  'debian', 'ubuntu', 'node', 'python', 'ruby', 'golang', 'php', 'perl', 'rust', 'openjdk', 'eclipse-temurin', 'maven',
  'gradle', 'nginx', 'httpd', 'postgres', 'redis', 'mariadb', 'mongo', 'rabbitmq', 'memcached', 'wordpress', 'ghost',
  'tomcat', 'elixir', 'erlang', 'haskell', 'julia', 'r-base', 'buildpack-deps', 'pypy', 'swift', 'haproxy', 'drupal',
]);
/** Official images built on Oracle Linux or Amazon Linux (/bin/sh is bash). */
const RED_HAT_IMAGES = new Set(['mysql', 'amazoncorretto', 'oraclelinux', 'amazonlinux', 'fedora', 'centos', 'rockylinux', 'almalinux']);

/**
 * What /bin/sh is in an image, from its name: BusyBox ash (Alpine,
 * BusyBox), bash (the Red Hat family), dash (Debian, Ubuntu and the official
 * images built on them); undefined when the name does not say.
 */
export function imageShell(image: string): ShellFlavour | undefined {
  const ref = image.trim().toLowerCase();
  if (ref === '' || ref.includes('$')) return undefined;
  if (/alpine|busybox/.test(ref)) return 'busybox';
  if (/(^|\/)(ubi\d*|ubi-\w+|centos|fedora|rhel\w*|rockylinux|almalinux|amazonlinux|oraclelinux)(:|@|$|\/|-)/.test(ref)) return 'bash';
  const at = ref.split('@')[0] as string;
  const colon = at.lastIndexOf(':');
  const name = colon > at.lastIndexOf('/') ? at.slice(0, colon) : at;
  const tag = colon > at.lastIndexOf('/') ? at.slice(colon + 1) : '';
  if (/(bookworm|bullseye|buster|trixie|jammy|noble|focal|slim)/.test(tag)) return 'dash';
  if (name.startsWith('mcr.microsoft.com/dotnet/')) return 'dash';
  const official = /^(docker\.io\/)?(library\/)?([a-z0-9._-]+)$/.exec(name)?.[3];
  if (official === undefined) return undefined;
  if (DEBIAN_IMAGES.has(official)) return 'dash';
  if (RED_HAT_IMAGES.has(official)) return 'bash';
  return undefined;
}

/** Interpreters: as PID 1 they run an app whose handling of the stop signal no file shows. */
export function isInterpreter(program: string): boolean {
  return /^(node|nodejs|bun|deno|python[\d.]*|pypy3?|ruby|java|php[\d.]*|perl|dotnet|elixir|erl|Rscript|julia)$/.test(basename(program));
}

/** Programs that install no handler for the stop signal: as PID 1 the kernel drops it. */
export function handlesNoSignal(program: string): boolean {
  return /^(tail|sleep|cat)$/.test(basename(program));
}
