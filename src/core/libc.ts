// The system calls a PID 1 needs and Node.js does not expose, in one typed place.
//
// Node's child_process lets libuv wait only for the children libuv spawned, so an
// init written on it leaves re-parented orphans as zombies. Everything here goes
// through koffi (a maintained FFI with prebuilt binaries) straight to glibc. The
// bindings are created on first use so that `usher --help` never pays for them.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

type Fn = (...args: any[]) => any;

interface Bindings {
  errno: () => number;
  posix_spawnp: Fn;
  posix_spawnattr_init: Fn;
  posix_spawnattr_destroy: Fn;
  posix_spawnattr_setflags: Fn;
  posix_spawnattr_setsigdefault: Fn;
  posix_spawnattr_setsigmask: Fn;
  posix_spawnattr_setpgroup: Fn;
  posix_spawn_file_actions_init: Fn;
  posix_spawn_file_actions_destroy: Fn;
  posix_spawn_file_actions_adddup2: Fn;
  posix_spawn_file_actions_addopen: Fn;
  posix_spawn_file_actions_addclose: Fn;
  posix_spawn_file_actions_addtcsetpgrp_np: Fn | undefined;
  posix_spawn_file_actions_addchdir_np: Fn | undefined;
  posix_spawn_file_actions_addclosefrom_np: Fn | undefined;
  pipe2: Fn;
  fcntl: Fn;
  setgroups: Fn;
  getgroups: Fn;
  setresuid: Fn;
  setresgid: Fn;
  geteuid: Fn;
  getsockopt: Fn;
  sigemptyset: Fn;
  sigfillset: Fn;
  waitpid: Fn;
  waitid: Fn;
  kill: Fn;
  prctl: Fn;
  prctlGet: Fn;
  ioctlInt: Fn;
  getpgid: Fn;
  getsid: Fn;
  tcgetpgrp: Fn;
  tcsetpgrp: Fn;
  strerror: Fn;
  strsignal: Fn;
  ioctl: Fn;
  mount: Fn;
  umount2: Fn;
  socket: Fn;
  bind: Fn;
  setsockopt: Fn;
  recvmsg: Fn;
  getpid: Fn;
  /** koffi's own helpers for the native buffer recvmsg fills (receiveDatagram). */
  alloc: (type: string, length: number) => unknown;
  address: (pointer: unknown) => bigint;
  view: (pointer: unknown, length: number) => ArrayBuffer;
}

// glibc x86_64/aarch64 sizes, rounded up generously: the structures are opaque and
// only ever initialised by glibc itself, so a larger buffer is always safe.
const SPAWNATTR_BYTES = 512;
const FILE_ACTIONS_BYTES = 256;
const SIGSET_BYTES = 128;

export const POSIX_SPAWN_RESETIDS = 0x01;
export const POSIX_SPAWN_SETPGROUP = 0x02;
export const POSIX_SPAWN_SETSIGDEF = 0x04;
export const POSIX_SPAWN_SETSIGMASK = 0x08;
export const POSIX_SPAWN_SETSID = 0x80;

const O_RDONLY = 0;
const O_WRONLY = 1;
const O_CLOEXEC = 0o2000000;
const F_SETPIPE_SZ = 1031;
const F_GETPIPE_SZ = 1032;
const WNOHANG = 1;
const O_RDWR = 2;
const WEXITED = 4;
const WNOWAIT = 0x01000000;
const P_ALL = 0;
const SIGINFO_BYTES = 128;
const PR_SET_PDEATHSIG = 1;
const PR_SET_CHILD_SUBREAPER = 36;
const PR_GET_CHILD_SUBREAPER = 37;
const TIOCNOTTY = 0x5422;

export const ERRNO = osConstants.errno;

let bindings: Bindings | undefined;
let koffiModule: Koffi | undefined;

