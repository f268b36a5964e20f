// supervisord.conf to usher.yaml. The file is INI as supervisord reads it:
// [section] headers, `key = value` (or `key: value`), `;` and `#` comment
// lines, ` ;` inline comments, indented continuation lines, %(ENV_X)s and
// %(program_name)s expansions, %% for a percent sign.
import { dirname } from 'node:path';
import { ConvertError } from './errors.js';
import { Draft, duration, literal, note, serviceName, set, splitWords } from './usher-yaml.js';

interface Section {
  name: string;
  line: number;
  values: Map<string, { value: string; line: number }>;
}

export function parseIni(text: string, file: string): Section[] {
  const sections: Section[] = [];
  let section: Section | undefined;
  let last: { value: string; line: number } | undefined;
  let lastKey: string | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (/^\s*([;#].*)?$/.test(raw)) {
      last = undefined;
      return;
    }
    if (/^\s/.test(raw) && last && section && lastKey !== undefined) {
      // A continuation line: part of the value above.
      last.value += `\n${stripInlineComment(raw.trim())}`;
      return;
    }
    const header = /^\[([^\]]+)\]\s*(?:[;#].*)?$/.exec(raw.trim());
    if (header) {
      section = { name: (header[1] as string).trim(), line, values: new Map() };
      sections.push(section);
      last = undefined;
      return;
    }
    const pair = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw.trim());
    if (!pair || !section) {
      throw new ConvertError(`${file}:${line}:1: ${section ? "not a 'key = value' line" : 'a value before any [section]'}; expected supervisord's INI: [program:NAME] sections of key = value lines`);
    }
    lastKey = (pair[1] as string).toLowerCase();
    last = { value: stripInlineComment(pair[2] as string), line };
    section.values.set(lastKey, last);
  });
  return sections;
}

/** ` ; comment` at the end of a value (supervisord needs the space before it). */
function stripInlineComment(value: string): string {
  const at = value.search(/\s;/);
  return (at >= 0 ? value.slice(0, at) : value).trim();
}

/** What %(...)s may stand for in a program's values. */
interface Expansions {
  program: string;
  here: string;
  numprocs: number;
}

/**
 * A supervisord value as usher text: %(ENV_X)s becomes ${X}, %(program_name)s
 * the name, %(process_num)d ${USHER_REPLICA}; the rest stays literal (a `$`
 * usher would expand is escaped). Notes what does not map exactly.
 */
