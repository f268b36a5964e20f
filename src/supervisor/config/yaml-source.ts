// A YAML file parsed with the position of every node, so that any problem
// found later (by the schema, by the semantic checks) points at the line and
// column of the value or key it is about.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { Problems } from './errors.js';
import { quote } from './words.js';

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
    const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true, version: '1.2' });
    const source = new YamlSource(file, text, document, lines);
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        const at = source.positionOf(error.pos[0]);
        problems.add(file, at.line, at.column, syntaxMessage(error.code, error.message, text, error.pos[0]));
      }
      return undefined;
    }
    // Aliases are expanded; a "billion laughs" file is cut by maxAliasCount.
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      problems.add(file, 1, 1, `${(e as Error).message}; expected a plain YAML document`);
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
    if (node && isScalar(node) && typeof node.value === 'string' && node.range) {
      const raw = this.text.slice(node.range[0], node.range[1]);
      const value = node.value;
      if (node.type === 'PLAIN' && raw === value) return this.positionOf(node.range[0] + index);
      if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && raw.slice(1, -1) === value) {
        return this.positionOf(node.range[0] + 1 + index);
      }
    }
    return this.locate(path);
  }

  /** The keys of the map at `path`, in file order. */
  keysAt(path: Path): string[] {
    const found = this.#walk(path);
    if (!found.complete || !found.node || !isMap(found.node)) return [];
    return (found.node.items as Pair<Node, Node>[]).map((p) => keyText(p.key)).filter((k): k is string => k !== undefined && k !== '<<');
  }

  #walk(path: Path): { node: Node | undefined; keyNode: Node | undefined; complete: boolean } {
    let node: Node | undefined = resolve(this.document, this.document.contents ?? undefined);
    let keyNode: Node | undefined;
    for (const segment of path) {
      const next = child(this.document, node, segment);
      if (!next) return { node, keyNode, complete: false };
      node = next.value;
      keyNode = next.key;
    }
    return { node, keyNode, complete: true };
  }
}

function resolve(document: Document.Parsed, node: Node | undefined | null): Node | undefined {
  let n = node ?? undefined;
  for (let hops = 0; n && isAlias(n) && hops < 100; hops++) n = (n.resolve(document) as Node | undefined) ?? undefined;
  return n;
}

function child(document: Document.Parsed, node: Node | undefined, segment: string | number): { key: Node | undefined; value: Node | undefined } | undefined {
  if (!node) return undefined;
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment] as Node | undefined;
    return item ? { key: undefined, value: resolve(document, item) ?? item } : undefined;
  }
  if (!isMap(node)) return undefined;
  const pairs = node.items as Pair<Node, Node>[];
  for (const pair of pairs) {
    if (isPair(pair) && keyText(pair.key) === String(segment)) {
      const value = resolve(document, pair.value ?? undefined);
      // A key with no value (`ready:`) points at its key.
      return { key: pair.key ?? undefined, value: value ?? pair.key ?? undefined };
    }
  }
  // `<<: *anchor` merge keys: the value was written in the merged map.
  for (const pair of pairs) {
    if (isPair(pair) && keyText(pair.key) === '<<') {
      const sources = resolve(document, pair.value ?? undefined);
      const list = sources && isSeq(sources) ? (sources.items as Node[]) : [sources];
      for (const source of list) {
        const found = child(document, resolve(document, source), segment);
        if (found) return found;
      }
    }
  }
  return undefined;
}

/** A key as text; merge keys (`<<`, a symbol once parsed) as '<<'. */
function keyText(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  return typeof key.value === 'symbol' ? (key.value.description ?? '<<') : String(key.value);
}

function syntaxMessage(code: string, message: string, text: string, offset: number): string {
  const plain = message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? message;
  if (code === 'DUPLICATE_KEY') {
    const key = /^[^:\n]*/.exec(text.slice(offset))?.[0]?.trim();
    return `duplicate key${key ? ` ${quote(key)}` : ''}; expected each key once in a map`;
  }
  return `YAML syntax error: ${echo(plain)}; expected valid YAML`;
}

const SYNTAX_MESSAGE_CHARS = 120;

/** The parser's message may quote the file (a token): one line, cut short, control characters escaped. */
function echo(message: string): string {
  const cut = message.length > SYNTAX_MESSAGE_CHARS ? `${message.slice(0, SYNTAX_MESSAGE_CHARS)}...` : message;
  return cut.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

