// The two readers under the static checks: the Dockerfile parser (directives,
// continuations, comments, heredocs, exec vs shell form) and the shell-script
// reader (the command a script ends on, exec, traps, background and wait).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DockerfileSyntaxError, execForm, parseDockerfile, splitFlags } from '../../src/doctor/static/dockerfile-parser.js';
import { analyzeScript, handledSignals, shellExecsLastCommand } from '../../src/doctor/static/shell-script.js';

test('Dockerfile: continuations keep the first line; comments and blank lines inside them are dropped', () => {
  const { instructions } = parseDockerfile(
    ['FROM debian', '', '# a comment', 'RUN apt-get update && \\', '    # inside', '', '    apt-get install -y nginx', 'CMD ["nginx", \\', '  "-g", "daemon off;"]'].join('\n'),
  );
  assert.deepEqual(
    instructions.map((i) => [i.keyword, i.line]),
    [['FROM', 1], ['RUN', 4], ['CMD', 8]],
  );
  assert.equal(instructions[1]?.args, 'apt-get update &&     apt-get install -y nginx');
  assert.deepEqual(execForm(instructions[2]?.args ?? ''), ['nginx', '-g', 'daemon off;']);
});

test('Dockerfile: # escape=` makes the backtick the continuation, and backslashes literal', () => {
  const text = '# escape=`\nFROM windows\nCOPY C:\\app\\ C:\\dest\\\nCMD node `\n  server.js\n';
  const parsed = parseDockerfile(text);
  assert.equal(parsed.escape, '`');
  assert.deepEqual(
    parsed.instructions.map((i) => [i.keyword, i.args, i.line]),
    [['FROM', 'windows', 2], ['COPY', 'C:\\app\\ C:\\dest\\', 3], ['CMD', 'node   server.js', 4]],
  );
  // A directive after any other line is only a comment.
  assert.equal(parseDockerfile('FROM x\n# escape=`\nCMD a \\\n b\n').escape, '\\');
  assert.equal(parseDockerfile('# hello\n# escape=`\nFROM x\n').escape, '\\');
});

test('Dockerfile: heredocs are bodies, not instructions', () => {
  const { instructions } = parseDockerfile('FROM x\nRUN <<EOF\nCMD not an instruction\nEOF\nCOPY <<-"A" /a\n\tbody\n\tA\nCMD ["a"]\n');
  assert.deepEqual(instructions.map((i) => [i.keyword, i.line]), [['FROM', 1], ['RUN', 2], ['COPY', 5], ['CMD', 8]]);
  assert.deepEqual(instructions[2]?.heredocs, [{ name: 'A', content: 'body', line: 6 }]);
});

test('Dockerfile: exec form only for a JSON array of strings; flags before the arguments', () => {
  assert.deepEqual(execForm('["a", "b"]'), ['a', 'b']);
  assert.equal(execForm("['a', 'b']"), undefined);
  assert.equal(execForm('[1, 2]'), undefined);
  assert.equal(execForm('node server.js'), undefined);
  const { flags, rest } = splitFlags('--chown=app:app --link --from=build /src /dst');
  assert.deepEqual([...flags], [['chown', 'app:app'], ['link', ''], ['from', 'build']]);
  assert.equal(rest, '/src /dst');
});

test('script: the command it ends on, past bookkeeping, functions and conditions', () => {
  const a = analyzeScript('#!/bin/sh\nset -e\nstop() {\n  kill "$pid"\n}\nif [ -f x ]; then\n  echo found\nfi\nnode server.js --port "$PORT"\necho bye\n');
  assert.equal(a.isShell, true);
  assert.equal(a.main?.line, 9);
  assert.deepEqual(a.main?.words.map((w) => w.text), ['node', 'server.js', '--port', '$PORT']);
  assert.equal(a.execs, false);

  const b = analyzeScript('#!/usr/bin/env bash\ncat <<EOF > /etc/app.conf\nnode not-this.js\nEOF\nexec gosu app "$@"  # hand over PID 1\n');
  assert.equal(b.interpreter, 'bash');
  assert.equal(b.main?.line, 5);
  assert.equal(b.execs, true);
  assert.deepEqual(b.execWords.map((w) => w.raw), ['gosu', 'app', '"$@"']);

  // `exec >log 2>&1` only redirects: the script goes on to the real command.
  const c = analyzeScript('exec >>/var/log/app.log 2>&1\nFOO=1 ./app \\\n  --flag\n');
  assert.equal(c.main?.line, 2);
  assert.equal(c.execs, false);

  assert.equal(analyzeScript('#!/usr/bin/env node\nconsole.log(1)\n').isShell, false);
});

