/**
 * The scheduler's view of a graph: which nodes may start now.
 * @module
 */
import { type GraphNode, indexGraph, reverseEdges } from "./indexed.ts";

const WAITING = 0, READY = 1, TAKEN = 2, DONE = 3;

/**
 * Incremental ready set: O(V+E) over a whole run. Unknown dependencies are ignored;
 * nodes on a cycle never become ready (validate with findCycle first).
 *
 * ```ts
 * const tracker = new ReadyTracker(tasks);
 * for (const id of tracker.takeReady()) start(id);
 * // when one finishes:
 * tracker.complete(id); for (const id of tracker.takeReady()) start(id);
 * ```
 */
export class ReadyTracker {
  private readonly ids: string[];
  private readonly index: Map<string, number>;
  private readonly dependentStart: Int32Array;
  private readonly dependentTargets: Int32Array;
  private readonly pending: Int32Array;
  private readonly state: Uint8Array;
  private queue: number[] = [];
  private left: number;

  constructor(nodes: readonly GraphNode[]) {
    const graph = indexGraph(nodes);
    const reverse = reverseEdges(graph);
    this.ids = graph.ids;
    this.index = graph.index;
    this.dependentStart = reverse.dependentStart;
    this.dependentTargets = reverse.dependentTargets;
    const count = graph.ids.length;
    this.left = count;
    this.pending = new Int32Array(count);
    this.state = new Uint8Array(count);
    for (let n = 0; n < count; n++) {
      this.pending[n] = graph.depStart[n + 1] - graph.depStart[n];
      if (this.pending[n] === 0) {
        this.state[n] = READY;
        this.queue.push(n);
      }
    }
  }

  /** Nodes not yet completed. */
  get remaining(): number {
    return this.left;
  }

  /**
   * Ids whose dependencies are all complete and that were not handed out yet, in the
   * order they became ready (input order at the start); each id is returned once.
   */
  takeReady(): string[] {
    const taken: string[] = [];
    for (const n of this.queue) {
      if (this.state[n] !== READY) continue; // completed before being taken
      this.state[n] = TAKEN;
      taken.push(this.ids[n]);
    }
    this.queue = [];
    return taken;
  }

  /**
   * Marks `id` finished (success, failure or skipped alike) and returns how many nodes
   * became ready. Completing an id twice, or an unknown id, changes nothing and returns 0.
   * A node may be completed without being taken (e.g. skipped); it is then never handed out.
   */
  complete(id: string): number {
    const n = this.index.get(id);
    if (n === undefined || this.state[n] === DONE) return 0;
    this.state[n] = DONE;
    this.left--;
    let released = 0;
    for (let e = this.dependentStart[n]; e < this.dependentStart[n + 1]; e++) {
      const dependent = this.dependentTargets[e];
      if (--this.pending[dependent] === 0 && this.state[dependent] === WAITING) {
        this.state[dependent] = READY;
        this.queue.push(dependent);
        released++;
      }
    }
    return released;
  }

  /**
   * Every node that depends on `id` directly or transitively (not `id` itself unless it
   * sits on a cycle), in input order; completed ones included. Unknown id → [].
   */
  dependentsOf(id: string): string[] {
    const start = this.index.get(id);
    if (start === undefined) return [];
    const seen = new Uint8Array(this.ids.length);
    const found: number[] = [];
    const work = [start];
    while (work.length > 0) {
      const n = work.pop()!;
      for (let e = this.dependentStart[n]; e < this.dependentStart[n + 1]; e++) {
        const dependent = this.dependentTargets[e];
        if (seen[dependent]) continue;
        seen[dependent] = 1;
        found.push(dependent);
        work.push(dependent);
      }
    }
    return found.sort((a, b) => a - b).map((n) => this.ids[n]);
  }
}
