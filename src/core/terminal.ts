// Where the child goes: which session and process group, and who owns the terminal.
import { foregroundGroupOf, processGroupOf, type SessionMode } from './libc.js';
import type { ForwardTarget } from './forwarder.js';

export interface Placement {
  session: SessionMode;
  foregroundTerminalFd?: number;
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
