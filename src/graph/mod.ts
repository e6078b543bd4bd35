/**
 * DAG utilities over tasks and their `depends_on`: cycle report, dependency waves for
 * dry runs, and the incremental ready set the engine schedules from. Nodes are indexed
 * into typed arrays once; everything is O(V+E) (waves add a sort per wave).
 * @module
 */
export type { GraphNode } from "./indexed.ts";
export { CycleError, findCycle, topologicalWaves } from "./cycle.ts";
export { ReadyTracker } from "./ready.ts";
