// A YAML file parsed with the position of every node, so that any problem
// found later (by the schema, by the semantic checks) points at the line and
// column of the value or key it is about.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Alias, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { Problems } from './errors.js';
import { quote } from './words.js';

/**
 * Aliases (*name) in one file: compose-style files use one per service
 * (`<<: *defaults`). The yaml package resolves each alias by a search of
 * every anchor and alias before it, so their number is capped, as well as
 * what they expand to (maxAliasCount, against a "billion laughs").
 */
export const MAX_ALIASES = 1000;
/** How many times what one anchor holds may be repeated through aliases (yaml's maxAliasCount). */
const MAX_ALIAS_EXPANSION = 1000;

/** A path into the parsed value: map keys and list indexes. */
export type Path = readonly (string | number)[];

export interface Position {
  line: number;
  column: number;
}

/** A position and the file (as shown) it is in. */
export interface Located extends Position {
  file: string;
}

/** Where the parts of a config's value were written: one file, or several merged (layers.ts). */
export interface ConfigSource {
  /** Where the value (or with `key`, its key) at `path` is written; the nearest written ancestor when it is missing. */
  locate(path: Path, options?: { key?: boolean }): Located;
  /** Where character `index` of the string at `path` is written, when it can be known; else the value's start. */
  locateInString(path: Path, index: number): Located;
  /** Directory of the file that wrote the value at `path`: relative paths in it start there. */
  dirOf(path: Path): string;
  /** The keys of the map at `path`, in the order written. */
  keysAt(path: Path): string[];
}

export class YamlSource {
  readonly #lines: LineCounter;
  /** What each alias stands for, found in one pass (the yaml package searches the file again for each alias). */
  readonly #aliases = new Map<Alias, Node | undefined>();
  /** Where each string scalar written as it is starts (#verbatimStart). */
  readonly #verbatim = new WeakMap<Scalar, number | undefined>();
  /** The pairs of each map by key: a map of thousands of keys is searched once per problem. */
  readonly #pairs = new WeakMap<YAMLMap, { byKey: Map<string, Pair<Node, Node>>; merges: Pair<Node, Node>[] }>();

  private constructor(
    /** The file as shown in messages. */
    readonly file: string,
    readonly text: string,
    readonly document: Document.Parsed,
    lines: LineCounter,
  ) {
    this.#lines = lines;
  }

