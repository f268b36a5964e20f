// Several YAML files as one config, as `docker compose -f a.yaml -f b.yaml`
// does: each file (and each file it names in `include:`, read before it) is a
// layer; a later layer overrides an earlier one key by key, services are
// merged by name, and a service's keys are overridden one by one (`env` and
// `health` merged by variable / key). Every value keeps the file it came
// from, so a problem still points at FILE:LINE:COL of the file that wrote it.
import { readdirSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Problems } from './errors.js';
import { displayPath } from './paths.js';
import { subject } from './validate.js';
import { quote } from './words.js';
import { YamlSource, type ConfigSource, type Located, type Path } from './yaml-source.js';

export interface Layer {
  /** Absolute path. */
  file: string;
  /** As shown in messages. */
  shown: string;
  source: YamlSource;
  /** The parsed document, `include:` taken out. */
  value: unknown;
}

/** How deep `include:` may nest, and how many files one config may be made of (a config is untrusted input). */
export const INCLUDE_LIMITS = { depth: 8, files: 64 } as const;

/** Reads a file's text; undefined when it cannot be read (the reader reported why). */
export type ReadText = (file: string, shown: string, from: { layer: Layer; path: Path } | undefined) => Promise<string | undefined>;

/**
 * Parses `files` in order, each preceded by what its `include:` names (in the
 * order written). Problems (unreadable files, syntax errors, bad includes, an
 * include loop) go to `problems`; the layers that parsed are returned.
 */
export async function readLayers(files: readonly { file: string; shown: string }[], cwd: string, problems: Problems, read: ReadText): Promise<Layer[]> {
  const layers: Layer[] = [];
  let count = 0;
  const visit = async (file: string, shown: string, chain: string[], from: { layer: Layer; path: Path } | undefined): Promise<void> => {
    const real = realPath(file);
    const report = (message: string) => {
      if (!from) return problems.add(shown, 0, 0, message);
      const at = from.layer.source.locate(from.path);
      problems.add(from.layer.shown, at.line, at.column, `include: ${message}`);
    };
    if (chain.includes(real)) {
      const loop = [...chain.slice(chain.indexOf(real)), real].map((f) => displayPath(f, cwd)).join(' -> ');
      return report(`${quote(shown)} includes itself (${loop}); expected includes without a loop`);
    }
    if (chain.length > INCLUDE_LIMITS.depth) {
      return report(`${quote(shown)} is nested more than ${INCLUDE_LIMITS.depth} includes deep; expected fewer levels of include:`);
    }
    if (++count > INCLUDE_LIMITS.files) {
      return report(`${quote(shown)} would make more than ${INCLUDE_LIMITS.files} files; expected at most ${INCLUDE_LIMITS.files} files in one config`);
    }
    const text = await read(file, shown, from);
    if (text === undefined) return;
    const parsed = YamlSource.parse(shown, text, problems);
    if (!parsed) return;
    const layer: Layer = { file, shown, source: parsed.source, value: parsed.value };
    if (isMap(parsed.value) && Object.hasOwn(parsed.value, 'include')) {
      // Followed here, and taken out: the merged config never sees an include:.
      const { include, ...rest } = parsed.value;
      layer.value = rest;
      for (const entry of includeEntries(layer, include, problems)) {
        for (const target of expandPattern(resolve(dirname(file), entry.name), layer, entry.path, problems)) {
          await visit(target, displayPath(target, cwd), [...chain, real], { layer, path: entry.path });
        }
      }
    }
    layers.push(layer);
  };
  for (const { file, shown } of files) await visit(file, shown, [], undefined);
  return layers;
}

/**
 * The file's real path, to find include loops; the path as given when it has
 * none (missing: the reader reports it). Synchronous, as the files are read
 * (read-file.ts): node:fs/promises would start libuv's four threads in PID 1
 * for good, for one system call per file.
 */
function realPath(file: string): string {
  try {
    return realpathSync.native(file);
  } catch {
    return file;
  }
}

/** `include: a.yaml` or `include: [a.yaml, conf.d/*.yaml]`; anything else is reported. */
function includeEntries(layer: Layer, include: unknown, problems: Problems): { name: string; path: Path }[] {
  const expected = 'expected a file path or a list of file paths (relative to this file; * and ? allowed in the file name)';
  const bad = (path: Path, what: string) => {
    const at = layer.source.locate(path);
    problems.add(layer.shown, at.line, at.column, `${subject(path)}: ${what}; ${expected}`);
  };
  if (typeof include === 'string' && include !== '') return [{ name: include, path: ['include'] }];
  if (!Array.isArray(include)) {
    bad(['include'], include === '' ? 'is empty' : 'is not a file path or a list');
    return [];
  }
  const entries: { name: string; path: Path }[] = [];
  include.forEach((item, i) => {
    if (typeof item === 'string' && item !== '') entries.push({ name: item, path: ['include', i] });
    else bad(['include', i], typeof item === 'string' ? 'is empty' : 'is not a file path');
  });
  return entries;
}

