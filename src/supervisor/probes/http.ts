// Ready when GET url answers 2xx or 3xx (redirects are not followed: a 3xx
// already proves the server answers).
import http from 'node:http';
import https from 'node:https';
import type { Probe } from '../types.js';

export function httpProbe(probe: Extract<Probe, { kind: 'http' }>, deadline: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', abort);
      request.destroy();
      resolve(ok);
    };
    const abort = () => done(false);
    const client = probe.url.startsWith('https:') ? https : http;
    // No keep-alive: a probe must not hold a connection (and a timer) between attempts.
    const request = client.get(probe.url, { agent: false, headers: { 'user-agent': 'usher-probe' } }, (response) => {
      const code = response.statusCode ?? 0;
      response.resume();
      done(code >= 200 && code < 400);
    });
    request.on('error', () => done(false));
    const timer = setTimeout(abort, Math.max(0, deadline - Date.now()));
    signal.addEventListener('abort', abort);
  });
}
