// Runs the supervisor engine on a hand-built config given as JSON (defaults
// filled in here), so the engine can be tested without the usher.yaml loader:
//   node harness.js '<json>' [json|text]
// A log probe's pattern is given as a string.
import { compileLinePattern } from '../../src/supervisor/probes/line-pattern.js';
import { runSupervisor } from '../../src/supervisor/run-supervisor.js';
import type { ServiceConfig, SupervisorConfig } from '../../src/supervisor/types.js';
import { defaultService } from './default-service.js';

type Partial_ = Partial<Omit<ServiceConfig, 'ready' | 'live'>> & { name: string; argv: string[]; ready?: any; live?: any };

const input = JSON.parse(process.argv[2] ?? '{}') as { graceMs?: number; format?: 'yaml' | 'procfile'; services: Partial_[] };
const fixProbe = (spec: any) =>
  spec && spec.probe.kind === 'log' ? { ...spec, probe: { kind: 'log', pattern: compileLinePattern(spec.probe.pattern) } } : spec;

const config: SupervisorConfig = {
  file: '/harness.json',
  format: input.format ?? 'yaml',
  graceMs: input.graceMs ?? 10_000,
  startOrder: [],
  services: input.services.map((s) =>
    defaultService({ commandText: s.argv.join(' '), ...s, ready: fixProbe(s.ready), live: fixProbe(s.live) } as ServiceConfig),
  ),
};
for (const s of config.services) {
  if (s.ready === undefined) delete (s as Partial<ServiceConfig>).ready;
  if (s.live === undefined) delete (s as Partial<ServiceConfig>).live;
}

const code = await runSupervisor(config, { logFormat: (process.argv[3] as 'json' | 'text') ?? 'text', colour: false });
process.exit(code);
