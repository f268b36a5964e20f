// The usher.yaml a converter builds, and its text: keys in the order of the
// reference, each with the comments saying what did not convert exactly.
import { parse as parseYaml } from 'yaml';

/** One key of the output, with comment lines written above it. */
export interface Entry {
  key: string;
  value: unknown;
  notes: string[];
}

export interface ServiceDraft {
  name: string;
  /** Notes about the service as a whole (written above its name). */
  notes: string[];
  entries: Entry[];
}

/** What a converter returns: the services and top-level keys, with notes. */
export class Draft {
  readonly top: Entry[] = [];
  readonly services: ServiceDraft[] = [];
  /** Notes about the file as a whole (written at the top). */
  readonly notes: string[] = [];

  constructor(
    /** What was converted, for the header: the file as given. */
    readonly from: string,
    /** The kind of file, for the header: supervisord, Procfile... */
    readonly kind: string,
  ) {}

  service(name: string): ServiceDraft {
    const service: ServiceDraft = { name, notes: [], entries: [] };
    this.services.push(service);
    return service;
  }
}

/** Sets `key` (replacing an earlier value of it, keeping its notes), with an optional note. */
export function set(target: { entries: Entry[] } | Entry[], key: string, value: unknown, note?: string): void {
  const entries = Array.isArray(target) ? target : target.entries;
  const existing = entries.find((e) => e.key === key);
  if (existing) {
    existing.value = value;
    if (note) existing.notes.push(note);
    return;
  }
  entries.push({ key, value, notes: note ? [note] : [] });
}

/** A note that belongs to no key: written above the service (or at the top). */
export function note(target: { notes: string[] }, text: string): void {
  if (!target.notes.includes(text)) target.notes.push(text);
}

/** Service keys in the order of the reference (docs/supervisor-config.md). */
const SERVICE_KEY_ORDER = [
  'command', 'cwd', 'env', 'env_file', 'user', 'depends_on', 'ready', 'live', 'restart', 'max_restarts', 'stable_after',
  'backoff', 'stop_signal', 'stop_timeout', 'signal_group', 'critical', 'disabled', 'replicas',
];
const TOP_KEY_ORDER = ['grace', 'health', 'env', 'include'];

function ordered(entries: Entry[], order: string[]): Entry[] {
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  return [...entries].sort((a, b) => rank(a.key) - rank(b.key));
}

/** The usher.yaml text. */
export function render(draft: Draft): string {
  const out: string[] = [
    `# usher.yaml converted by \`usher convert\` from ${draft.from} (${draft.kind}).`,
    '# Lines starting with "# ...:" are what had no exact equivalent: read them, then check the file',
    '# with `usher run --check`. Reference: docs/supervisor-config.md',
  ];
  for (const n of draft.notes) out.push(...comment(n, ''));
  for (const entry of ordered(draft.top, TOP_KEY_ORDER)) out.push(...renderEntry(entry, ''));
  out.push('services:');
  for (const service of draft.services) {
    for (const n of service.notes) out.push(...comment(n, '  '));
    out.push(`  ${yamlKey(service.name)}:`);
    for (const entry of ordered(service.entries, SERVICE_KEY_ORDER)) out.push(...renderEntry(entry, '    '));
  }
  return out.join('\n') + '\n';
}

function renderEntry(entry: Entry, indent: string): string[] {
  const lines: string[] = [];
  for (const n of entry.notes) lines.push(...comment(n, indent));
  if (entry.value !== undefined) lines.push(`${indent}${yamlKey(entry.key)}: ${flow(entry.value)}`);
  return lines;
}

/** A note as comment lines, one line per line of text, never a line break inside a YAML value. */
function comment(text: string, indent: string): string[] {
  return text.split('\n').map((line) => `${indent}# ${line.replace(/[\u0000-\u001f\u007f]/g, ' ')}`.trimEnd());
}

/** A value on one line: flow maps and lists, strings quoted when YAML would read them otherwise. */
export function flow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flow).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const pairs = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${yamlKey(k)}: ${flow(v)}`);
    return pairs.length === 0 ? '{}' : `{ ${pairs.join(', ')} }`;
  }
  if (typeof value === 'string') return yamlString(value);
  return String(value);
}

/**
 * Plain when YAML reads it back as the same string (and YAML 1.1 editors would
 * not read a boolean); else double-quoted (JSON's quoting is valid YAML).
 */
export function yamlString(text: string): string {
  const plain =
    /^[A-Za-z0-9_./+][A-Za-z0-9_./@%+=:$* -]*$/.test(text) &&
    !/:\s|\s$|:$|\s#/.test(text) &&
    !/^(true|false|yes|no|on|off|y|n|null|~)$/i.test(text) &&
    readsBack(text);
  return plain ? text : JSON.stringify(text);
}

function readsBack(text: string): boolean {
  try {
    return parseYaml(`[${text}]`, { version: '1.2' })?.[0] === text && parseYaml(text, { version: '1.1' }) === text;
  } catch {
    return false;
  }
}

function yamlKey(key: string): string {
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(key) && !/^(true|false|yes|no|on|off|y|n|null)$/i.test(key) && !/^\d/.test(key)
    ? key
    : JSON.stringify(key);
}

/**
 * A literal value (read from another tool's file) for a usher.yaml string
 * usher expands ${VAR} in: `${` and `$$` are written `$${` and `$$$$`, so
 * usher gives back the text as it was.
 */
export function literal(text: string): string {
  return text.replace(/\$\$|\$\{/g, (m) => (m === '$$' ? '$$$$' : '$${'));
}

/** A number of milliseconds as a duration usher reads: 1500 -> 1.5s, 250 -> 250ms. */
export function duration(ms: number): string {
  if (ms % 1000 !== 0 && ms < 1000) return `${ms}ms`;
  return `${+(ms / 1000).toFixed(3)}s`;
}

/**
 * A name usher accepts for a service (letters, digits, '.', '_', '-', from a
 * letter or digit, at most 63 characters, not "usher"); the original when it
 * already is one.
 */
export function serviceName(name: string): string {
  let out = name.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 63);
  if (out === '') out = 'service';
  if (out === 'usher') out = 'usher-service';
  return out;
}

/** Splits a command line into words as a POSIX shell would quote them (no expansion): for supervisord and pm2's args. */
export function splitWords(line: string): string[] | undefined {
  const words: string[] = [];
  /** The word being read; undefined between words (inside quotes there always is one). */
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word = `${word ?? ''}${c}`;
    } else if (quote === '"') {
      if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1] as string)) word = `${word ?? ''}${line[++i] as string}`;
      else if (c === '"') quote = undefined;
      else word = `${word ?? ''}${c}`;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word ??= '';
      if (c === '\\' && i + 1 < line.length) word += line[++i] as string;
      else if (c === '"' || c === "'") quote = c;
      else word += c;
    }
  }
  if (quote) return undefined;
  if (word !== undefined) words.push(word);
  return words;
}