function libc(): Bindings {
  if (bindings) return bindings;
  const koffi = (koffiModule ??= loadKoffi());
  const lib = koffi.load('libc.so.6');
  const optional = (decl: string): Fn | undefined => {
    try {
      return lib.func(decl);
    } catch {
      return undefined;
    }
  };
  bindings = {
    errno: () => koffi.errno(),
    posix_spawnp: lib.func(
      'int posix_spawnp(_Out_ int *pid, const char *file, void *file_actions, void *attrp, const char **argv, const char **envp)',
    ),
    posix_spawnattr_init: lib.func('int posix_spawnattr_init(void *attr)'),
    posix_spawnattr_destroy: lib.func('int posix_spawnattr_destroy(void *attr)'),
    posix_spawnattr_setflags: lib.func('int posix_spawnattr_setflags(void *attr, short flags)'),
    posix_spawnattr_setsigdefault: lib.func('int posix_spawnattr_setsigdefault(void *attr, void *sigset)'),
    posix_spawnattr_setsigmask: lib.func('int posix_spawnattr_setsigmask(void *attr, void *sigset)'),
    posix_spawnattr_setpgroup: lib.func('int posix_spawnattr_setpgroup(void *attr, int pgroup)'),
    posix_spawn_file_actions_init: lib.func('int posix_spawn_file_actions_init(void *fa)'),
    posix_spawn_file_actions_destroy: lib.func('int posix_spawn_file_actions_destroy(void *fa)'),
    posix_spawn_file_actions_adddup2: lib.func('int posix_spawn_file_actions_adddup2(void *fa, int fd, int newfd)'),
    posix_spawn_file_actions_addopen: lib.func(
      'int posix_spawn_file_actions_addopen(void *fa, int fd, const char *path, int oflag, unsigned int mode)',
    ),
    posix_spawn_file_actions_addclose: lib.func('int posix_spawn_file_actions_addclose(void *fa, int fd)'),
    // glibc >= 2.35 only; without it the terminal hand-over is done from the parent.
    posix_spawn_file_actions_addtcsetpgrp_np: optional(
      'int posix_spawn_file_actions_addtcsetpgrp_np(void *fa, int tcfd)',
    ),
    // glibc >= 2.29 only; a service with `cwd:` needs it (checked when asked for).
    posix_spawn_file_actions_addchdir_np: optional('int posix_spawn_file_actions_addchdir_np(void *fa, const char *path)'),
    // glibc >= 2.34; older ones get one close action per descriptor open in usher.
    posix_spawn_file_actions_addclosefrom_np: optional('int posix_spawn_file_actions_addclosefrom_np(void *fa, int from)'),
    pipe2: lib.func('int pipe2(int *fds, int flags)'),
    fcntl: lib.func('int fcntl(int fd, int cmd, ...)'),
    setgroups: lib.func('int setgroups(size_t size, const uint32_t *list)'),
    getgroups: lib.func('int getgroups(int size, uint32_t *list)'),
    setresuid: lib.func('int setresuid(uint32_t ruid, uint32_t euid, uint32_t suid)'),
    setresgid: lib.func('int setresgid(uint32_t rgid, uint32_t egid, uint32_t sgid)'),
    geteuid: lib.func('uint32_t geteuid()'),
    getsockopt: lib.func('int getsockopt(int fd, int level, int optname, uint32_t *optval, uint32_t *optlen)'),
    sigemptyset: lib.func('int sigemptyset(void *set)'),
    sigfillset: lib.func('int sigfillset(void *set)'),
    // A plain pointer filled through a reused Int32Array: a third of the cost of
    // koffi's _Out_ array marshalling, and reaping is the init's hot path.
    waitpid: lib.func('int waitpid(int pid, int *status, int options)'),
    waitid: lib.func('int waitid(int idtype, int id, void *infop, int options)'),
    kill: lib.func('int kill(int pid, int sig)'),
    prctl: lib.func('int prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)'),
    prctlGet: lib.func('int prctl(int option, int *arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)'),
    getpgid: lib.func('int getpgid(int pid)'),
    getsid: lib.func('int getsid(int pid)'),
    tcgetpgrp: lib.func('int tcgetpgrp(int fd)'),
    tcsetpgrp: lib.func('int tcsetpgrp(int fd, int pgrp)'),
    strerror: lib.func('const char *strerror(int errnum)'),
    strsignal: lib.func('const char *strsignal(int sig)'),
    ioctl: lib.func('int ioctl(int fd, unsigned long request, unsigned long arg)'),
    ioctlInt: lib.func('int ioctl(int fd, unsigned long request, int *arg)'),
    mount: lib.func('int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const void *data)'),
    umount2: lib.func('int umount2(const char *target, int flags)'),
    socket: lib.func('int socket(int domain, int type, int protocol)'),
    bind: lib.func('int bind(int fd, const void *addr, uint32_t addrlen)'),
    setsockopt: lib.func('int setsockopt(int fd, int level, int optname, const int *optval, uint32_t optlen)'),
    recvmsg: lib.func('intptr_t recvmsg(int fd, void *msg, int flags)'),
    getpid: lib.func('int getpid()'),
    alloc: (type, length) => koffi.alloc(type, length),
    address: (pointer) => koffi.address(pointer),
    view: (pointer, length) => koffi.view(pointer, length),
  };
  return bindings;
}

type Koffi = typeof import('koffi');

let v8SetFlags: ((flags: string) => void) | undefined;