  /**
   * Parses `text`; syntax errors go to `problems` and the result is undefined
   * (a file that is not YAML cannot be checked further).
   */
  static parse(file: string, text: string, problems: Problems): { source: YamlSource; value: unknown } | undefined {
    const lines = new LineCounter();
    // Duplicate keys are found by #scan: the yaml package's own check compares each key with every
    // key before it in its map (minutes for a map of 60 000 keys).
    const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false, merge: true, version: '1.2' });
    const source = new YamlSource(file, text, document, lines);
    const { duplicates, aliases } = source.#scan();
    for (const [start, end] of duplicates) {
      const at = source.positionOf(start);
      problems.add(file, at.line, at.column, duplicateKeyMessage(text.slice(start, end).split('\n')[0] as string));
    }
    if (document.errors.length > 0 || duplicates.length > 0) {
      for (const error of document.errors) {
        const at = source.positionOf(error.pos[0]);
        problems.add(file, at.line, at.column, syntaxMessage(error.message));
      }
      return undefined;
    }
    if (aliases.length > MAX_ALIASES) {
      const at = source.positionOf(aliases[MAX_ALIASES]?.range?.[0] ?? 0);
      problems.add(file, at.line, at.column, `${aliases.length} aliases (*name) in one file; expected at most ${MAX_ALIASES}`);
      return undefined;
    }
    // Aliases are expanded; a "billion laughs" file is cut by maxAliasCount.
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
    } catch (e) {
      // Its message quotes the file (an alias's name can be the whole file): cut like a syntax error's.
      problems.add(file, 1, 1, `${echo(firstLine((e as Error).message))}; expected a plain YAML document`);
      return undefined;
    }
    return { source, value };
  }

  positionOf(offset: number): Position {
    const { line, col } = this.#lines.linePos(Math.max(0, Math.min(offset, this.text.length)));
    return { line, column: col };
  }

  /**
   * Where the value at `path` is written; with `key`, where its key is. Falls
   * back to the nearest ancestor that exists (a missing key: its map).
   */
  locate(path: Path, { key = false }: { key?: boolean } = {}): Position {
    const found = this.#walk(path);
    // `web:` with nothing after it: the value is an empty node at the line's end; the key says more.
    const empty = found.node !== undefined && isScalar(found.node) && found.node.value === null && found.node.range?.[0] === found.node.range?.[1];
    const node = (key || empty) && found.complete ? (found.keyNode ?? found.node) : (found.node ?? found.keyNode);
    const offset = node?.range?.[0] ?? found.keyNode?.range?.[0] ?? 0;
    return this.positionOf(offset);
  }

  /**
   * The position of character `index` of the string at `path`, when it can be
   * known (plain and quoted one-line scalars without escapes); else the
   * value's start.
   */
  locateInString(path: Path, index: number): Position {
    const found = this.#walk(path);
    const node = found.complete ? found.node : undefined;
    const start = node && isScalar(node) ? this.#verbatimStart(node) : undefined;
    return start !== undefined ? this.positionOf(start + index) : this.locate(path);
  }

  /**
   * Where a string scalar's value starts in the text, when the value is
   * written exactly as it is (no escapes, one line); undefined otherwise.
   * Known once per scalar: a value of 200 000 `${VAR}` asks 200 000 times.
   */
  #verbatimStart(node: Scalar): number | undefined {
    if (this.#verbatim.has(node)) return this.#verbatim.get(node);
    let start: number | undefined;
    if (typeof node.value === 'string' && node.range) {
      const raw = this.text.slice(node.range[0], node.range[1]);
      if (node.type === 'PLAIN' && raw === node.value) start = node.range[0];
      else if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && raw.slice(1, -1) === node.value) start = node.range[0] + 1;
    }
    this.#verbatim.set(node, start);
    return start;
  }

  /** The keys of the map at `path`, in file order. */
  keysAt(path: Path): string[] {
    const found = this.#walk(path);
    if (!found.complete || !found.node || !isMap(found.node)) return [];
    return (found.node.items as Pair<Node, Node>[]).map((p) => keyText(p.key)).filter((k): k is string => k !== undefined && k !== '<<');
  }

  #walk(path: Path): { node: Node | undefined; keyNode: Node | undefined; complete: boolean } {
    let node: Node | undefined = this.#resolve(this.document.contents ?? undefined);
    let keyNode: Node | undefined;
    for (const segment of path) {
      const next = this.#child(node, segment, 0);
      if (!next) return { node, keyNode, complete: false };
      node = next.value;
      keyNode = next.key;
    }
    return { node, keyNode, complete: true };
  }

  /**
   * One pass over the document, in its order: where each key already
   * present in its map (scalars compared by value, as the yaml package does),
   * every alias, and what each alias stands for (the last node anchored with
   * its name before it).
   */
  #scan(): { duplicates: [number, number][]; aliases: Alias[] } {
    const duplicates: [number, number][] = [];
    const aliases: Alias[] = [];
    const anchored = new Map<string, Node>();
    visit(this.document, {
      Node: (_key, node) => {
        if (isAlias(node)) {
          aliases.push(node);
          this.#aliases.set(node, anchored.get(node.source));
          return;
        }
        if (node.anchor) anchored.set(node.anchor, node);
        if (!isMap(node)) return;
        const seen = new Set<unknown>();
        for (const pair of node.items as Pair<Node, Node>[]) {
          if (!isScalar(pair.key)) continue;
          const value = pair.key.value;
          // NaN is not equal to itself: two `.nan` keys are not the same key.
          if (typeof value === 'number' && Number.isNaN(value)) continue;
          if (seen.has(value)) duplicates.push([pair.key.range?.[0] ?? 0, pair.key.range?.[1] ?? 0]);
          else seen.add(value);
        }
      },
    });
    return { duplicates, aliases };
  }

  #resolve(node: Node | undefined | null): Node | undefined {
    let n = node ?? undefined;
    for (let hops = 0; n && isAlias(n) && hops < 100; hops++) n = this.#aliases.get(n);
    return n;
  }

  #child(node: Node | undefined, segment: string | number, depth: number): { key: Node | undefined; value: Node | undefined } | undefined {
    if (!node) return undefined;
    if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      return item ? { key: undefined, value: this.#resolve(item) ?? item } : undefined;
    }
    if (!isMap(node)) return undefined;
    const { byKey, merges } = this.#pairsOf(node);
    const pair = byKey.get(String(segment));
    if (pair) {
      const value = this.#resolve(pair.value ?? undefined);
      // A key with no value (`ready:`) points at its key.
      return { key: pair.key ?? undefined, value: value ?? pair.key ?? undefined };
    }
    // `<<: *anchor` merge keys: the value was written in the merged map (a merge of merges: a few levels).
    if (depth >= 100) return undefined;
    for (const merge of merges) {
      const sources = this.#resolve(merge.value ?? undefined);
      const list = sources && isSeq(sources) ? (sources.items as Node[]) : [sources];
      for (const source of list) {
        const found = this.#child(this.#resolve(source), segment, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  }

  /** The pairs of a map by key, and its merge keys; built once per map. */
  #pairsOf(map: YAMLMap): { byKey: Map<string, Pair<Node, Node>>; merges: Pair<Node, Node>[] } {
    let pairs = this.#pairs.get(map);
    if (!pairs) {
      pairs = { byKey: new Map(), merges: [] };
      for (const pair of map.items as Pair<Node, Node>[]) {
        if (!isPair(pair)) continue;
        const key = keyText(pair.key);
        if (key === '<<') pairs.merges.push(pair);
        // The first pair of a key, as a search from the start finds it.
        else if (key !== undefined && !pairs.byKey.has(key)) pairs.byKey.set(key, pair);
      }
      this.#pairs.set(map, pairs);
    }
    return pairs;
  }
}

/** A key as text; merge keys (`<<`, a symbol once parsed) as '<<'. */
function keyText(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  return typeof key.value === 'symbol' ? (key.value.description ?? '<<') : String(key.value);
}

/** `written`: the key as in the file (quotes included), its first line. */
function duplicateKeyMessage(written: string): string {
  const key = written.trim();
  return `duplicate key${key ? ` ${quote(key)}` : ''}; expected each key once in a map`;
}

function syntaxMessage(message: string): string {
  // The parser recurses once per level of nesting, and reports running out of stack as an error of the file.
  if (message.includes('Maximum call stack size exceeded')) {
    return `lists or maps nested too deeply for the YAML parser (hundreds of levels); expected a config file's few levels`;
  }
  const plain = firstLine(message).replace(/ at line \d+, column \d+:?$/, '');
  return `YAML syntax error: ${echo(plain)}; expected valid YAML`;
}

const SYNTAX_MESSAGE_CHARS = 120;

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** The parser's message may quote the file (a token): one line, cut short, control characters escaped. */
function echo(message: string): string {
  const cut = message.length > SYNTAX_MESSAGE_CHARS ? `${message.slice(0, SYNTAX_MESSAGE_CHARS)}...` : message;
  return cut.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

