// When the tree is ready to be stopped: once no new process appeared for the
// settle time, or when a --ready condition holds (a TCP port accepts, an HTTP
// URL answers, a line of output matches). One small probe per kind.
import { connect } from 'node:net';

export type ReadyCondition =
  | { kind: 'tcp'; port: number; host: string }
  | { kind: 'http'; url: string }
  | { kind: 'log'; pattern: RegExp };

/** Parses `tcp:PORT`, `tcp:HOST:PORT`, `http:URL` (or a bare http(s):// URL) and `log:REGEX`; undefined if none fits. */
export function parseReady(text: string): ReadyCondition | undefined {
  if (/^https?:\/\//.test(text)) return { kind: 'http', url: text };
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  const kind = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (kind === 'tcp') {
    const m = /^(?:(.+):)?(\d{1,5})$/.exec(rest);
    const port = Number(m?.[2]);
    if (!m || port < 1 || port > 65535) return undefined;
    return { kind: 'tcp', port, host: m[1]?.replace(/^\[(.*)\]$/, '$1') ?? '127.0.0.1' };
  }
  if (kind === 'http') {
    const url = /^https?:\/\//.test(rest) ? rest : `http://${rest.replace(/^\/\//, '')}`;
    try {
      new URL(url);
    } catch {
      return undefined;
    }
    return { kind: 'http', url };
  }
  if (kind === 'log') {
    try {
      return { kind: 'log', pattern: new RegExp(rest) };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function describeReady(c: ReadyCondition): string {
  if (c.kind === 'tcp') return `port ${c.host}:${c.port} to accept connections`;
  if (c.kind === 'http') return `${c.url} to answer`;
  return `a line of output matching /${c.pattern.source}/`;
}

/** One try of a network condition; log conditions are matched as output arrives. */
export function probeOnce(c: ReadyCondition): Promise<boolean> {
  if (c.kind === 'tcp') {
    return new Promise((resolve) => {
      const socket = connect({ port: c.port, host: c.host });
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(1000, () => done(false));
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    });
  }
  if (c.kind === 'http') {
    return fetch(c.url, { signal: AbortSignal.timeout(2000), redirect: 'manual' })
      .then(async (res) => {
        await res.body?.cancel();
        return true;
      })
      .catch(() => false);
  }
  return Promise.resolve(false);
}

/** Matches complete lines of output against a log condition, across chunk boundaries. */
export class LineMatcher {
  #partial = '';
  matched = false;
  constructor(private readonly pattern: RegExp) {}
  feed(chunk: string): void {
    if (this.matched) return;
    const lines = (this.#partial + chunk).split('\n');
    this.#partial = lines.pop() ?? '';
    if (lines.some((l) => this.pattern.test(l)) || this.pattern.test(this.#partial)) this.matched = true;
  }
}