/**
 * Sets V8 flags (`--no-...`) while running. node:v8's setFlagsFromString
 * would load some 30 of Node's own modules with it (heap snapshots, streams,
 * performance hooks): 1.6 MB of PID 1's memory for one call. The node binary
 * exports V8's own V8::SetFlagsFromString for native addons, and Node leaves
 * V8's flags unfrozen so that they can be set after start; koffi, which usher
 * loads anyway, calls it directly. A node without that symbol (a build that
 * hides V8's) gets node:v8.
 */
export function setV8Flags(flags: string): void {
  v8SetFlags ??= loadV8SetFlags();
  v8SetFlags(flags);
}

/**
 * V8's memory reducer wakes every thread of an idle process about 8 s after
 * start-up to shrink a heap that is already tiny; an idle PID 1 must not wake.
 * For the modes that stay up (init, usher run), before they start anything.
 */
export function keepIdleProcessAsleep(): void {
  setV8Flags('--no-memory-reducer-for-small-heaps');
}

function loadV8SetFlags(): (flags: string) => void {
  try {
    const node = (koffiModule ??= loadKoffi()).load(null);
    const setFlags = node.func('void _ZN2v82V818SetFlagsFromStringEPKc(const char *flags)') as (flags: string) => void;
    return (flags) => setFlags(flags);
  } catch {
    const v8 = createRequire(import.meta.url)('node:v8') as typeof import('node:v8');
    return (flags) => v8.setFlagsFromString(flags);
  }
}

/**
 * koffi's native addon, opened directly. koffi's own loader (its JavaScript,
 * and reading node's ELF headers to tell glibc from musl) costs as much again
 * as opening the addon, on every container start; it adds nothing usher uses
 * (deprecation shims). Anything unexpected falls back to require('koffi'),
 * which the single-file builds answer with their own addon (koffi-resolver.ts).
 */
function loadKoffi(): Koffi {
  try {
    const flavour = process.platform === 'linux' && nodeIsMusl() ? 'musl' : process.platform;
    const relative = `@koromix/koffi-${process.platform}-${process.arch}/${flavour}_${process.arch}/koffi.node`;
    // node_modules/ as Node would search it, from here upwards (nested or hoisted installs);
    // walked by hand: Node's CommonJS resolver costs ~10 ms to warm up in an ESM process.
    for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
      const addon = join(dir, 'node_modules', relative);
      if (existsSync(addon)) {
        const koffiPackage = join(dir, 'node_modules', 'koffi', 'package.json');
        const expected = (JSON.parse(readFileSync(koffiPackage, 'utf8')) as { version?: string }).version;
        const module = { exports: {} as Koffi };
        process.dlopen(module, addon);
        if (module.exports.version === expected) return module.exports;
        break;
      }
      if (dirname(dir) === dir) break;
    }
  } catch {
    // a layout other than npm's: let koffi find itself
  }
  return createRequire(import.meta.url)('koffi') as Koffi;
}

/** Whether node runs on musl: its ELF interpreter (in the first page of the binary) names ld-musl. */
function nodeIsMusl(): boolean {
  const fd = openSync(process.execPath, 'r');
  try {
    const head = Buffer.alloc(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n).includes('/ld-musl-');
  } finally {
    closeSync(fd);
  }
}

/** An errno from a failed system call, with the call named for the message. */
export class SystemCallError extends Error {
  constructor(
    readonly call: string,
    readonly errno: number,
  ) {
    super(`${call}: ${describeErrno(errno)}`);
    this.name = 'SystemCallError';
  }
  get code(): string {
    return errnoName(this.errno);
  }
}

export function describeErrno(errno: number): string {
  return String(libc().strerror(errno));
}

export function errnoName(errno: number): string {
  for (const [name, value] of Object.entries(ERRNO)) if (value === errno) return name;
  return `errno ${errno}`;
}

export type SessionMode =
  /** Child stays in usher's session and process group. */
  | 'inherit'
  /** Child leads a new process group inside usher's session. */
  | 'new-group'
  /** Child leads a new session (and so a new process group). */
  | 'new-session';

