// `docker run -it` / `podman run -it` with usher as ENTRYPOINT: an interactive
// shell has job control (Ctrl-Z stops the foreground job, fg resumes it,
// Ctrl-C interrupts it). The terminal is a real pseudo-terminal (node-pty).
import assert from 'node:assert/strict';
import { readlinkSync } from 'node:fs';
import { foregroundJob, Terminal } from '../helpers/terminal.js';
import { getEngines, onCleanup, runArgs, uniqueName } from './engine.js';

for (const e of await getEngines()) {
  const { images } = e;

  e.test(`${e.name} run -it with usher: an interactive sh has job control; Ctrl-Z, fg, Ctrl-C, exit status`, { timeout: 90_000 }, async () => {
    const name = uniqueName('tty');
    const term = new Terminal([
      e.name, 'run', '-it',
      ...runArgs(e.engine, name, { image: images.usher, label: 'tty', env: { PS1: 'PROMPT> ' }, entrypoint: ['usher', '--'], command: ['sh'] }),
    ]);
    onCleanup(async () => {
      term.kill();
      await e.engine.removeContainer(name);
    });
    await term.waitFor(/PROMPT> /, 0, 30_000);
    const hostPid = (await e.cli(['inspect', '--format', '{{.State.Pid}}', name])).stdout.trim();
    const pidNamespace = readlinkSync(`/proc/${hostPid}/ns/pid`);

    await term.type('sleep 100\r', /sleep 100\r\n/);
    await foregroundJob('sleep', { pidNamespace });
    await term.type('\x1a', /\[1\]\+\s+Stopped\s+sleep 100[\s\S]*PROMPT> /);
    await term.type('fg\r', /sleep 100\r\n/);
    await foregroundJob('sleep', { pidNamespace });
    await term.type('\x03', /PROMPT> /);
    await term.type('echo rc=$?\r', /rc=130\r\n[\s\S]*PROMPT> /);
    await term.type('exit 3\r', /exit 3/);
    const exit = await term.exited;
    assert.equal(exit.exitCode, 3, term.output);
    assert.equal((await e.cli(['inspect', '--format', '{{.State.ExitCode}}', name])).stdout.trim(), '3');
    assert.doesNotMatch(term.output, /job control turned off|can't access tty|no job control|Inappropriate ioctl/i);
  });
}
