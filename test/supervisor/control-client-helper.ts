// `usher CONTROL-COMMAND ...` against a test's own control socket, as a user types it.
import { spawn } from 'node:child_process';
import { USHER } from '../helpers/pid1.js';
import { NODE } from './helpers.js';

export function usherControl(args: string[], socket: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(NODE, [USHER, ...args], { env: { ...process.env, USHER_SOCKET: socket } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
