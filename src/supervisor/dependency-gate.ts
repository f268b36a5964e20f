// Whether a waiting service may start: every dependency meets its condition
// (started, ready, completed), or one never will, and the service fails with
// the reason.
import type { DependencyCondition, ServiceConfig, ServiceState } from './types.js';

export interface DependencyView {
  state: ServiceState;
  /** An instance has been spawned at least once. */
  everStarted: boolean;
  /** An instance has been ready at least once (running, for a service without a ready probe). */
  everReady: boolean;
  /** Why it failed, when it did. */
  reason?: string;
}

export type Verdict = { kind: 'go' } | { kind: 'wait' } | { kind: 'fail'; reason: string; dependency: string };

export function checkDependencies(service: ServiceConfig, lookup: (name: string) => DependencyView | undefined): Verdict {
  for (const { name, condition } of service.dependsOn) {
    const dep = lookup(name);
    if (!dep) return { kind: 'fail', dependency: name, reason: `depends on "${name}", which is not a service` };
    const verdict = conditionVerdict(name, condition, dep);
    if (verdict.kind !== 'go') return verdict;
  }
  return { kind: 'go' };
}

function conditionVerdict(name: string, condition: DependencyCondition, dep: DependencyView): Verdict {
  const why = dep.reason ? `: ${dep.reason}` : '';
  switch (condition) {
    case 'started':
      if (dep.everStarted) return { kind: 'go' };
      if (dep.state === 'failed') return { kind: 'fail', dependency: name, reason: `dependency "${name}" failed before it started${why}` };
      return { kind: 'wait' };
    case 'ready':
      if (dep.everReady) return { kind: 'go' };
      if (dep.state === 'failed') return { kind: 'fail', dependency: name, reason: `dependency "${name}" failed before it was ready${why}` };
      if (dep.state === 'completed') {
        return { kind: 'fail', dependency: name, reason: `dependency "${name}" exited before it was ready` };
      }
      return { kind: 'wait' };
    case 'completed':
      if (dep.state === 'completed') return { kind: 'go' };
      if (dep.state === 'failed') return { kind: 'fail', dependency: name, reason: `dependency "${name}" did not complete${why}` };
      return { kind: 'wait' };
  }
}
