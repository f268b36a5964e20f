// depends_on, checked as a graph: every name exists, no cycle, every
// condition can be met; then the start order as waves (a service's wave is
// one after its latest dependency's, so independent services start together).
import type { DependencyCondition, RestartPolicy } from '../types.js';
import { closest } from './suggest.js';
import { LIMITS } from './limits.js';
import { displayName, quote } from './words.js';

export interface DependencyNode {
  name: string;
  dependsOn: readonly { name: string; condition: DependencyCondition }[];
  /** undefined: not known (that part of the file is invalid), so not checked. */
  hasReadyProbe: boolean | undefined;
  restart: RestartPolicy | undefined;
}

export interface DependencyProblem {
  /** The dependant whose depends_on entry is wrong. */
  service: string;
  /** The dependency named in that entry. */
  dependency: string;
  /** Point at the name (unknown, cycle) or at the condition (can never be met). */
  part: 'name' | 'condition';
  message: string;
}

/** Service names listed in "expected one of": enough to spot a typo, never the whole of a huge file. */
const NAMES_LISTED = 20;

export function checkDependencies(nodes: readonly DependencyNode[]): DependencyProblem[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const names = [...byName.keys()].map(displayName);
  const known = names.length <= NAMES_LISTED ? names.join(', ') : `${names.slice(0, NAMES_LISTED).join(', ')} and ${names.length - NAMES_LISTED} more`;
  const problems: DependencyProblem[] = [];
  let unknown = 0;
  for (const node of nodes) {
    const at = `services.${displayName(node.name)}.depends_on`;
    for (const dep of node.dependsOn) {
      const target = byName.get(dep.name);
      const name = displayName(dep.name);
      if (!target) {
        // Only the first problems are printed: a file naming thousands of unknown services must not
        // pay for a suggestion (each a search of every name) that nobody reads.
        const suggestion = ++unknown <= LIMITS.problemsShown ? closest(dep.name, byName.keys()) : undefined;
        problems.push({
          service: node.name,
          dependency: dep.name,
          part: 'name',
          message: `${at}: unknown service ${quote(dep.name)}${suggestion ? ` (did you mean '${suggestion}'?)` : ''}; expected one of ${known}`,
        });
      } else if (dep.condition === 'ready' && target.hasReadyProbe === false) {
        problems.push({
          service: node.name,
          dependency: dep.name,
          part: 'condition',
          message: `${at}.${name}: 'ready' can never be met, ${name} has no ready probe; expected a 'ready:' probe on ${name}, or the condition started`,
        });
      } else if (dep.condition === 'completed' && target.restart === 'always') {
        problems.push({
          service: node.name,
          dependency: dep.name,
          part: 'condition',
          message: `${at}.${name}: 'completed' can never be met, ${name} has restart: always; expected restart: no or on-failure on ${name}, or the condition started`,
        });
      }
    }
  }
  for (const cycle of findCycles(nodes)) {
    const [first, second] = cycle as [string, string];
    problems.push({
      service: first,
      dependency: second,
      part: 'name',
      message: `dependency cycle: ${showCycle(cycle)}; expected dependencies without a loop (remove one of these depends_on entries)`,
    });
  }
  return problems;
}

/** a -> b -> a; a loop through hundreds of services shows its start and its end. */
function showCycle(cycle: readonly string[]): string {
  const names = cycle.map(displayName);
  if (names.length <= NAMES_LISTED) return names.join(' -> ');
  const head = names.slice(0, NAMES_LISTED / 2);
  const tail = names.slice(-2);
  return [...head, `... (${names.length - head.length - tail.length} more)`, ...tail].join(' -> ');
}

/**
 * One cycle per strongly connected component that loops (Tarjan), written
 * from its first service in file order: [a, b, a].
 */
export function findCycles(nodes: readonly DependencyNode[]): string[][] {
  const order = new Map(nodes.map((n, i) => [n.name, i]));
  const edges = new Map(nodes.map((n) => [n.name, n.dependsOn.map((d) => d.name).filter((d) => order.has(d))]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  // Recursion depth is the length of a dependency chain: a handful in practice, at most LIMITS.services.
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      components.push(component);
    }
  };
  for (const n of nodes) if (!index.has(n.name)) visit(n.name);

  const cycles: string[][] = [];
  for (const component of components) {
    const members = new Set(component);
    const start = [...component].sort((a, b) => (order.get(a) as number) - (order.get(b) as number))[0] as string;
    const selfLoop = (edges.get(start) ?? []).includes(start);
    if (component.length === 1 && !selfLoop) continue;
    if (selfLoop) {
      cycles.push([start, start]);
      continue;
    }
    // Shortest way back to start inside the component (breadth first), so the cycle named is a real one.
    const previous = new Map<string, string>();
    const queue = [start];
    let found = false;
    while (queue.length > 0 && !found) {
      const v = queue.shift() as string;
      for (const w of edges.get(v) ?? []) {
        if (!members.has(w)) continue;
        if (w === start) {
          previous.set(start, v);
          found = true;
          break;
        }
        if (!previous.has(w)) {
          previous.set(w, v);
          queue.push(w);
        }
      }
    }
    const path = [start];
    for (let v = previous.get(start) as string; v !== start; v = previous.get(v) as string) path.push(v);
    // path is start, then the chain walked backwards: reverse it into dependency order.
    cycles.push([start, ...path.slice(1).reverse(), start]);
  }
  return cycles;
}

/** Waves of names, each wave in file order; assumes no cycle (unknown names are ignored). */
export function startWaves(nodes: readonly DependencyNode[]): string[][] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const wave = new Map<string, number>();
  const waveOf = (name: string, seen: Set<string>): number => {
    const known = wave.get(name);
    if (known !== undefined) return known;
    const node = byName.get(name);
    if (!node || seen.has(name)) return -1;
    seen.add(name);
    let w = 0;
    for (const dep of node.dependsOn) if (byName.has(dep.name)) w = Math.max(w, waveOf(dep.name, seen) + 1);
    seen.delete(name);
    wave.set(name, w);
    return w;
  };
  const waves: string[][] = [];
  for (const n of nodes) {
    const w = waveOf(n.name, new Set());
    (waves[w] ??= []).push(n.name);
  }
  return waves.filter((w) => w !== undefined);
}
