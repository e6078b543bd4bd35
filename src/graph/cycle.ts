/**
 * Cycle detection and dependency waves.
 * @module
 */
import { type GraphNode, type IndexedGraph, indexGraph, reverseEdges } from "./indexed.ts";

/** Thrown by {@link topologicalWaves} for a cyclic graph. */
export class CycleError extends Error {
  /** The cycle as a path returning to its start, e.g. ["a", "b", "a"]. */
  readonly cycle: string[];
  constructor(cycle: string[]) {
    super(`dependency cycle: ${cycle.join(" -> ")}`);
    this.name = "CycleError";
    this.cycle = cycle;
  }
}

/**
 * A cycle as a path that follows dependencies and returns to its start
 * (`a` depends on `b`, `b` on `a` → ["a", "b", "a"]; a self-loop → ["a", "a"]), or null.
 * Deterministic: depth-first from each node in input order, dependencies in listed order.
 * Iterative, so a 100,000-long chain does not exhaust the stack.
 */
export function findCycle(nodes: readonly GraphNode[]): string[] | null {
  return cycleIn(indexGraph(nodes));
}

function cycleIn(graph: IndexedGraph): string[] | null {
  const { ids, depStart, depTargets } = graph;
  const count = ids.length;
  const WHITE = 0, GREY = 1, BLACK = 2;
  const color = new Uint8Array(count);
  const stack = new Int32Array(count); // the current path
  const nextEdge = new Int32Array(count); // per node on the path: next edge to follow
  const positionOnPath = new Int32Array(count);
  for (let start = 0; start < count; start++) {
    if (color[start] !== WHITE) continue;
    let depth = 0;
    stack[0] = start;
    color[start] = GREY;
    nextEdge[start] = depStart[start];
    positionOnPath[start] = 0;
    while (depth >= 0) {
      const node = stack[depth];
      if (nextEdge[node] === depStart[node + 1]) {
        color[node] = BLACK;
        depth--;
        continue;
      }
      const target = depTargets[nextEdge[node]++];
      if (color[target] === GREY) {
        const path: string[] = [];
        for (let k = positionOnPath[target]; k <= depth; k++) path.push(ids[stack[k]]);
        path.push(ids[target]);
        return path;
      }
      if (color[target] === WHITE) {
        color[target] = GREY;
        nextEdge[target] = depStart[target];
        stack[++depth] = target;
        positionOnPath[target] = depth;
      }
    }
  }
  return null;
}

/**
 * Groups of ids that can run together, in dependency order: wave 0 has no dependencies,
 * wave k depends only on earlier waves (and on at least one node of wave k-1). Within a
 * wave, ids keep input order. Unknown dependencies are ignored. Throws CycleError.
 */
export function topologicalWaves(nodes: readonly GraphNode[]): string[][] {
  const graph = indexGraph(nodes);
  const { ids, depStart } = graph;
  const { dependentStart, dependentTargets } = reverseEdges(graph);
  const count = ids.length;
  const pending = new Int32Array(count);
  let wave: number[] = [];
  for (let n = 0; n < count; n++) {
    pending[n] = depStart[n + 1] - depStart[n];
    if (pending[n] === 0) wave.push(n);
  }
  const waves: string[][] = [];
  let placed = 0;
  while (wave.length > 0) {
    waves.push(wave.map((n) => ids[n]));
    placed += wave.length;
    const nextWave: number[] = [];
    for (const n of wave) {
      for (let e = dependentStart[n]; e < dependentStart[n + 1]; e++) {
        const dependent = dependentTargets[e];
        if (--pending[dependent] === 0) nextWave.push(dependent);
      }
    }
    wave = nextWave.sort((a, b) => a - b);
  }
  if (placed < count) throw new CycleError(cycleIn(graph) ?? []);
  return waves;
}