/**
 * A path whose file name holds * or ? stands for the files of its directory
 * that match, in name order (supervisord's `[include] files = conf.d/*.conf`);
 * none is not an error. Any other path stands for itself.
 */
function expandPattern(path: string, layer: Layer, at: Path, problems: Problems): string[] {
  const name = basename(path);
  if (!/[*?]/.test(name)) {
    if (/[*?]/.test(dirname(path))) {
      const pos = layer.source.locate(at);
      problems.add(layer.shown, pos.line, pos.column, `include: ${quote(path)} has * or ? in a directory name; expected them in the file name only`);
      return [];
    }
    return [path];
  }
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return [];
  }
  // A leading * does not match hidden files, as in the shell.
  return names.filter((n) => globMatches(name, n) && (!n.startsWith('.') || name.startsWith('.'))).sort().map((n) => join(dirname(path), n));
}

/**
 * Whether a file name matches a pattern of * (any run of characters) and ?
 * (one character), everything else literal. A loop that goes back only to
 * the last *, so at most name x pattern steps: the pattern as a regular
 * expression (each * a [^/]*) backtracked exponentially, and
 * `include: "a*a*a*...a*b.yaml"` beside a file named aaa...a.yaml hung the
 * loader.
 */
export function globMatches(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    if (p < pattern.length && (pattern[p] === '?' || (pattern[p] !== '*' && pattern[p] === name[n]))) {
      p++;
      n++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = n;
    } else if (star >= 0) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Which keys merge with the earlier layers' instead of replacing them: '*' is any key. */
interface MergeRule {
  [key: string]: MergeRule;
}
const MERGED: MergeRule = { health: {}, env: {}, services: { '*': { env: {} } } };

/** Which layer wrote a value; for a merged map, which layer wrote each key. */
interface Origin {
  layer: number;
  children: Map<string, Origin>;
}

/** The layers as one value, and a source that locates each part of it in the file that wrote it. */
export function mergeLayers(layers: readonly Layer[]): { value: unknown; source: LayeredSource } {
  let value: unknown = undefined;
  const origin: Origin = { layer: 0, children: new Map() };
  layers.forEach((layer, i) => (value = mergeValue(value, layer.value, i, origin, MERGED)));
  return { value, source: new LayeredSource(layers, origin) };
}

function mergeValue(base: unknown, over: unknown, layer: number, origin: Origin, rule: MergeRule | undefined): unknown {
  if (!rule || !isMap(base) || !isMap(over)) {
    origin.layer = layer;
    origin.children = new Map();
    return over;
  }
  // The keys written before keep their layer; the map itself is now (also) this layer's.
  for (const key of Object.keys(base)) if (!origin.children.has(key)) origin.children.set(key, { layer: origin.layer, children: new Map() });
  origin.layer = layer;
  const out: Record<string, unknown> = { ...base };
  for (const [key, next] of Object.entries(over)) {
    const child = origin.children.get(key) ?? { layer, children: new Map() };
    origin.children.set(key, child);
    const merged = Object.hasOwn(base, key) ? mergeValue(base[key], next, layer, child, rule[key] ?? rule['*']) : mergeValue(undefined, next, layer, child, undefined);
    // defineProperty: a key named __proto__ stays a key.
    Object.defineProperty(out, key, { value: merged, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export class LayeredSource implements ConfigSource {
  constructor(
    readonly layers: readonly Layer[],
    readonly origin: Origin,
  ) {}

  /** The layer that wrote the value at `path` (or its nearest written ancestor). */
  #owner(path: Path): Layer {
    let node = this.origin;
    for (const segment of path) {
      const next = node.children.get(String(segment));
      if (!next) break;
      node = next;
    }
    return this.layers[node.layer] as Layer;
  }

  locate(path: Path, options: { key?: boolean } = {}): Located {
    const layer = this.#owner(path);
    return { file: layer.shown, ...layer.source.locate(path, options) };
  }

  locateInString(path: Path, index: number): Located {
    const layer = this.#owner(path);
    return { file: layer.shown, ...layer.source.locateInString(path, index) };
  }

  /** Directory of the file that wrote the value at `path`: relative paths there start from it. */
  dirOf(path: Path): string {
    return dirname(this.#owner(path).file);
  }

  keysAt(path: Path): string[] {
    const keys: string[] = [];
    for (const layer of this.layers) for (const k of layer.source.keysAt(path)) if (!keys.includes(k)) keys.push(k);
    return keys;
  }
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
