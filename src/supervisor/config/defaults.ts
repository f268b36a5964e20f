// Every default of usher.yaml in one place (the schema's "default" annotations say the same).
import { SIG } from '../../core/signals.js';
import type { RestartPolicy } from '../types.js';

export const DEFAULTS = {
  graceMs: 25_000,
  /** Every address, IPv6 and IPv4 (0.0.0.0 where the kernel has no IPv6): a kubelet probes the pod IP, not loopback. */
  healthHost: '::',
  stopSignal: SIG.TERM as number,
  stopTimeoutMs: 10_000,
  signalGroup: true,
  /** An instance that ran this long resets max_restarts' count and the back-off. */
  stableAfterMs: 10_000,
  restart: 'no' as RestartPolicy,
  backoff: { initialMs: 1_000, maxMs: 30_000 },
  /** Procfile entries are always critical (foreman: when one exits, all stop). */
  yamlCritical: false,
} as const;