test('script: traps, background app and wait; a pipeline is one command', () => {
  const a = analyzeScript("trap 'kill -TERM $child' TERM INT\ntrap '' HUP\n./app &\nchild=$!\nwait \"$child\"\n");
  assert.deepEqual([...handledSignals(a.traps)].sort(), ['INT', 'TERM']);
  assert.deepEqual(a.traps.map((t) => t.action), ['handle', 'ignore']);
  assert.equal(a.background, true);
  assert.equal(a.waits, true);
  assert.deepEqual([...handledSignals(analyzeScript('trap stop SIGTERM 2\ntrap - TERM\n').traps)], ['INT']);

  const p = analyzeScript('node app.js 2>&1 | tee -a log\n');
  assert.deepEqual(p.pipeline.map((c) => c.words[0]?.text), ['node', 'tee']);
});

test('script: a function call runs its body in the same shell; its "$@" is the call\'s words', () => {
  const a = analyzeScript('#!/bin/bash\n_main() {\n  if [ "$1" = x ]; then\n    exec gosu u "$0" "$@"\n  fi\n  exec "$@"\n}\nif ! _is_sourced; then\n  _main "$@"\nfi\n');
  assert.equal(a.main?.line, 6);
  assert.equal(a.execs, true);
  assert.deepEqual(a.execWords.map((w) => w.raw), ['"$@"']);
  assert.deepEqual(a.via.map((c) => c.line), [9]);
  const b = analyzeScript('start() { node "$@"; }\nstart server.js --port 80\n');
  assert.equal(a.functions.size, 1);
  assert.deepEqual(b.main?.words.map((w) => w.text), ['node', 'server.js', '--port', '80']);
  assert.equal(b.execs, false);
  // A function of bookkeeping is no main command; an exec that surely runs ends the script.
  assert.equal(analyzeScript('log() { echo "$@"; }\nnode a.js\nlog done\n').main?.line, 2);
  assert.equal(analyzeScript('exec node a.js\nnode never.js\n').main?.line, 1);
});

test('script: a keep-alive after the service, and which command holds the script when the signal comes', () => {
  const blocked = analyzeScript("trap 'x' TERM\n./server 8080\nwhile true; do tail -f /dev/null & wait $!; done\n");
  assert.equal(blocked.main?.line, 2);
  assert.equal(blocked.blockedKeeper?.line, 3);
  // A daemon, then a keep-alive: the keep-alive is what runs.
  const daemon = analyzeScript('service nginx start\ntail -f /var/log/nginx/access.log\n');
  assert.equal(daemon.main?.line, 2);
  assert.equal(daemon.startedBefore?.line, 1);
  // nginx may daemonize (its configuration says): not taken as blocking.
  assert.equal(analyzeScript('nginx\nsleep infinity\n').blockedKeeper, undefined);
  // Something started in the background before: the foreground command may be a setup step.
  assert.equal(analyzeScript('./worker &\n./migrate\nsleep infinity\n').blockedKeeper, undefined);
  // `app & wait`, then a keep-alive: the wait holds the script.
  const waits = analyzeScript('./server &\nwait $!\ntail -f /dev/null\n');
  assert.equal(waits.main?.line, 1);
  assert.equal(waits.waits, true);
});

test('sh -c: which shells exec the last command (bash, BusyBox: yes; dash: never)', () => {
  const list = analyzeScript('./migrate && node server.js');
  assert.equal(shellExecsLastCommand(list, 'bash'), true);
  assert.equal(shellExecsLastCommand(list, 'busybox'), true);
  assert.equal(shellExecsLastCommand(list, 'dash'), false);
  assert.equal(shellExecsLastCommand(analyzeScript('node a | tee b'), 'bash'), false);
  assert.equal(shellExecsLastCommand(analyzeScript('node a; echo done'), 'bash'), false);
  assert.equal(shellExecsLastCommand(analyzeScript("trap 'x' TERM; node a"), 'bash'), false);
});

test('any text: the readers end, and the parser fails only with a DockerfileSyntaxError', () => {
  const piecesOf = (tokens: string[]) =>
    fc.array(fc.oneof(fc.constantFrom(...tokens), fc.string({ maxLength: 3 })), { maxLength: 40 }).map((a) => a.join(''));
  const script = piecesOf(['exec ', 'trap ', "'", '"', '\\', '\n', ';', '&', '|', '&&', '{', '}', '()', 'if ', 'then ', 'fi', 'case ', 'esac', 'x)', '$(', ')', '`', '<<EOF', 'EOF', '#', ' ', 'node', '$@', 'function f', 'do ', 'done']);
  fc.assert(fc.property(script, (text) => void analyzeScript(text, { assumeShell: true })), { numRuns: 3000 });
  const dockerfile = piecesOf(['FROM x', 'CMD ', 'ENTRYPOINT ', 'COPY ', '<<EOF', 'EOF', '\\', '\n', '# escape=`', '`', '["a"]', '[', ']', '#', ' ', 'RUN ']);
  fc.assert(
    fc.property(dockerfile, (text) => {
      try {
        parseDockerfile(text);
      } catch (error) {
        if (!(error instanceof DockerfileSyntaxError)) throw error;
      }
    }),
    { numRuns: 3000 },
  );
});
