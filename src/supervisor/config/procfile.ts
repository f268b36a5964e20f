// A Procfile, with foreman's semantics: `name: command` per line, each
// command through /bin/sh -c, every entry critical and never restarted (when
// one exits, all stop). Comments (#) and blank lines are allowed.
import type { ServiceConfig, SupervisorConfig } from '../types.js';
import { DEFAULTS } from './defaults.js';
import { Problems } from './errors.js';
import { execIfSimple } from './shell-command.js';
import { invalidServiceName } from './validate.js';

const ENTRY = /^([^:\s][^:]*?)[ \t]*:[ \t]*(.*)$/;

export function buildProcfileConfig(file: string, shown: string, text: string, problems: Problems): SupervisorConfig | undefined {
  const services: ServiceConfig[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((line, index) => {
    const number = index + 1;
    const indent = line.length - line.trimStart().length;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = ENTRY.exec(trimmed);
    if (!match) {
      problems.add(shown, number, indent + 1, `not a 'name: command' line; expected 'name: command', a # comment or a blank line`);
      return;
    }
    const [, name, command] = match as unknown as [string, string, string];
    const expected = invalidServiceName(name);
    if (expected !== undefined) {
      problems.add(shown, number, indent + 1, `'${name}' is not a valid service name; expected ${expected}`);
      return;
    }
    const first = seen.get(name);
    if (first !== undefined) {
      problems.add(shown, number, indent + 1, `'${name}' is defined twice (first on line ${first}); expected each name once`);
      return;
    }
    seen.set(name, number);
    if (command.trim() === '') {
      problems.add(shown, number, indent + name.length + 2, `'${name}' has no command; expected 'name: command'`);
      return;
    }
    services.push({
      name,
      argv: ['/bin/sh', '-c', execIfSimple(command.trim())],
      commandText: command.trim(),
      env: {},
      dependsOn: [],
      restart: 'no',
      backoff: { ...DEFAULTS.backoff },
      stopSignal: DEFAULTS.stopSignal,
      stopTimeoutMs: DEFAULTS.stopTimeoutMs,
      signalGroup: DEFAULTS.signalGroup,
      critical: true,
    });
  });
  if (services.length === 0 && problems.empty) {
    problems.add(shown, 0, 0, `has no entries; expected 'name: command' lines`);
  }
  if (!problems.empty) return undefined;
  return {
    file,
    format: 'procfile',
    graceMs: DEFAULTS.graceMs,
    services,
    startOrder: [services.map((s) => s.name)],
  };
}