function expand(value: string, ex: Expansions, notes: string[]): string {
  let out = '';
  let last = 0;
  const pattern = /%%|%\(([^)]+)\)([-#0 +]*\d*)([sd])/g;
  for (const m of value.matchAll(pattern)) {
    out += literal(value.slice(last, m.index));
    last = (m.index ?? 0) + m[0].length;
    if (m[0] === '%%') {
      out += '%';
      continue;
    }
    const name = m[1] as string;
    const width = m[2] as string;
    if (name.startsWith('ENV_')) out += `\${${name.slice(4)}}`;
    else if (name === 'program_name' || name === 'group_name') out += ex.program;
    else if (name === 'here') out += literal(ex.here);
    else if (name === 'numprocs') out += String(ex.numprocs);
    else if (name === 'host_node_name') out += '${HOSTNAME}';
    else if (name === 'process_num') {
      out += '${USHER_REPLICA}';
      if (width !== '') notes.push(`%(process_num)${width}d is \${USHER_REPLICA}, not padded (0, 1, ... 10)`);
    } else {
      out += literal(m[0]);
      notes.push(`${m[0]} has no equivalent: left as written`);
    }
  }
  return out + literal(value.slice(last));
}

/** `A="1",B=two` (supervisord's environment=) as a map. */
export function parseKeyValues(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  let i = 0;
  const s = text.replace(/\n/g, ',');
  while (i < s.length) {
    while (i < s.length && /[\s,]/.test(s[i] as string)) i++;
    if (i >= s.length) break;
    const eq = s.indexOf('=', i);
    if (eq < 0) return undefined;
    const key = s.slice(i, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return undefined;
    i = eq + 1;
    let value = '';
    while (i < s.length && s[i] !== ',') {
      const c = s[i] as string;
      if (c === '"' || c === "'") {
        const close = s.indexOf(c, i + 1);
        if (close < 0) return undefined;
        value += s.slice(i + 1, close);
        i = close + 1;
      } else {
        value += c;
        i++;
      }
    }
    Object.defineProperty(out, key, { value: value.trim(), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const SIGNALS = new Set(['TERM', 'HUP', 'INT', 'QUIT', 'KILL', 'USR1', 'USR2']);

/** Keys of [program:x] that are about supervisord's own logs: usher relays the output instead. */
const LOG_KEYS = /^(redirect_stderr|std(out|err)_(logfile|logfile_maxbytes|logfile_backups|capture_maxbytes|events_enabled|syslog))$/;

export function convertSupervisord(text: string, file: string): Draft {
  const draft = new Draft(file, 'supervisord');
  const here = dirname(file);
  const sections = parseIni(text, file);
  for (const section of sections) {
    const [kind, rawName = ''] = section.name.split(':', 2).map((s) => s.trim()) as [string, string?];
    if (kind === 'program') convertProgram(draft, section, rawName, here);
    else if (kind === 'supervisord') convertSupervisordSection(draft, section, here);
    else if (kind === 'include') {
      const files = section.values.get('files')?.value ?? '';
      note(draft, `[include] files = ${files.replace(/\s+/g, ' ')}: convert each included file (usher convert FILE > FILE.yaml) and name them in include: [...] (or usher run -f a.yaml -f b.yaml)`);
    } else if (kind === 'group') {
      note(draft, `[group:${rawName}] programs = ${section.values.get('programs')?.value ?? ''}: usher has no groups; usher start/stop/restart take one service each`);
    } else if (kind === 'eventlistener') {
      note(draft, `[eventlistener:${rawName}] is not converted: usher has no event listeners (critical: true stops the container when a service fails for good)`);
    } else if (kind === 'fcgi-program') {
      note(draft, `[fcgi-program:${rawName}] is not converted: usher does not open sockets for its services`);
    } else if (['unix_http_server', 'inet_http_server', 'supervisorctl', 'rpcinterface'].includes(kind)) {
      note(draft, `[${section.name}] is not needed: usher ps, start, stop, restart and signal talk to usher's own control socket`);
    } else {
      note(draft, `[${section.name}] is not converted: no equivalent`);
    }
  }
  if (draft.services.length === 0) throw new ConvertError(`${file}: no [program:NAME] section; expected supervisord's INI with at least one program`);
  return draft;
}

function convertSupervisordSection(draft: Draft, section: Section, here: string): void {
  const unneeded: string[] = [];
  for (const [key, { value }] of section.values) {
    if (key === 'environment') {
      const vars = parseKeyValues(value);
      const notes: string[] = [];
      if (vars) {
        const env: Record<string, string> = {};
        for (const [k, v] of Object.entries(vars)) Object.defineProperty(env, k, { value: expand(v, { program: 'supervisord', here, numprocs: 1 }, notes), enumerable: true });
        set(draft.top, 'env', env, '[supervisord] environment=: every program gets these variables');
      } else note(draft, `[supervisord] environment=${value}: not read as KEY=VALUE pairs; write the top-level env: by hand`);
    } else if (key === 'nodaemon') {
      // usher always stays in the foreground.
    } else {
      unneeded.push(`${key}=${value.replace(/\n/g, ' ')}`);
    }
  }
  if (unneeded.length > 0) note(draft, `[supervisord] ${unneeded.join(', ')}: not needed (usher runs as PID 1 in the foreground and logs to stdout/stderr)`);
}

function convertProgram(draft: Draft, section: Section, rawName: string, here: string): void {
  const name = serviceName(rawName);
  const service = draft.service(name);
  if (name !== rawName) note(service, `[program:${rawName}]: named ${name} (usher's names: letters, digits, '.', '_', '-')`);
  const get = (key: string) => section.values.get(key)?.value;
  const numprocs = Number(get('numprocs') ?? '1');
  const ex: Expansions = { program: rawName, here, numprocs };

  const command = get('command');
  if (command === undefined) {
    set(service, 'command', 'true', `[program:${rawName}] has no command= (supervisord refuses it): write the command`);
  } else {
    // supervisord runs the command without a shell, split into words: an argv list does the same.
    const words = splitWords(command.replace(/\n/g, ' '));
    const notes: string[] = [];
    if (!words || words.length === 0) {
      notes.push('command= could not be split into words; here it runs through /bin/sh -c, supervisord runs it without a shell');
      set(service, 'command', expand(command, ex, notes));
    } else set(service, 'command', words.map((w) => expand(w, ex, notes)));
    for (const n of notes) set(service, 'command', service.entries.find((e) => e.key === 'command')?.value, n);
  }

  const handled = new Set(['command']);
  const take = (key: string): string | undefined => {
    handled.add(key);
    return get(key);
  };

  const directory = take('directory');
  if (directory !== undefined) {
    const notes: string[] = [];
    set(service, 'cwd', expand(directory, ex, notes), notes.join('; ') || undefined);
  }
  const environment = take('environment');
  if (environment !== undefined) {
    const vars = parseKeyValues(environment);
    if (!vars) note(service, `environment=${environment}: not read as KEY=VALUE pairs; write env: by hand`);
    else {
      const notes: string[] = [];
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(vars)) Object.defineProperty(env, k, { value: expand(v, ex, notes), enumerable: true });
      set(service, 'env', env, notes.join('; ') || undefined);
    }
  }
  const user = take('user');
  if (user !== undefined) {
    const notes: string[] = [];
    set(service, 'user', expand(user, ex, notes), notes.join('; ') || undefined);
  }

  const autostart = take('autostart');
  if (autostart !== undefined && isFalse(autostart)) set(service, 'disabled', true, 'autostart=false: started only by usher start');

  const autorestart = (take('autorestart') ?? '').toLowerCase();
  const restart = autorestart === '' ? 'on-failure' : isTrue(autorestart) ? 'always' : isFalse(autorestart) ? 'no' : 'on-failure';
  set(
    service,
    'restart',
    restart,
    autorestart === '' ? "no autorestart= line: supervisord's default is autorestart=unexpected, restarted when it exits with a status not in exitcodes" : undefined,
  );
  const exitcodes = take('exitcodes');
  if (exitcodes !== undefined && exitcodes.replace(/\s/g, '') !== '0') {
    note(service, `exitcodes=${exitcodes}: no equivalent; every status but 0 counts as a failure for restart: on-failure`);
  }
  if (restart !== 'no') {
    const retries = take('startretries');
    const secs = take('startsecs');
    set(service, 'max_restarts', Number(retries ?? 3), retries === undefined ? "supervisord's default startretries=3" : undefined);
    set(service, 'stable_after', `${Number(secs ?? 1)}s`, secs === undefined ? "supervisord's default startsecs=1: a run this long resets the count of restarts" : undefined);
  } else {
    take('startretries');
    const secs = take('startsecs');
    if (secs !== undefined && Number(secs) > 0) note(service, `startsecs=${secs}: for dependants, ready: { delay: ${secs}s } says when it counts as up`);
  }

  const stopsignal = take('stopsignal');
  if (stopsignal !== undefined) {
    const sig = stopsignal.toUpperCase().replace(/^SIG/, '');
    set(service, 'stop_signal', `SIG${sig}`, SIGNALS.has(sig) ? undefined : `stopsignal=${stopsignal}: check the name`);
  }
  const stopwait = take('stopwaitsecs');
  if (stopwait !== undefined) set(service, 'stop_timeout', duration(Number(stopwait) * 1000));
  const asGroup = take('stopasgroup');
  const killAsGroup = take('killasgroup');
  if (asGroup === undefined || !isTrue(asGroup)) {
    set(
      service,
      'signal_group',
      false,
      `${asGroup === undefined ? "stopasgroup=false (supervisord's default)" : `stopasgroup=${asGroup}`}: signals go to the main process; once it has exited, what it left gets the stop signal. Remove this line for usher's default, the whole process group`,
    );
  } else if (killAsGroup !== undefined && !isTrue(killAsGroup)) {
    note(service, `killasgroup=${killAsGroup}: usher's SIGKILL at stop_timeout always reaches what is left of the service`);
  }

  if (numprocs > 1) {
    set(service, 'replicas', numprocs, `numprocs=${numprocs}: copies named ${name}-0, ${name}-1...; %(process_num)d is \${USHER_REPLICA}`);
    const processName = take('process_name');
    if (processName !== undefined && !processName.includes('process_num')) note(service, `process_name=${processName}: copies are named ${name}-N`);
  }
  take('numprocs');
  take('process_name');
  const numprocsStart = take('numprocs_start');
  if (numprocsStart !== undefined && numprocsStart !== '0') note(service, `numprocs_start=${numprocsStart}: \${USHER_REPLICA} counts from 0`);

  const priority = take('priority');
  if (priority !== undefined) note(service, `priority=${priority}: no equivalent; depends_on: gives an order that is waited for`);
  const logKeys: string[] = [];
  for (const [key, { value }] of section.values) {
    if (handled.has(key)) continue;
    if (LOG_KEYS.test(key)) logKeys.push(`${key}=${value}`);
    else note(service, `${key}=${value.replace(/\n/g, ' ')}: no equivalent`);
  }
  if (logKeys.length > 0) note(service, `${logKeys.join(', ')}: not needed; usher relays the output to its stdout/stderr, each line prefixed with ${name}`);
}

function isTrue(v: string): boolean {
  return /^(true|yes|on|1)$/i.test(v.trim());
}

function isFalse(v: string): boolean {
  return /^(false|no|off|0)$/i.test(v.trim());
}
