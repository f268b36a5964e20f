// The system calls a PID 1 needs and Node.js does not expose, in one typed place.
//
// Node's child_process lets libuv wait only for the children libuv spawned, so an
// init written on it leaves re-parented orphans as zombies. Everything here goes
// through koffi (a maintained FFI with prebuilt binaries) straight to glibc. The
// bindings are created on first use so that `usher --help` never pays for them.
import { constants as osConstants } from 'node:os';
import { createRequire } from 'node:module';

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
  posix_spawn_file_actions_addtcsetpgrp_np: Fn | undefined;
  sigemptyset: Fn;
  sigfillset: Fn;
  waitpid: Fn;
  waitid: Fn;
  kill: Fn;
  prctl: Fn;
  getpgid: Fn;
  getsid: Fn;
  tcgetpgrp: Fn;
  tcsetpgrp: Fn;
  strerror: Fn;
  pipe2: Fn;
}

// glibc x86_64/aarch64 sizes, rounded up generously: the structures are opaque and
// only ever initialised by glibc itself, so a larger buffer is always safe.
const SPAWNATTR_BYTES = 512;
const FILE_ACTIONS_BYTES = 256;
const SIGSET_BYTES = 128;

export const POSIX_SPAWN_SETPGROUP = 0x02;
export const POSIX_SPAWN_SETSIGDEF = 0x04;
export const POSIX_SPAWN_SETSIGMASK = 0x08;
export const POSIX_SPAWN_SETSID = 0x80;

const WNOHANG = 1;
const WEXITED = 4;
const WNOWAIT = 0x01000000;
const P_ALL = 0;
const SIGINFO_BYTES = 128;
const PR_SET_PDEATHSIG = 1;
const PR_SET_CHILD_SUBREAPER = 36;

export const ERRNO = osConstants.errno;

let bindings: Bindings | undefined;

function libc(): Bindings {
  if (bindings) return bindings;
  const require = createRequire(import.meta.url);
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const koffi = require('koffi') as typeof import('koffi');
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
    // glibc >= 2.35 only; without it the terminal hand-over is done from the parent.
    posix_spawn_file_actions_addtcsetpgrp_np: optional(
      'int posix_spawn_file_actions_addtcsetpgrp_np(void *fa, int tcfd)',
    ),
    sigemptyset: lib.func('int sigemptyset(void *set)'),
    sigfillset: lib.func('int sigfillset(void *set)'),
    // A plain pointer filled through a reused Int32Array: a third of the cost of
    // koffi's _Out_ array marshalling, and reaping is the init's hot path.
    waitpid: lib.func('int waitpid(int pid, int *status, int options)'),
    waitid: lib.func('int waitid(int idtype, int id, void *infop, int options)'),
    kill: lib.func('int kill(int pid, int sig)'),
    prctl: lib.func('int prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)'),
    getpgid: lib.func('int getpgid(int pid)'),
    getsid: lib.func('int getsid(int pid)'),
    tcgetpgrp: lib.func('int tcgetpgrp(int fd)'),
    tcsetpgrp: lib.func('int tcsetpgrp(int fd, int pgrp)'),
    strerror: lib.func('const char *strerror(int errnum)'),
    pipe2: lib.func('int pipe2(int *fds, int flags)'),
  };
  return bindings;
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
  /** Descriptors the child inherits as they are (always at least 0, 1 and 2). */
  inheritFds: readonly number[];
  /** Descriptors of usher's to install as the child's 0, 1 or 2 instead of usher's own (e.g. a pipe's write end). */
  stdio?: StdioRedirect;
}

export interface StdioRedirect {
  stdin?: number;
  stdout?: number;
  stderr?: number;
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
    for (const fd of request.inheritFds) c.posix_spawn_file_actions_adddup2(actions, redirected(request.stdio, fd) ?? fd, fd);
    c.sigfillset(allSignals);
    // sigfillset leaves out glibc's internal signals 32 and 33, and glibc's spawn
    // then sets them to SIG_IGN in the child, which survives exec. Set their bits
    // by hand (sigaddset refuses them) so the child starts with all defaults.
    allSignals[3] = (allSignals[3] as number) | 0x80;
    allSignals[4] = (allSignals[4] as number) | 0x01;
    c.sigemptyset(noSignals);
    let flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
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
    const rc: number = c.posix_spawnp(pid, request.file, actions, attr, [...request.argv, null], [...request.env, null]);
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

function redirected(stdio: StdioRedirect | undefined, fd: number): number | undefined {
  if (fd === 0) return stdio?.stdin;
  if (fd === 1) return stdio?.stdout;
  if (fd === 2) return stdio?.stderr;
  return undefined;
}

const O_CLOEXEC = 0o2000000;

/**
 * A pipe whose both ends are close-on-exec, so no child inherits them by
 * accident; a child gets the write end only through SpawnRequest.stdio (dup2
 * clears the flag on the copy). The caller closes the ends it gave away.
 */
export function openPipe(): { read: number; write: number } {
  const c = libc();
  const fds = new Int32Array(2);
  if (c.pipe2(fds, O_CLOEXEC) !== 0) throw new SystemCallError('pipe2', c.errno());
  return { read: fds[0] as number, write: fds[1] as number };
}

export interface ReapedChild {
  pid: number;
  /** Raw wait status as waitpid(2) reports it. */
  status: number;
}

const waitStatus = new Int32Array(1);

/** One non-blocking waitpid(-1); undefined when nothing (more) is waiting to be reaped. */
export function reapOne(): ReapedChild | undefined {
  const c = libc();
  for (;;) {
    const pid: number = c.waitpid(-1, waitStatus, WNOHANG);
    if (pid > 0) return { pid, status: waitStatus[0] as number };
    if (pid === 0) return undefined;
    const errno = c.errno();
    if (errno === ERRNO.EINTR) continue;
    if (errno === ERRNO.ECHILD) return undefined;
    throw new SystemCallError('waitpid', errno);
  }
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
