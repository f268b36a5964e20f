// Running a helper program (podman, docker) to completion with its output
// captured, through the one ProcessTable: a pipe from the core, never
// node:child_process, which would race the table's reaper for exit statuses.
import { closeSync } from 'node:fs';
import { Socket } from 'node:net';
import { openPipe } from '../core/libc.js';
import type { ChildProcess, ProcessTable } from '../core/process-table.js';
import { shellExitCode, type ExitStatus } from '../core/wait-status.js';

/** Reads a pipe's read end until EOF, handing over every chunk as it comes. */
export function readPipe(fd: number, onChunk?: (text: string) => void): { done: Promise<string>; close: () => void } {
  const socket = new Socket({ fd, readable: true, writable: false });
  socket.setEncoding('utf8');
  let text = '';
  socket.on('data', (chunk: string) => {
    text += chunk;
    onChunk?.(chunk);
  });
  const done = new Promise<string>((resolve) => {
    socket.on('close', () => resolve(text));
    socket.on('error', () => resolve(text));
  });
  return { done, close: () => socket.destroy() };
}

export interface SpawnedWithOutput {
  child: ChildProcess;
  /** Everything the child (and whatever inherited its stdout/stderr) wrote, once all of them closed it. */
  output: Promise<string>;
  /** Stops reading, for when a descendant keeps the pipe open after the end. */
  close: () => void;
}

/** Spawns argv with its stdout and stderr on one pipe. */
export function spawnWithOutput(
  table: ProcessTable,
  argv: readonly string[],
  options: { session?: 'inherit' | 'new-group' | 'new-session'; env?: NodeJS.ProcessEnv; onChunk?: (text: string) => void } = {},
): SpawnedWithOutput {
  const pipe = openPipe();
  let child: ChildProcess;
  try {
    child = table.spawn({
      argv,
      session: options.session ?? 'new-group',
      stdio: [{ kind: 'null' }, { kind: 'fd', fd: pipe.write }, { kind: 'fd', fd: pipe.write }],
      ...(options.env ? { env: options.env } : {}),
    });
  } catch (err) {
    closeSync(pipe.read);
    throw err;
  } finally {
    closeSync(pipe.write);
  }
  const reader = readPipe(pipe.read, options.onChunk);
  return { child, output: reader.done, close: reader.close };
}

export interface CommandResult {
  code: number;
  status: ExitStatus;
  output: string;
}

/** Runs argv to completion (stdout and stderr together), with a bound: past it the command is SIGKILLed. */
export async function runCommand(table: ProcessTable, argv: readonly string[], timeoutMs = 60_000): Promise<CommandResult> {
  const run = spawnWithOutput(table, argv);
  const timer = setTimeout(() => run.child.signalGroup(9), timeoutMs);
  const status = await run.child.exited;
  clearTimeout(timer);
  // The output ends when the last holder of the pipe closes it; a helper that
  // left a daemon holding it must not hang us.
  const output = await Promise.race([run.output, new Promise<string>((r) => setTimeout(() => r(''), 2000).unref())]);
  run.close();
  return { code: shellExitCode(status), status, output };
}
