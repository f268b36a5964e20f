// `usher CONTROL-COMMAND ...` against a test's own control socket, as a user types it.
import { spawn } from 'node:child_process';
import { USHER } from '../helpers/pid1.js';
import { NODE } from './helpers.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function usherControl(args: string[], socket: string): Promise<CliResult> {
  const child = spawn(NODE, [USHER, ...args], { env: { ...process.env, USHER_SOCKET: socket }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  // Decoded as a stream: a character cut between two chunks stays whole.
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}
