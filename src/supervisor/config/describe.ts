// What `usher run --check` prints: the start order, one line per wave.
//   1. db, cache
//   2. migrate (after db: ready)
//   3. web (after db: ready, migrate: completed)
import type { ServiceConfig, SupervisorConfig } from '../types.js';

export function describeStartOrder(config: SupervisorConfig): string {
  const byName = new Map(config.services.map((s) => [s.name, s]));
  return config.startOrder
    .map((wave, i) => `${i + 1}. ${wave.map((name) => describeService(byName.get(name), name)).join(', ')}`)
    .join('\n');
}

function describeService(service: ServiceConfig | undefined, name: string): string {
  const notes: string[] = [];
  if (service && service.dependsOn.length > 0) notes.push(`after ${service.dependsOn.map((d) => `${d.name}: ${d.condition}`).join(', ')}`);
  if (service?.disabled) notes.push('disabled: only by usher start');
  return notes.length === 0 ? name : `${name} (${notes.join('; ')})`;
}