export interface SpawnRequest {
  file: string;
  argv: readonly string[];
  env: readonly string[];
  session: SessionMode;
  /** With 'new-group': make the new group the foreground group of this terminal fd. */
  foregroundTerminalFd?: number;
  /**
   * Descriptors the child inherits as they are: 0, 1 and 2 (unless `stdio` says
   * otherwise), then any others in a row from 3 (socket activation). Every
   * other descriptor is closed in the child.
   */
  inheritFds: readonly number[];
  /** What the child gets as fd 0, 1 and 2; default: usher's own (inherited). */
  stdio?: readonly [StdioTarget, StdioTarget, StdioTarget];
  /** Working directory of the child (glibc >= 2.29). */
  cwd?: string;
  /** Run the child as this user: see spawnAsUser. */
  user?: SpawnUser;
  /**
   * With 'new-session': a terminal the child opens once it leads its session,
   * which makes it the session's controlling terminal (what dumb-init's child
   * does with TIOCSCTTY; posix_spawn runs setsid before the file actions).
   */
  controllingTerminal?: string;
}

export type StdioTarget =
  | { kind: 'inherit' }
  /** /dev/null. */
  | { kind: 'null' }
  /** This descriptor of usher's (e.g. a pipe's write end). */
  | { kind: 'fd'; fd: number };

export interface SpawnUser {
  uid: number;
  gid: number;
  /** Supplementary groups the child gets. */
  groups: readonly number[];
}

/**
 * posix_spawnp with every signal reset to its default disposition and an empty
 * signal mask in the child: Node ignores SIGPIPE and an ignored disposition
 * survives exec, which would make `yes | head` in the child spin forever.
 */
export function spawnProcess(request: SpawnRequest): number {
  const c = libc();
  const attr = Buffer.alloc(SPAWNATTR_BYTES);
  const actions = Buffer.alloc(FILE_ACTIONS_BYTES);
  const allSignals = Buffer.alloc(SIGSET_BYTES);
  const noSignals = Buffer.alloc(SIGSET_BYTES);
  c.posix_spawnattr_init(attr);
  c.posix_spawn_file_actions_init(actions);
  try {
    // Node marks every descriptor it inherited close-on-exec at start-up, stdio
    // included. dup2(fd, fd) in the child clears that flag for the ones the
    // command must get, without touching usher's own.
    const stdio = request.stdio;
    for (const fd of request.inheritFds) {
      const target = stdio && fd <= 2 ? stdio[fd] : undefined;
      if (!target || target.kind === 'inherit') c.posix_spawn_file_actions_adddup2(actions, fd, fd);
      else if (target.kind === 'null') c.posix_spawn_file_actions_addopen(actions, fd, '/dev/null', fd === 0 ? O_RDONLY : O_WRONLY, 0);
      else c.posix_spawn_file_actions_adddup2(actions, target.fd, fd);
    }
    if (request.cwd !== undefined) {
      if (!c.posix_spawn_file_actions_addchdir_np) {
        throw new Error(`cannot start a process in ${request.cwd}: this C library has no posix_spawn_file_actions_addchdir_np (glibc >= 2.29 needed)`);
      }
      c.posix_spawn_file_actions_addchdir_np(actions, request.cwd);
    }
    const firstClosed = Math.max(...request.inheritFds) + 1;
    if (request.session === 'new-session' && request.controllingTerminal !== undefined) {
      c.posix_spawn_file_actions_addopen(actions, firstClosed, request.controllingTerminal, O_RDWR, 0);
      c.posix_spawn_file_actions_addclose(actions, firstClosed);
    }
    closeTheRest(actions, firstClosed);
    c.sigfillset(allSignals);
    // sigfillset leaves out glibc's internal signals 32 and 33, and glibc's spawn
    // then sets them to SIG_IGN in the child, which survives exec. Set their bits
    // by hand (sigaddset refuses them) so the child starts with all defaults.
    allSignals[3] = (allSignals[3] as number) | 0x80;
    allSignals[4] = (allSignals[4] as number) | 0x01;
    c.sigemptyset(noSignals);
    let flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
    if (request.user) flags |= POSIX_SPAWN_RESETIDS;
    if (request.session === 'new-session') flags |= POSIX_SPAWN_SETSID;
    if (request.session === 'new-group') {
      flags |= POSIX_SPAWN_SETPGROUP;
      c.posix_spawnattr_setpgroup(attr, 0);
      if (request.foregroundTerminalFd !== undefined && c.posix_spawn_file_actions_addtcsetpgrp_np) {
        c.posix_spawn_file_actions_addtcsetpgrp_np(actions, request.foregroundTerminalFd);
      }
    }
    c.posix_spawnattr_setflags(attr, flags);
    c.posix_spawnattr_setsigdefault(attr, allSignals);
    c.posix_spawnattr_setsigmask(attr, noSignals);
    const pid = [0];
    const spawn = () => c.posix_spawnp(pid, request.file, actions, attr, [...request.argv, null], [...request.env, null]) as number;
    const rc: number = request.user ? asUser(request.user, spawn) : spawn();
    if (rc !== 0) throw new SystemCallError('posix_spawnp', rc);
    const childPid = pid[0] as number;
    if (
      request.session === 'new-group' &&
      request.foregroundTerminalFd !== undefined &&
      !c.posix_spawn_file_actions_addtcsetpgrp_np
    ) {
      // Old glibc: hand the terminal over from here; best effort, like tini.
      c.tcsetpgrp(request.foregroundTerminalFd, childPid);
    }
    return childPid;
  } finally {
    c.posix_spawn_file_actions_destroy(actions);
    c.posix_spawnattr_destroy(attr);
  }
}

