// Reads the fenced blocks of the project's Markdown files, and the doc-test
// markers that tie a block to a test: `<!-- doc-test: NAME -->` on the line
// before a fence marks the block as the output of the runner NAME;
// `<!-- doc-test: NAME input FILE -->` marks it as the file FILE that runner
// is given. A block shown as output is compared, masked, with what the runner
// printed, so a document cannot drift from what usher really does.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface Block {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  text: string;
  marker?: { name: string; input?: string };
}

export function markdownFiles(root: string): string[] {
  const files = [join(root, 'README.md')];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(path);
      else if (entry.isFile() && entry.name.endsWith('.md')) files.push(path);
    }
  };
  walk(join(root, 'docs'));
  walk(join(root, 'examples'));
  return files;
}

const MARKER = /^<!--\s*doc-test:\s*(\S+)(?:\s+input\s+(\S+))?\s*-->$/;

export function blocksOf(root: string, path: string): Block[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !(lines[end] ?? '').startsWith('```')) end++;
    const before = lines[i - 1]?.trim() ?? '';
    const marker = MARKER.exec(before);
    blocks.push({
      file: relative(root, path),
      line: i + 1,
      lang: open[1] ?? '',
      text: lines.slice(i + 1, end).join('\n'),
      ...(marker ? { marker: { name: marker[1] as string, ...(marker[2] ? { input: marker[2] } : {}) } } : {}),
    });
    i = end;
  }
  return blocks;
}

/**
 * What may differ between a run and its documented output: durations, pids,
 * temporary paths. Exit codes, signal names, states and wording are compared as
 * they are.
 */
export function mask(text: string, extra: [RegExp, string][] = []): string {
  let out = text;
  for (const [pattern, by] of extra) out = out.replace(pattern, by);
  return out
    .replace(/\b\d+(\.\d+)?\s?(ms|µs|s|m|h)\b/g, '<T>')
    .replace(/\b\d+m\d+s\b/g, '<T>')
    .replace(/\(pid \d+\)/g, '(pid <P>)')
    .replace(/\bpid \d+\b/g, 'pid <P>')
    .replace(/[ \t]+$/gm, '');
}

/**
 * Compares documented lines with actual ones after masking. A documented line
 * `...` stands for any number of lines (an excerpt); every other documented
 * line must appear, in order. Returns a description of the first mismatch.
 */
export function compareLines(documented: string, actual: string): string | undefined {
  const doc = documented.split('\n');
  const act = actual.split('\n').filter((l) => l.trim() !== '' || doc.includes(''));
  const matchFrom = (d: number, a: number): boolean => {
    if (d === doc.length) return a === act.length || doc[d - 1] === '...';
    if (doc[d] === '...') {
      for (let k = a; k <= act.length; k++) if (matchFrom(d + 1, k)) return true;
      return false;
    }
    return a < act.length && doc[d] === act[a] && matchFrom(d + 1, a + 1);
  };
  if (matchFrom(0, 0)) return undefined;
  // The first documented line that cannot be found, for the message.
  let a = 0;
  for (const line of doc) {
    if (line === '...') continue;
    const at = act.indexOf(line, a);
    if (at < 0) return `documented line not printed (or out of order):\n  ${line}\nactual output:\n${act.map((l) => `  ${l}`).join('\n')}`;
    a = at + 1;
  }
  return `documented output has lines the run did not print, or the run printed lines the document leaves out:\nactual output:\n${act.map((l) => `  ${l}`).join('\n')}`;
}

/**
 * A doctor report's process table: pids and the timeline bars differ from run
 * to run. The header line tells where the bars stand (from its `0` to the end
 * of its right-edge label); each row keeps its command and its description.
 */
export function maskDoctorTable(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let bar: { start: number; end: number } | undefined;
  for (const line of lines) {
    const header = /^(\s*PID\s+PPID\s+COMMAND\s+)0\s.*$/.exec(line);
    if (header) {
      bar = { start: (header[1] as string).length, end: line.length };
      out.push('    PID  PPID  COMMAND <timeline header>');
      continue;
    }
    if (bar && /^\s+\d+\s+\d+\s/.test(line)) {
      const command = line.slice(0, bar.start).replace(/^\s+\d+\s+\d+\s+/, '').trimEnd();
      // How a process that is not the doctor's child ended is known only when
      // the /proc poll saw it: the annotation comes and goes from run to run.
      // When it took the signal is shown from 1 ms on: sub-millisecond runs omit it.
      const outcome = line.slice(bar.end).trim().replace(/ \((SIG[A-Z]+|exit \d+)\)$/, '').replace(/ at \+\d+(\.\d+)? ?(ms|s)(?= \()/, '');
      out.push(`  <P> <P>  ${command} <timeline>  ${outcome}`);
      continue;
    }
    if (/^\s+\(\d+ short-lived process(es)? ended before the stop\)$/.test(line)) continue;
    if (line.trim() === '') bar = undefined;
    out.push(line.replace(/^timeline: 0 = SIGTERM sent, right edge = .*?;/, 'timeline: 0 = SIGTERM sent, right edge = <T>;'));
  }
  return out.join('\n');
}
