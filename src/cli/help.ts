// usher's help and license. (dumb-init's and tini's texts are in dumb-init.ts and tini.ts.)

export function helpText(usherVersion: string): string {
  return USHER_HELP(usherVersion);
}

const USHER_HELP = (v: string) => `usher ${v}: an init (PID 1) for containers

Usage: usher [options] [--] command [args...]

usher starts the command as its child, passes on every signal it receives,
reaps every zombie (including orphans re-parented to it), and exits with the
command's exit status (128+N if it was killed by signal N). Use it as the
image's entrypoint:

    ENTRYPOINT ["usher", "--"]
    CMD ["node", "server.js"]

Several processes in one container (supervisor mode):
  usher run [-f FILE]       Runs the services of a usher.yaml (or Procfile) in
                            dependency order and stops them in reverse order
                            within its grace period. usher run --help explains;
                            usher run --check validates the file. Exit 137 when
                            a requested stop had to SIGKILL something.
  usher ps, usher start|stop|restart NAME, usher signal NAME SIG
                            Control a running \`usher run\` (docker exec).
  usher convert FILE        Prints the usher.yaml for a supervisord.conf, a
                            Procfile, a process-compose.yaml or a pm2 ecosystem
                            file, with a comment on what has no equivalent.

Will the container stop gracefully?
  usher doctor -- COMMAND   Runs COMMAND as a container's PID 1, stops it as
                            docker stop does and says why it was or was not
                            graceful, with the one-line fix. --image IMAGE
                            does it with a real image; --dockerfile and
                            --kubernetes check files without running anything
                            (--format sarif|github for CI). usher doctor --help.

Signals:
  (default)                 The command gets its own session and process group;
                            signals go to the whole group, so a shell script
                            that does not pass SIGTERM on still stops cleanly.
  -c, --single-child        Signals go to the direct child only (tini's default).
                            Same as DUMB_INIT_SETSID=0.
  -g, --group               Signals go to the child's whole process group (the
                            default; tini's -g).
  -r, --rewrite FROM:TO     Send TO when FROM arrives; TO=0 drops FROM.
                            Names or numbers: -r TERM:QUIT, -r 15:3, -r HUP:0.
                            Repeatable. In group mode TSTP, TTIN and TTOU become
                            STOP (job control), unless rewritten.

Stopping (docker stop, kubectl delete pod):
  --stop-delay SECONDS      Hold SIGTERM this long before passing it on, so a
                            Kubernetes endpoint is removed before the app stops
                            accepting (replaces a preStop sleep). Default 0.
  --stop-timeout SECONDS    After passing SIGTERM on, SIGKILL whatever still runs
                            after this long and name it. Set it below the
                            runtime's grace period (Docker 10s, Kubernetes 30s),
                            e.g. 8 or 25. Default: off. The command gets it as
                            USHER_SHUTDOWN_BUDGET_MS (usher-init/shutdown uses it).
  --drain-timeout SECONDS   When the command exits, the processes it left get
                            SIGTERM and this long to end; then SIGKILL, each
                            one named on stderr. Default 5; 0 exits at once.
  --stop-signal SIGNAL      Signals that start the stop sequence. Repeatable.
                            Default TERM and INT.

Exit status and reaping:
  -e, --expect-exit CODE    Report exit code CODE as 0. Repeatable.
  -w, --warn-on-reap        Warn for every orphan reaped.
  -s, --subreaper           Accepted for tini compatibility: usher always
                            registers as a child subreaper when not PID 1.
  -p, --pdeath-signal SIG   Send usher SIG when its parent dies.

Output:
  -v, --verbose             Log every signal received, forwarded, rewritten and
                            every process reaped (-vv for more).
  -q, --quiet               Only errors.
  -h, --help                This help.
  -V, --version             Print the version.
  -l, --license             Print the license.

Environment (flags win): USHER_STOP_TIMEOUT, USHER_STOP_DELAY,
USHER_DRAIN_TIMEOUT (seconds); DUMB_INIT_SETSID=0, DUMB_INIT_DEBUG=1,
TINI_SUBREAPER, TINI_KILL_PROCESS_GROUP, TINI_VERBOSITY are understood too.
Installed as (or linked to) a file named dumb-init or tini, usher behaves as
that tool: its options, defaults, messages and exit codes, byte for byte;
usher's extras then come from USHER_STOP_TIMEOUT, USHER_STOP_DELAY and
USHER_DRAIN_TIMEOUT only.

Exit codes: the command's own; 127 command not found; 126 not executable;
2 bad usage; 70 internal error (after stopping every child).
`;

export const LICENSE = `usher is released under the MIT License.
dumb-init (MIT, Yelp) and tini (MIT, Thomas Orozco) inspired its behaviour;
no code of theirs is included.
`;