/**
 * Closes, in the child, every descriptor from `first` on, after the dup2s that
 * placed the ones it gets. close-on-exec alone is not enough: Node marks what
 * usher inherited close-on-exec only up to the first gap above fd 15
 * (libuv's uv_disable_stdio_inheritance), so a descriptor usher's parent left
 * open at fd 40 would reach every child, and one library call that opens a
 * descriptor without O_CLOEXEC would hand usher's own (its epoll, its pipes,
 * the control socket) to any service. supervisord closes everything above 2
 * in its children for the same reason.
 */
function closeTheRest(actions: Buffer, first: number): void {
  const c = libc();
  if (c.posix_spawn_file_actions_addclosefrom_np) {
    c.posix_spawn_file_actions_addclosefrom_np(actions, first);
    return;
  }
  // Old glibc: what is open now, read in the same synchronous call as the
  // spawn (no JavaScript runs in between to open more).
  for (const name of readdirSync('/proc/self/fd')) {
    const fd = Number(name);
    if (fd >= first) c.posix_spawn_file_actions_addclose(actions, fd);
  }
}

const waitStatus = new Int32Array(1);

/**
 * One non-blocking waitpid(-1): the pid reaped (its raw status from
 * lastWaitStatus()), 0 when children remain but none has ended, -1 when there
 * is no child at all. Reaping is the init's hot path (thousands of orphans at
 * once), so nothing is allocated per call.
 */
export function reapOne(): number {
  const c = libc();
  for (;;) {
    const pid: number = c.waitpid(-1, waitStatus, WNOHANG);
    if (pid >= 0) return pid;
    const errno = c.errno();
    if (errno === ERRNO.EINTR) continue;
    if (errno === ERRNO.ECHILD) return -1;
    throw new SystemCallError('waitpid', errno);
  }
}

/** Raw wait status (as waitpid(2) reports it) of the last process reapOne() reaped. */
export function lastWaitStatus(): number {
  return waitStatus[0] as number;
}

const siginfo = Buffer.alloc(SIGINFO_BYTES);

/**
 * Whether this process has any child at all, running or zombie, without
 * reaping one (waitid with WNOWAIT). No child means no descendant either.
 */
export function hasChildren(): boolean {
  const c = libc();
  for (;;) {
    if (c.waitid(P_ALL, 0, siginfo, WEXITED | WNOHANG | WNOWAIT) === 0) return true;
    const errno = c.errno();
    if (errno === ERRNO.EINTR) continue;
    if (errno === ERRNO.ECHILD) return false;
    throw new SystemCallError('waitid', errno);
  }
}

/** kill(2); returns false when the target no longer exists (ESRCH). */
export function sendSignal(pid: number, signal: number): boolean {
  const c = libc();
  if (c.kill(pid, signal) === 0) return true;
  const errno = c.errno();
  if (errno === ERRNO.ESRCH) return false;
  throw new SystemCallError(`kill(${pid}, ${signal})`, errno);
}

export function setChildSubreaper(): void {
  const c = libc();
  if (c.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) !== 0) {
    throw new SystemCallError('prctl(PR_SET_CHILD_SUBREAPER)', c.errno());
  }
}

/** Whether a parent (or we) made this process a child subreaper (PR_GET_CHILD_SUBREAPER). */
export function isChildSubreaper(): boolean {
  const c = libc();
  const bit = new Int32Array(1);
  return c.prctlGet(PR_GET_CHILD_SUBREAPER, bit, 0, 0, 0) === 0 && bit[0] === 1;
}

/** glibc's description of a signal ("Terminated"), as tini prints it. */
export function describeSignal(signal: number): string {
  return String(libc().strsignal(signal));
}

/**
 * Gives up the controlling terminal on fd (ioctl TIOCNOTTY), as dumb-init does
 * before its child takes the terminal for a session of its own. Returns 0, or
 * the errno.
 */
export function detachTerminal(fd: number): number {
  const c = libc();
  return c.ioctl(fd, TIOCNOTTY, 0) === 0 ? 0 : (c.errno() as number);
}

