// Socket activation (systemd's LISTEN_FDS protocol): listening sockets handed
// to usher at fd 3 onwards, which usher hands on to the command it runs.
//
// Only what was addressed to usher itself counts: LISTEN_FDS in usher's own
// environment with LISTEN_PID equal to usher's pid (what systemd, podman and
// systemd-socket-activate set), and only when every one of those descriptors
// is a socket. A LISTEN_FDS from anywhere else (a service's env:, a stale
// variable inherited from a parent) must never make usher pass its own
// descriptors (its epoll, its pipes, the control socket) to a child.
//
// LISTEN_PID must name the process that takes the sockets, and posix_spawn
// gives no moment between fork and exec to set it (systemd sets it in the
// forked child; a Node process must never fork). So usher predicts the pid the
// kernel will give the child (the next free pid after ns_last_pid) and checks
// the prediction once the child exists. As PID 1 of a container nothing else
// starts processes at that moment and the prediction holds; when another
// process wins the race the child runs with a LISTEN_PID that is not its own,
// so a library that checks it (sd_listen_fds) takes no socket, and usher says
// so. Either way no other process is named: the predicted pid belongs to no
// descendant of the child.
import { existsSync, fstatSync, readFileSync } from 'node:fs';

/** The first descriptor of the protocol (SD_LISTEN_FDS_START). */
export const FIRST_ACTIVATION_FD = 3;
/** More than any real use; a bigger LISTEN_FDS is refused rather than trusted. */
const MAX_ACTIVATION_FDS = 256;

/** What usher's own environment offers. */
export type ActivationOffer =
  | { kind: 'none' }
  | { kind: 'accepted'; count: number; names: string | undefined }
  | { kind: 'refused'; reason: string };

const VARIABLES = ['LISTEN_FDS', 'LISTEN_PID', 'LISTEN_FDNAMES', 'LISTEN_PIDFDID'] as const;

/**
 * Reads the offer from usher's environment and checks the descriptors. Must
 * run before usher opens any socket of its own (the process table does it
 * when it is created), so that fd 3 onwards are still what usher inherited.
 */
export function readActivationOffer(env: NodeJS.ProcessEnv, ownPid: number): ActivationOffer {
  const fds = env.LISTEN_FDS;
  if (fds === undefined || fds === '') return { kind: 'none' };
  const refuse = (why: string): ActivationOffer => ({ kind: 'refused', reason: `LISTEN_FDS=${fds} ignored: ${why}; no descriptor is passed on` });
  if (env.LISTEN_PID !== String(ownPid)) {
    return refuse(`LISTEN_PID is ${env.LISTEN_PID === undefined ? 'not set' : env.LISTEN_PID}, and it must be usher's pid (${ownPid})`);
  }
  if (!/^\d+$/.test(fds)) return refuse('not a number');
  const count = Number(fds);
  if (count === 0) return { kind: 'none' };
  if (count > MAX_ACTIVATION_FDS) return refuse(`more than ${MAX_ACTIVATION_FDS} descriptors`);
  for (let fd = FIRST_ACTIVATION_FD; fd < FIRST_ACTIVATION_FD + count; fd++) {
    let socket: boolean;
    try {
      socket = fstatSync(fd).isSocket();
    } catch {
      return refuse(`descriptor ${fd} is not open`);
    }
    if (!socket) return refuse(`descriptor ${fd} is not a socket`);
  }
  // LISTEN_FDNAMES is optional; names that do not match the count would mislead.
  const names = env.LISTEN_FDNAMES;
  const namesFit = names !== undefined && names.split(':').length === count;
  return { kind: 'accepted', count, names: namesFit ? names : undefined };
}

/** The descriptors an accepted offer passes on, in a row from fd 3. */
export function activationDescriptors(offer: ActivationOffer): number[] {
  if (offer.kind !== 'accepted') return [];
  return Array.from({ length: offer.count }, (_, i) => FIRST_ACTIVATION_FD + i);
}

/**
 * The child's environment: the protocol's variables as they fit what it really
 * gets. With sockets, LISTEN_FDS, LISTEN_FDNAMES and LISTEN_PID set to the pid
 * predicted for it (left out when there is no prediction); without, all of
 * them removed, whatever the environment given (a service's env: included)
 * said. LISTEN_PIDFDID names usher's pidfd, never the child's: always removed.
 */
export function activationEnvironment(env: NodeJS.ProcessEnv, offer: ActivationOffer | undefined, childPid: number | undefined): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const name of VARIABLES) delete out[name];
  if (offer?.kind === 'accepted') {
    out.LISTEN_FDS = String(offer.count);
    if (childPid !== undefined) out.LISTEN_PID = String(childPid);
    if (offer.names !== undefined) out.LISTEN_FDNAMES = offer.names;
  }
  return out;
}

/**
 * The pid the kernel will give the next process or thread created in usher's
 * PID namespace: the first free pid after the last one handed out. undefined
 * when /proc does not say (no /proc/sys, or pids about to wrap around).
 */
export function predictNextPid(): number | undefined {
  try {
    const last = Number(readFileSync('/proc/sys/kernel/ns_last_pid', 'latin1').trim());
    const max = Number(readFileSync('/proc/sys/kernel/pid_max', 'latin1').trim());
    if (!Number.isInteger(last) || !Number.isInteger(max)) return undefined;
    // /proc/N exists for a thread's id too (hidden from the listing): a pid in use either way.
    for (let pid = last + 1; pid < max && pid <= last + 64; pid++) if (!existsSync(`/proc/${pid}`)) return pid;
  } catch {
    // no /proc/sys here
  }
  return undefined;
}
