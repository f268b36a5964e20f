// Where the child goes: which session and process group, and who owns the terminal.
import { readlinkSync } from 'node:fs';
import { describeErrno, detachTerminal, foregroundGroupOf, processGroupOf, sessionOf, type SessionMode } from './libc.js';
import type { ForwardTarget } from './forwarder.js';

export interface Placement {
  session: SessionMode;
  foregroundTerminalFd?: number;
  /** With 'new-session': the terminal (a path) the child's session takes as its controlling terminal. */
  controllingTerminal?: string;
}

const STDIN = 0;

/** True when stdin is our controlling terminal and our group is in the foreground on it. */
export function ownsForegroundTerminal(): boolean {
  const foreground = foregroundGroupOf(STDIN);
  // -1: not our controlling terminal. Inside a PID namespace a group whose
  // leader lives outside it reads as 0, for the terminal and for us alike
  // (unshare --fork puts PID 1 in unshare's group): equal still means "ours".
  return foreground >= 0 && foreground === processGroupOf(0);
}

/**
 * Group forwarding needs the child to lead its own process group. Without a
 * terminal it gets a whole new session, as with dumb-init. With a terminal that
 * usher holds in the foreground, the child's group is made the terminal's
 * foreground group instead (tini's way): it stays in the terminal's session, so
 * an interactive shell gets job control, Ctrl-C and Ctrl-Z reach the foreground
 * job, and window-size changes reach it, whether or not usher leads the session.
 * usher never takes the terminal from a shell that put it in the background.
 */
export function placeChild(target: ForwardTarget, alwaysOwnGroup: boolean): Placement {
  if (target === 'child' && !alwaysOwnGroup) return { session: 'inherit' };
  if (ownsForegroundTerminal()) return { session: 'new-group', foregroundTerminalFd: STDIN };
  return { session: alwaysOwnGroup ? 'new-group' : 'new-session' };
}

/** How dumb-init's terminal hand-over went, for its debug lines. */
export type HandOff =
  | { detached: true; wasSessionLeader: boolean }
  | { detached: false; errno: number; reason: string };

/**
 * dumb-init's way (setsid mode): usher gives up its controlling terminal
 * (TIOCNOTTY) and the child, leading a new session, takes it, so a shell in it
 * gets job control. When usher led the session, the kernel sends SIGHUP and
 * SIGCONT to the foreground group for the hand-over: usher receives them and
 * must not forward them (dumb-init issue 136). When usher holds a terminal but
 * does not lead its session, the terminal cannot change session: the child
 * then joins the terminal's foreground (placeChild) and nothing is detached.
 */
export function handOffTerminal(): { placement: Placement; handOff: HandOff | undefined } {
  const foreground = foregroundGroupOf(STDIN);
  const leader = sessionOf(0) === process.pid;
  if (foreground >= 0 && !leader) return { placement: placeChild('group', false), handOff: undefined };
  let terminal: string | undefined;
  try {
    terminal = foreground >= 0 ? readlinkSync('/proc/self/fd/0') : undefined;
  } catch {
    terminal = undefined;
  }
  const errno = detachTerminal(STDIN);
  if (errno !== 0) {
    return { placement: { session: 'new-session' }, handOff: { detached: false, errno, reason: describeErrno(errno) } };
  }
  return {
    placement: terminal?.startsWith('/dev/') ? { session: 'new-session', controllingTerminal: terminal } : { session: 'new-session' },
    handOff: { detached: true, wasSessionLeader: leader },
  };
}