export function setParentDeathSignal(signal: number): void {
  const c = libc();
  if (c.prctl(PR_SET_PDEATHSIG, signal, 0, 0, 0) !== 0) {
    throw new SystemCallError('prctl(PR_SET_PDEATHSIG)', c.errno());
  }
}

/** Process group of pid (0 = self); -1 when it does not exist. */
export function processGroupOf(pid: number): number {
  return libc().getpgid(pid) as number;
}

/** Session of pid (0 = self); -1 when it does not exist. */
export function sessionOf(pid: number): number {
  return libc().getsid(pid) as number;
}

/** Foreground process group of the terminal on fd, or -1 when fd is not our controlling terminal. */
export function foregroundGroupOf(fd: number): number {
  return libc().tcgetpgrp(fd) as number;
}

/** mount(2) of a pseudo file system (tracefs, proc) with no options; throws SystemCallError. */
export function mountFileSystem(type: string, target: string): void {
  const c = libc();
  if (c.mount('nodev', target, type, 0, null) !== 0) throw new SystemCallError(`mount -t ${type} ${target}`, c.errno());
}

/** umount2(2) with MNT_DETACH: the mount goes even if a file in it is still open. Returns false when it fails. */
export function unmount(target: string): boolean {
  const MNT_DETACH = 2;
  return libc().umount2(target, MNT_DETACH) === 0;
}

/** Effective user id of usher. */
export function effectiveUserId(): number {
  return libc().geteuid() as number;
}

// Linux's values on x86_64 and aarch64 (asm-generic).
const SOL_SOCKET = 1;
const SO_PEERCRED = 17;

/** Who is at the other end of a connected unix socket, as the kernel recorded it at connect() (SO_PEERCRED). */
export function peerCredentialsOf(fd: number): { pid: number; uid: number; gid: number } {
  const c = libc();
  // struct ucred { pid_t pid; uid_t uid; gid_t gid; }. Filled with -1 first: a
  // uid left at 0 by a short answer would read as root.
  const ucred = new Uint32Array(3).fill(0xffffffff);
  const length = Uint32Array.of(ucred.byteLength);
  if (c.getsockopt(fd, SOL_SOCKET, SO_PEERCRED, ucred, length) !== 0) throw new SystemCallError('getsockopt(SO_PEERCRED)', c.errno());
  if (length[0] !== ucred.byteLength) throw new Error(`getsockopt(SO_PEERCRED) answered ${length[0]} bytes, not ${ucred.byteLength}`);
  return { pid: ucred[0] as number, uid: ucred[1] as number, gid: ucred[2] as number };
}

/** A pipe whose both ends are close-on-exec; a child gets an end only through a dup2 file action. */
export function openPipe(bytes?: number): { read: number; write: number } {
  const c = libc();
  const fds = new Int32Array(2);
  if (c.pipe2(fds, O_CLOEXEC) !== 0) throw new SystemCallError('pipe2', c.errno());
  if (bytes !== undefined) {
    // Best effort: a bigger pipe means fewer round trips between a chatty
    // writer and usher; the kernel caps it (/proc/sys/fs/pipe-max-size).
    c.fcntl(fds[1], F_SETPIPE_SZ, 'int', bytes);
  }
  return { read: fds[0] as number, write: fds[1] as number };
}

/**
 * Raises a pipe's capacity to `bytes` (never lowers it), best effort: an unprivileged user over
 * its pipe quota keeps the size it had. Returns the capacity it now has, or -1.
 */
export function enlargePipe(fd: number, bytes: number): number {
  const c = libc();
  const now: number = c.fcntl(fd, F_GETPIPE_SZ);
  if (now >= 0 && now < bytes) c.fcntl(fd, F_SETPIPE_SZ, 'int', bytes);
  return c.fcntl(fd, F_GETPIPE_SZ);
}

const FIONREAD = 0x541b;
const unread = new Int32Array(1);

/** Bytes waiting to be read in a pipe or socket (FIONREAD); -1 when it cannot tell. */
export function unreadBytes(fd: number): number {
  return libc().ioctlInt(fd, FIONREAD, unread) === 0 ? (unread[0] as number) : -1;
}

function ownGroups(): Uint32Array {
  const c = libc();
  const count: number = c.getgroups(0, null);
  if (count < 0) throw new SystemCallError('getgroups', c.errno());
  const list = new Uint32Array(Math.max(count, 1));
  const got: number = c.getgroups(count, list);
  if (got < 0) throw new SystemCallError('getgroups', c.errno());
  return list.subarray(0, got);
}

