// `usher ps [--json]`, `usher start|stop|restart NAME`, `usher signal NAME SIG`:
// parses the words and hands over to the control client, which talks to the
// running `usher run` over its unix socket. Exit codes: 0 done, 1 the request
// failed, 2 usage error or no supervisor to ask.
import { writeSync } from 'node:fs';
import { MAX_SIGNAL, parseSignal } from '../core/signals.js';
import { controlSocketPath, DEFAULT_CONTROL_SOCKET, type ControlRequest } from '../supervisor/control-protocol.js';

const EXIT_USAGE = 2;

const SOCKET_NOTE = `The supervisor is \`usher run\`, the container's PID 1; it listens on
${DEFAULT_CONTROL_SOCKET} (root only), or on USHER_SOCKET when that is set.
Run these inside the container: docker exec CONTAINER usher ps,
kubectl exec POD -- usher ps.

Exit status: 0 done; 1 the supervisor refused or failed the request (for
example an unknown service); 2 usage error, or no supervisor to ask.
`;

const HELP: Record<string, string> = {
  ps: `Usage: usher ps [--json]

Lists the services of the running supervisor: name, pid, state, whether it is
ready (- when it has no ready check), restarts, uptime and last exit.

States: waiting (for its dependencies), starting (ready check not passed yet),
running, backoff (waiting to restart), stopping, stopped, completed (exited 0,
not restarted), failed (the reason is printed under the table).

  --json      One JSON object: {"live", "ready", "services": [{"name", "pid",
              "state", "ready", "restarts", "startedAt", "uptimeMs",
              "lastExit": {"code", "signal", "at"}, "reason"}]} (times in epoch ms).
  -h, --help  This help.

${SOCKET_NOTE}`,
  start: `Usage: usher start NAME

Starts a stopped, completed or failed service (its dependencies are not
started for it). Answers once the service is started.

${SOCKET_NOTE}`,
  stop: `Usage: usher stop NAME

Stops a service with its stop_signal, sent to its whole process group, and
SIGKILL after its stop_timeout. It stays stopped, and is not restarted, until
\`usher start NAME\`. Answers once it has ended.

${SOCKET_NOTE}`,
  restart: `Usage: usher restart NAME

Stops the service as \`usher stop\` does, then starts it again; the new
instance never overlaps with the old one.

${SOCKET_NOTE}`,
  signal: `Usage: usher signal NAME SIGNAL

Sends SIGNAL to the service's whole process group, for example to make it
reload (HUP) or reopen its logs (USR1). SIGNAL is a name (HUP, SIGHUP) or a
number (1 to ${MAX_SIGNAL}). Sending TERM does not stop the service the
supervisor's way: it will be restarted per its restart policy; use \`usher stop\`.

${SOCKET_NOTE}`,
};

class Usage extends Error {}

function print(fd: number, text: string): void {
  try {
    writeSync(fd, text);
  } catch {
    // nowhere left to report to
  }
}

interface Parsed {
  help: boolean;
  json: boolean;
  words: string[];
}

function parseWords(command: string, args: string[]): Parsed {
  const parsed: Parsed = { help: false, json: false, words: [] };
  let optionsEnded = false;
  for (const arg of args) {
    if (optionsEnded || arg === '-' || !arg.startsWith('-')) parsed.words.push(arg);
    else if (arg === '--') optionsEnded = true;
    else if (arg === '-h' || arg === '--help') parsed.help = true;
    else if (arg === '--json' && command === 'ps') parsed.json = true;
    else throw new Usage(`unknown option ${arg}`);
  }
  return parsed;
}

function buildRequest(command: string, words: string[]): ControlRequest {
  const expect = (count: number, what: string) => {
    if (words.length < count) throw new Usage(`missing ${what}`);
    if (words.length > count) throw new Usage(`unexpected argument '${words[count]}'`);
  };
  switch (command) {
    case 'ps':
      expect(0, '');
      return { command: 'ps' };
    case 'start':
    case 'stop':
    case 'restart':
      expect(1, 'the service NAME');
      return { command, name: words[0] as string };
    case 'signal': {
      expect(2, words.length === 0 ? 'the service NAME and the SIGNAL' : 'the SIGNAL');
      const text = words[1] as string;
      const signal = parseSignal(text);
      if (signal === undefined) throw new Usage(`unknown signal '${text}': use a name such as HUP or SIGUSR1, or a number from 1 to ${MAX_SIGNAL}`);
      return { command, name: words[0] as string, signal };
    }
    default:
      throw new Usage(`unknown command ${command}`);
  }
}

export async function runSubcommand(command: string, args: string[]): Promise<number> {
  let parsed: Parsed;
  let request: ControlRequest;
  try {
    parsed = parseWords(command, args);
    if (parsed.help) {
      print(1, HELP[command] ?? '');
      return 0;
    }
    request = buildRequest(command, parsed.words);
  } catch (err) {
    if (!(err instanceof Usage)) throw err;
    const usage = (HELP[command] ?? '').split('\n')[0] ?? '';
    print(2, `usher ${command}: ${err.message}\n${usage}\nTry 'usher ${command} --help' for more information.\n`);
    return EXIT_USAGE;
  }
  const { runControl } = await import('../supervisor/control-client.js');
  return runControl(controlSocketPath(), request, { json: parsed.json });
}
