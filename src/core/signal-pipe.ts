// Every signal usher listens for arrives through here, because of how Node
// delivers them: libuv's handler writes a 16-byte message per caught signal
// into one pipe per event loop, and the loop reads it later. When the loop
// falls behind (a storm of signals from a service, on a busy machine) and that
// pipe is full, libuv drops the signal without a trace. With the kernel's
// default 64 KiB pipe that is after 4096 signals; a SIGTERM dropped there is a
// container SIGKILLed at the end of its grace period, a SIGCHLD dropped there a
// child nobody reaps. Two answers:
// - libuv's pipe is enlarged to the system's limit (fs.pipe-max-size, 1 MiB
//   by default: 65536 signals) when the first listener is installed;
// - a listener that finds the pipe more than half full knows the loop fell
//   behind far enough that signals may have been dropped: until the pipe is
//   drained, each signal runs the catch-up hooks (the reaper's waitpid pass),
//   so that a SIGCHLD lost in the storm is made good. Only then: a reaping
//   pass after every signal would reap a child its SIGCHLD has not yet been
//   narrated for (dumb-init's and tini's logs put that SIGCHLD first).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { enlargePipe, unreadBytes } from './libc.js';

const catchUps = new Set<() => void>();
let pipeProbed = false;
let signalPipe: { fd: number; capacity: number } | undefined;
let behind = false;

/** process.on(name, listener), with the storm catch-up after it (above). Returns the function that removes it. */
export function onSignal(name: NodeJS.Signals, listener: () => void): () => void {
  const wrapped = () => {
    listener();
    if (signalPipe && catchUps.size > 0) catchUpIfBehind(signalPipe);
  };
  if (!pipeProbed) {
    pipeProbed = true;
    const fd = findSignalPipe();
    if (fd !== undefined) signalPipe = { fd, capacity: enlargePipe(fd, pipeMaxSize()) };
  }
  process.on(name, wrapped);
  return () => {
    process.off(name, wrapped);
  };
}

function catchUpIfBehind(pipe: { fd: number; capacity: number }): void {
  const backlog = unreadBytes(pipe.fd);
  if (backlog > pipe.capacity / 2) behind = true;
  if (!behind) return;
  if (backlog <= 0) behind = false;
  for (const catchUp of catchUps) catchUp();
}

/** Runs `catchUp` after each signal received while the loop is behind on its signals (above). */
export function whileBehindOnSignals(catchUp: () => void): () => void {
  catchUps.add(catchUp);
  return () => {
    catchUps.delete(catchUp);
  };
}

/**
 * libuv's signal pipe, found by use: with a listener for SIGCHLD, a SIGCHLD
 * sent to this process runs libuv's handler in this thread before kill()
 * returns, and the one pipe whose unread bytes grew is the one. Done before
 * usher's own listeners exist: the probe's listener is gone (its libuv handle
 * closed) when the loop reads that message, so nobody sees a SIGCHLD that no
 * child sent. Undefined when it is not clear (another pipe grew at the same
 * moment): the pipe keeps its size.
 */
function findSignalPipe(): number | undefined {
  const pipes = pipeDescriptors();
  const probe = () => {};
  process.on('SIGCHLD', probe);
  try {
    const before = new Map([...pipes.keys()].map((fd) => [fd, unreadBytes(fd)]));
    process.kill(process.pid, 'SIGCHLD');
    const grew = [...pipes].filter(([fd]) => unreadBytes(fd) > (before.get(fd) ?? Infinity));
    const inodes = new Set(grew.map(([, inode]) => inode));
    return inodes.size === 1 ? grew[0]?.[0] : undefined;
  } catch {
    return undefined;
  } finally {
    process.off('SIGCHLD', probe);
  }
}

/** This process's pipe descriptors, fd -> pipe inode. */
function pipeDescriptors(): Map<number, string> {
  const pipes = new Map<number, string>();
  let fds: string[];
  try {
    fds = readdirSync('/proc/self/fd');
  } catch {
    return pipes;
  }
  for (const fd of fds) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith('pipe:')) pipes.set(Number(fd), target);
    } catch {
      // the descriptor readdir itself used, already closed
    }
  }
  return pipes;
}

function pipeMaxSize(): number {
  try {
    const n = Number(readFileSync('/proc/sys/fs/pipe-max-size', 'utf8').trim());
    if (Number.isSafeInteger(n) && n > 0) return Math.min(n, 1 << 20);
  } catch {
    // no /proc/sys: the kernel's cap applies anyway
  }
  return 1 << 20;
}