/**
 * Runs `spawn` (a posix_spawn with POSIX_SPAWN_RESETIDS) with the target user's
 * ids as this process's REAL ids and its groups, then restores root at once.
 *
 * posix_spawn cannot call setuid in the child, and a multi-threaded Node process
 * must never fork. So, for the span of one synchronous spawn: the groups become
 * the target's, real uid/gid become the target's while effective and saved stay
 * 0 (so usher keeps its privileges and every other thread, which glibc switches
 * along, keeps root's file access), and RESETIDS makes the child's effective ids
 * the real ones; exec then copies them into the saved ids. No JavaScript runs in
 * the window (it is one synchronous call), so nothing else can spawn inside it.
 */
function asUser(user: SpawnUser, spawn: () => number): number {
  const c = libc();
  if ((c.geteuid() as number) !== 0) {
    throw new Error(`running a process as uid ${user.uid} needs usher to run as root`);
  }
  const saved = ownGroups();
  const groups = Uint32Array.from(user.groups.length > 0 ? user.groups : [user.gid]);
  if (c.setgroups(groups.length, groups) !== 0) throw new SystemCallError('setgroups', c.errno());
  try {
    if (c.setresgid(user.gid, 0, 0) !== 0) throw new SystemCallError('setresgid', c.errno());
    try {
      if (c.setresuid(user.uid, 0, 0) !== 0) throw new SystemCallError('setresuid', c.errno());
      try {
        return spawn();
      } finally {
        restore(c.setresuid(0, 0, 0), 'setresuid');
      }
    } finally {
      restore(c.setresgid(0, 0, 0), 'setresgid');
    }
  } finally {
    restore(c.setgroups(saved.length, saved), 'setgroups');
  }
}

function restore(rc: number, call: string): void {
  // usher cannot go on with the wrong ids: every later spawn and kill would be wrong.
  if (rc !== 0) throw new Error(`${call} failed while restoring usher's own ids (${errnoName(libc().errno())}); usher must stop`);
}

// Unix datagram sockets (the notify protocol of systemd and s6). Node has none,
// and libuv's handles refuse one (net.Socket and dgram check the descriptor's
// type), so usher reads it itself: the socket is non-blocking, and O_ASYNC
// makes the kernel send usher SIGIO when a datagram arrives (see
// core/datagram.ts). Linux's values, the same on x86_64 and aarch64.
const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const SO_PASSCRED = 16;
const SCM_CREDENTIALS = 2;
const F_GETFL = 3;
const F_SETFL = 4;
const F_SETOWN = 8;
const O_NONBLOCK = 0o4000;
const O_ASYNC = 0o20000;
const MSG_TRUNC = 0x20;
const MSG_DONTWAIT = 0x40;
const MSG_CMSG_CLOEXEC = 0x40000000;
/** sun_path's size, its final NUL included. */
const SUN_PATH_BYTES = 108;

/**
 * A unix datagram socket bound at `path` (which must not exist), non-blocking
 * and close-on-exec, that receives each sender's credentials with every
 * datagram (SO_PASSCRED). Returns the descriptor.
 */
