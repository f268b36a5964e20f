// The documented defaults of a service, written out for the tests: what the
// loader must produce for a service that gives only its command, and what the
// engine harness fills in. No imports with behaviour: harness.js runs it as
// PID 1 of a namespace.
import type { ServiceConfig } from '../../src/supervisor/types.js';

/**
 * A service as the loader must produce it from a file that gives only its
 * command: the documented defaults, written out here (not taken from the
 * loader), with `fields` over them.
 */
export function defaultService(fields: Pick<ServiceConfig, 'name' | 'argv' | 'commandText'> & Partial<ServiceConfig>): ServiceConfig {
  return {
    env: {},
    dependsOn: [],
    restart: 'no',
    backoff: { initialMs: 1000, maxMs: 30_000 },
    stopSignal: 15,
    stopTimeoutMs: 10_000,
    signalGroup: true,
    stableAfterMs: 10_000,
    disabled: false,
    critical: false,
    exitOnEnd: false,
    ...fields,
  };
}
