// GET /metrics on the health server: the supervisor's state in Prometheus's
// text exposition format 0.0.4, for the pod's monitoring. Names and numbers
// only: no command, no reason, no status text a service sent (any of them can
// quote a secret), like /ready.
import { constants as osConstants } from 'node:os';
import type { MetricsSnapshot, ServiceState, ServiceStatus } from './types.js';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const STATES: readonly ServiceState[] = ['waiting', 'starting', 'running', 'backoff', 'stopping', 'stopped', 'completed', 'failed'];

const SIGNALS = osConstants.signals as Readonly<Record<string, number>>;

type Sample = readonly [labels: Record<string, string>, value: number];

interface Family {
  name: string;
  type: 'gauge' | 'counter';
  help: string;
  samples: Sample[];
}

/** The whole exposition for one snapshot. */
export function formatMetrics(snapshot: MetricsSnapshot): string {
  return families(snapshot).map(formatFamily).join('');
}

function families({ now, services, shutdown }: MetricsSnapshot): Family[] {
  const per = (value: (s: ServiceStatus, since: number) => number | undefined): Sample[] =>
    services.flatMap(({ status, stateSince }) => {
      const v = value(status, stateSince);
      return v === undefined ? [] : [[{ service: status.name }, v] as const];
    });
  const shutdownMs = shutdown.startedAt === null ? 0 : (shutdown.endedAt ?? now) - shutdown.startedAt;
  return [
    {
      name: 'usher_service_up',
      type: 'gauge',
      help: 'Whether a process of the service is running (1) or not (0).',
      samples: per((s) => (s.pid !== null ? 1 : 0)),
    },
    {
      name: 'usher_service_ready',
      type: 'gauge',
      help: 'Whether the service is running and its ready check, if it has one, passed (1), or not (0).',
      samples: per((s) => (s.state === 'running' && s.ready !== false ? 1 : 0)),
    },
    {
      name: 'usher_service_state',
      type: 'gauge',
      help: 'The state the service is in (1), one sample per state.',
      samples: services.flatMap(({ status }) =>
        STATES.map((state) => [{ service: status.name, state }, status.state === state ? 1 : 0] as const),
      ),
    },
    {
      name: 'usher_service_state_duration_seconds',
      type: 'gauge',
      help: 'How long the service has been in its current state.',
      samples: per((_, since) => Math.max(0, now - since) / 1000),
    },
    {
      name: 'usher_service_restarts_total',
      type: 'counter',
      help: 'Restarts by the restart policy since usher started (those asked for with usher restart not counted).',
      samples: per((s) => s.restarts),
    },
    {
      name: 'usher_service_last_exit_code',
      type: 'gauge',
      help: 'Exit status of the last instance that ended, as a shell reports it (128+N when killed by signal N); absent until one ends.',
      samples: per((s) => exitStatusOf(s.lastExit)),
    },
    {
      name: 'usher_shutting_down',
      type: 'gauge',
      help: 'Whether usher is stopping every service (1) or not (0).',
      samples: [[{}, shutdown.startedAt === null ? 0 : 1]],
    },
    {
      name: 'usher_shutdown_duration_seconds',
      type: 'gauge',
      help: 'How long the shutdown has taken so far, or took; 0 before it starts.',
      samples: [[{}, shutdownMs / 1000]],
    },
    {
      name: 'usher_killed_processes_total',
      type: 'counter',
      help: 'Processes usher had to SIGKILL because they outlived their stop_timeout or the grace period.',
      samples: [[{}, shutdown.killed]],
    },
  ];
}

function exitStatusOf(lastExit: ServiceStatus['lastExit']): number | undefined {
  if (!lastExit) return undefined;
  if (lastExit.code !== null) return lastExit.code;
  const signal = lastExit.signal === null ? undefined : SIGNALS[lastExit.signal];
  return signal === undefined ? undefined : 128 + signal;
}

function formatFamily(family: Family): string {
  let out = `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`;
  for (const [labels, value] of family.samples) out += `${family.name}${formatLabels(labels)} ${formatValue(value)}\n`;
  return out;
}

function formatLabels(labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

/** The format's escapes in a label value: backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** In HELP text only backslash and line feed are escaped. */
function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

function formatValue(value: number): string {
  if (Number.isInteger(value)) return String(value);
  // Milliseconds are the clock's resolution: no more digits than that.
  return String(+value.toFixed(3));
}
