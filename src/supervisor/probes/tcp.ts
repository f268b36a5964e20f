// Ready when a TCP connection to host:port succeeds.
import net from 'node:net';
import type { Probe } from '../types.js';

export function tcpProbe(probe: Extract<Probe, { kind: 'tcp' }>, deadline: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: probe.host, port: probe.port });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', abort);
      socket.destroy();
      resolve(ok);
    };
    const abort = () => done(false);
    const timer = setTimeout(abort, Math.max(0, deadline - Date.now()));
    signal.addEventListener('abort', abort);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