export function openDatagramSocket(path: string): number {
  const c = libc();
  const name = Buffer.from(path);
  if (name.length >= SUN_PATH_BYTES) throw new Error(`${path} is ${name.length} bytes long; a unix socket path holds at most ${SUN_PATH_BYTES - 1}`);
  const fd: number = c.socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw new SystemCallError('socket(AF_UNIX, SOCK_DGRAM)', c.errno());
  try {
    // struct sockaddr_un { sa_family_t sun_family; char sun_path[108]; }
    const address = Buffer.alloc(2 + SUN_PATH_BYTES);
    address.writeUInt16LE(AF_UNIX, 0);
    name.copy(address, 2);
    if (c.bind(fd, address, 2 + name.length + 1) !== 0) throw new SystemCallError(`bind(${path})`, c.errno());
    if (c.setsockopt(fd, SOL_SOCKET, SO_PASSCRED, Int32Array.of(1), 4) !== 0) throw new SystemCallError('setsockopt(SO_PASSCRED)', c.errno());
    return fd;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/**
 * From now on the kernel sends this process SIGIO whenever data arrives on
 * `fd` (O_ASYNC, owner: this process). A SIGIO listener must be installed
 * first: SIGIO's default action ends the process.
 */
export function signalOnArrival(fd: number): void {
  const c = libc();
  if (c.fcntl(fd, F_SETOWN, 'int', c.getpid()) !== 0) throw new SystemCallError('fcntl(F_SETOWN)', c.errno());
  const flags: number = c.fcntl(fd, F_GETFL);
  if (flags < 0) throw new SystemCallError('fcntl(F_GETFL)', c.errno());
  if (c.fcntl(fd, F_SETFL, 'int', flags | O_NONBLOCK | O_ASYNC) !== 0) throw new SystemCallError('fcntl(F_SETFL, O_ASYNC)', c.errno());
}

export interface ReceivedDatagram {
  bytes: Buffer;
  /** Longer than DATAGRAM_CAPACITY: `bytes` holds its start only. */
  truncated: boolean;
  /** The sender as the kernel saw it (SCM_CREDENTIALS); pid 0 when unknown (another pid namespace), uid/gid -1 when missing. */
  pid: number;
  uid: number;
  gid: number;
}

/** The most of one datagram receiveDatagram returns. */
export const DATAGRAM_CAPACITY = 64 * 1024;

// One native block for every recvmsg (they run one at a time, on the main
// thread): struct msghdr, one struct iovec, the control buffer, the data.
// LP64 layout (x86_64, aarch64): msghdr is 56 bytes, iovec 16, and the control
// buffer is CMSG_SPACE(sizeof(struct ucred)) = 32: room for the credentials
// only. Descriptors a sender passes (SCM_RIGHTS, as systemd-notify's barrier
// does) do not fit, so the kernel closes them instead of handing them to usher.
const MSGHDR_AT = 0;
const IOVEC_AT = 56;
const CONTROL_AT = 72;
const CONTROL_BYTES = 32;
const DATA_AT = CONTROL_AT + CONTROL_BYTES;
let receiveBlock: { base: bigint; pointer: unknown; view: DataView; bytes: Uint8Array } | undefined;

/** One datagram from a non-blocking socket, or undefined when none is waiting. */
export function receiveDatagram(fd: number): ReceivedDatagram | undefined {
  const c = libc();
  if (!receiveBlock) {
    if (process.arch !== 'x64' && process.arch !== 'arm64') throw new Error(`receiving datagrams is implemented for x86_64 and aarch64 only, not ${process.arch}`);
    const size = DATA_AT + DATAGRAM_CAPACITY;
    const pointer = c.alloc('uint8_t', size);
    const buffer = c.view(pointer, size);
    receiveBlock = { base: c.address(pointer), pointer, view: new DataView(buffer), bytes: new Uint8Array(buffer) };
  }
  const { base, pointer, view, bytes } = receiveBlock;
  const le = true;
  view.setBigUint64(MSGHDR_AT, 0n, le); // msg_name: not wanted
  view.setUint32(MSGHDR_AT + 8, 0, le); // msg_namelen
  view.setBigUint64(MSGHDR_AT + 16, base + BigInt(IOVEC_AT), le); // msg_iov
  view.setBigUint64(MSGHDR_AT + 24, 1n, le); // msg_iovlen
  view.setBigUint64(MSGHDR_AT + 32, base + BigInt(CONTROL_AT), le); // msg_control
  view.setBigUint64(MSGHDR_AT + 40, BigInt(CONTROL_BYTES), le); // msg_controllen
  view.setInt32(MSGHDR_AT + 48, 0, le); // msg_flags
  view.setBigUint64(IOVEC_AT, base + BigInt(DATA_AT), le); // iov_base
  view.setBigUint64(IOVEC_AT + 8, BigInt(DATAGRAM_CAPACITY), le); // iov_len
  for (;;) {
    const n = Number(c.recvmsg(fd, pointer, MSG_DONTWAIT | MSG_CMSG_CLOEXEC));
    if (n < 0) {
      const errno = c.errno();
      if (errno === ERRNO.EINTR) continue;
      if (errno === ERRNO.EAGAIN || errno === ERRNO.EWOULDBLOCK) return undefined;
      throw new SystemCallError('recvmsg', errno);
    }
    const flags = view.getInt32(MSGHDR_AT + 48, le);
    const controlLength = Number(view.getBigUint64(MSGHDR_AT + 40, le));
    let sender = { pid: 0, uid: -1, gid: -1 };
    // struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; } then struct ucred { pid, uid, gid }.
    if (controlLength >= 16 + 12 && view.getInt32(CONTROL_AT + 8, le) === SOL_SOCKET && view.getInt32(CONTROL_AT + 12, le) === SCM_CREDENTIALS) {
      sender = { pid: view.getInt32(CONTROL_AT + 16, le), uid: view.getUint32(CONTROL_AT + 20, le), gid: view.getUint32(CONTROL_AT + 24, le) };
    }
    return { bytes: Buffer.from(bytes.subarray(DATA_AT, DATA_AT + Math.min(n, DATAGRAM_CAPACITY))), truncated: (flags & MSG_TRUNC) !== 0, ...sender };
  }
}
