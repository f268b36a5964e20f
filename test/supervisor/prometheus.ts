// Reading GET /metrics in tests: `promtool check metrics` (Debian's prometheus
// package) is the real parser and linter, and sampleValue() picks one number
// out of an exposition the parser accepted.
import { spawn } from 'node:child_process';

/** promtool's verdict on an exposition: '' when it parses and lints clean, else what promtool said. */
export function promtoolProblems(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let said = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (said += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (said += d));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new Error('promtool is not installed: apt-get install --no-install-recommends prometheus') : e),
    );
    child.on('close', (code) => resolve(code === 0 && said.trim() === '' ? '' : `promtool exited ${code}: ${said.trim()}`));
    child.stdin.on('error', () => undefined);
    child.stdin.end(text);
  });
}

/** The value of the sample `name{labels}` (labels as written, e.g. `service="web"`); undefined when absent. */
export function sampleValue(text: string, name: string, labels = ''): number | undefined {
  const head = labels === '' ? `${name} ` : `${name}{${labels}} `;
  const line = text.split('\n').find((l) => l.startsWith(head));
  return line === undefined ? undefined : Number(line.slice(head.length));
}
