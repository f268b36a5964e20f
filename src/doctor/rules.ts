// What each finding id means and how to fix it, in a sentence or two: the
// help text of the SARIF rules (docs/doctor.md and docs/doctor-static.md say
// it at length, with examples).

export interface Rule {
  /** A short title. */
  title: string;
  /** What it means and the fix. */
  help: string;
  /** The section of the docs that explains it. */
  doc: 'doctor.md' | 'doctor-static.md';
}

export const RULES: Readonly<Record<string, Rule>> = {
  'pid1-no-handler': {
    title: 'PID 1 has no handler for the stop signal',
    help: 'The kernel drops a signal that PID 1 does not handle, so the stop signal does nothing and the runtime SIGKILLs at the deadline. Handle the signal in the app, or put an init in front: ENTRYPOINT ["usher", "--"].',
    doc: 'doctor.md',
  },
  'shell-does-not-forward': {
    title: 'A shell as PID 1 does not pass the stop signal on',
    help: 'PID 1 is a shell script that runs the app as its child without exec; the shell passes no signal on, so the app is SIGKILLed at the deadline. exec the app on the script\'s last line, or ENTRYPOINT ["usher", "--"].',
    doc: 'doctor.md',
  },
  'package-manager-pid1': {
    title: 'A package manager is the main process',
    help: 'npm, yarn or pnpm runs the start script through sh -c, does not reliably pass SIGTERM on, and reports its own exit code. Run the start script\'s command directly: CMD ["node", "server.js"].',
    doc: 'doctor-static.md',
  },
  'single-child-forwarding': {
    title: 'The init signals only its direct child',
    help: 'tini without -g, dumb-init -c or catatonit without -g signal only their direct child, but a grandchild needed the signal. Signal the whole group: tini -g, or ENTRYPOINT ["usher", "--"].',
    doc: 'doctor.md',
  },
  'ignores-signal': {
    title: 'A process ignores or blocks the stop signal',
    help: 'An ignored signal stays ignored across exec (trap \'\' TERM, nohup). Remove the ignore where the process is started, or stop the app with a signal it handles.',
    doc: 'doctor.md',
  },
  'slow-shutdown': {
    title: 'The shutdown takes longer than the grace period',
    help: 'The process caught the signal and was still shutting down at the deadline. Give it a grace period that fits (docker stop -t, terminationGracePeriodSeconds), or shut down faster.',
    doc: 'doctor.md',
  },
  zombies: {
    title: 'Exited processes are not reaped',
    help: 'Zombies stayed unreaped: PID 1 does not reap the orphans re-parented to it. An init reaps them: ENTRYPOINT ["usher", "--"].',
    doc: 'doctor.md',
  },
  'orphans-left': {
    title: 'Processes outlived PID 1 and were killed with it',
    help: 'When PID 1 exits the kernel SIGKILLs everything left. Have the main process wait for its children, or put usher in front, which lets them finish.',
    doc: 'doctor.md',
  },
  'check-failed': {
    title: 'The check could not run',
    help: 'The doctor could not check: the message says why and what to do.',
    doc: 'doctor.md',
  },
  'shell-form-entrypoint': {
    title: 'ENTRYPOINT in the shell form',
    help: 'Docker runs a shell-form ENTRYPOINT as /bin/sh -c "...": with dash the shell stays PID 1 and passes no signal on, and CMD is ignored. Use the exec form, or exec inside the shell command when it needs the shell.',
    doc: 'doctor-static.md',
  },
  'shell-form-cmd': {
    title: 'CMD in the shell form',
    help: 'Docker runs a shell-form CMD as /bin/sh -c "...": with dash (Debian-based images) the shell stays PID 1 and passes no signal on. Use the exec form, or exec inside the shell command when it needs the shell.',
    doc: 'doctor-static.md',
  },
  'script-without-exec': {
    title: 'The entrypoint script starts the app without exec',
    help: 'The script PID 1 runs starts the app as its child, without exec and without a trap: the app never hears the stop signal. exec the app on the script\'s last line, or ENTRYPOINT ["usher", "--"].',
    doc: 'doctor-static.md',
  },
  'trap-without-wait': {
    title: 'A trap that waits for a foreground app',
    help: 'A shell runs a trap only after its foreground command ends, so the trap waits for the app, which never gets the signal. Start the app with & and wait "$!", or use an init.',
    doc: 'doctor-static.md',
  },
  'no-init': {
    title: 'No init as PID 1',
    help: 'PID 1 starts children but is not an init: nothing passes the stop signal on to the whole tree or reaps orphans. ENTRYPOINT ["usher", "--"] (or tini -g, dumb-init).',
    doc: 'doctor-static.md',
  },
  'stopsignal-mismatch': {
    title: 'The stop signal is not the one the app stops gracefully on',
    help: 'nginx and php-fpm stop gracefully on SIGQUIT, Apache on SIGWINCH, PostgreSQL on SIGINT; a script may trap other signals. Set STOPSIGNAL to the app\'s signal.',
    doc: 'doctor-static.md',
  },
  'no-healthcheck': {
    title: 'A service without HEALTHCHECK',
    help: 'docker ps and Compose cannot tell a hung service from a healthy one. Add a HEALTHCHECK (Kubernetes: a readinessProbe).',
    doc: 'doctor-static.md',
  },
  'grace-budget-exceeded': {
    title: 'The shutdown budgets do not fit in the grace period',
    help: 'preStop + usher --stop-delay + --stop-timeout is not below terminationGracePeriodSeconds, which runs from the start of preStop. A longer grace period, or shorter parts.',
    doc: 'doctor-static.md',
  },
  'app-deadline-exceeds-stop-timeout': {
    title: "The app's deadline is not below usher's stop timeout",
    help: 'USHER_SHUTDOWN_BUDGET_MS is not below --stop-timeout, and usher replaces it anyway. Remove it, or raise --stop-timeout.',
    doc: 'doctor-static.md',
  },
  'no-readiness-probe': {
    title: 'A stop delay without a readinessProbe',
    help: 'A stop delay keeps the pod serving while it leaves the endpoints; without a readinessProbe nothing tells the balancers when it stops being ready. Add a readinessProbe.',
    doc: 'doctor-static.md',
  },
  'shell-pid1': {
    title: 'A shell as the container command',
    help: 'command: ["sh", "-c", "..."] keeps the shell as PID 1 (dash), which passes no SIGTERM on. exec the app in the string, or put usher in front.',
    doc: 'doctor-static.md',
  },
  'prestop-duration-unknown': {
    title: 'A preStop hook of unknown length',
    help: 'The hook counts against the grace period, but its length is not in the manifest. A sleep hook of known length, or usher --stop-delay.',
    doc: 'doctor-static.md',
  },
  'script-not-read': {
    title: 'A script the command runs could not be read',
    help: 'The script is not in the build context (it comes from the base image or a RUN, or the context is another directory): what it does with the stop signal was not judged. Give the build context with --context DIR, or run the image with usher doctor --image.',
    doc: 'doctor-static.md',
  },
  'signal-handler-unknown': {
    title: 'PID 1 is an interpreter: whether the app handles SIGTERM needs a run',
    help: 'As PID 1 a signal without a handler is dropped by the kernel; whether the app installs one no file shows. usher doctor --image IMAGE runs the image and tells.',
    doc: 'doctor-static.md',
  },
};

/** The rule of an id; a generic one for an id this table does not know. */
export function ruleOf(id: string): Rule {
  return RULES[id] ?? { title: id, help: 'See the finding\'s message and fix.', doc: 'doctor.md' };
}
