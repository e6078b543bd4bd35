/**
 * A graph in flat arrays (compressed sparse rows), so 100,000 nodes and 200,000 edges
 * cost a few typed arrays rather than a Map or Set per node.
 * @module
 */

/** A task and the ids it depends on. */
export interface GraphNode {
  readonly id: string;
  readonly deps: readonly string[];
}

/** Node indices are positions of first occurrence in the input; edges point from a node to its dependencies. */
export interface IndexedGraph {
  readonly ids: string[];
  readonly index: Map<string, number>;
  /** deps of node n: depTargets[depStart[n] .. depStart[n+1]) — unknown deps dropped, duplicates kept once. */
  readonly depStart: Int32Array;
  readonly depTargets: Int32Array;
}

/**
 * Indexes nodes. A repeated id keeps its first occurrence (the validator reports
 * duplicates); unknown and repeated dependencies are ignored.
 */
export function indexGraph(nodes: readonly GraphNode[]): IndexedGraph {
  const index = new Map<string, number>();
  const ids: string[] = [];
  const owners: GraphNode[] = [];
  for (const node of nodes) {
    if (index.has(node.id)) continue;
    index.set(node.id, ids.length);
    ids.push(node.id);
    owners.push(node);
  }
  const depStart = new Int32Array(ids.length + 1);
  const targets: number[] = [];
  // lastAddedBy[t] === n + 1 when node n already has an edge to t: duplicates dropped in O(1).
  const lastAddedBy = new Int32Array(ids.length);
  for (let n = 0; n < owners.length; n++) {
    const deps = owners[n].deps;
    for (let k = 0; k < deps.length; k++) {
      const target = index.get(deps[k]);
      if (target === undefined || lastAddedBy[target] === n + 1) continue;
      lastAddedBy[target] = n + 1;
      targets.push(target);
    }
    depStart[n + 1] = targets.length;
  }
  return { ids, index, depStart, depTargets: Int32Array.from(targets) };
}

/** The reverse edges: dependents of node n are dependentTargets[dependentStart[n] .. dependentStart[n+1]), in input order. */
export function reverseEdges(
  graph: IndexedGraph,
): { dependentStart: Int32Array; dependentTargets: Int32Array } {
  const count = graph.ids.length;
  const { depStart, depTargets } = graph;
  const dependentStart = new Int32Array(count + 1);
  for (let e = 0; e < depTargets.length; e++) dependentStart[depTargets[e] + 1]++;
  for (let n = 0; n < count; n++) dependentStart[n + 1] += dependentStart[n];
  const fill = dependentStart.slice(0, count);
  const dependentTargets = new Int32Array(depTargets.length);
  for (let n = 0; n < count; n++) {
    for (let e = depStart[n]; e < depStart[n + 1]; e++) dependentTargets[fill[depTargets[e]]++] = n;
  }
  return { dependentStart, dependentTargets };
}
