import assert from "node:assert/strict";
import {
  CycleError,
  findCycle,
  type GraphNode,
  ReadyTracker,
  topologicalWaves,
} from "../src/graph/mod.ts";

/** `graph("a:b,c", "b", "c:b")` → a depends on b and c, c depends on b. */
function graph(...specs: string[]): GraphNode[] {
  return specs.map((spec) => {
    const [id, deps = ""] = spec.split(":");
    return { id, deps: deps ? deps.split(",") : [] };
  });
}

/** Asserts `cycle` is a closed path along dependency edges of `nodes`. */
function assertIsCycle(nodes: GraphNode[], cycle: string[] | null): void {
  assert.ok(cycle && cycle.length >= 2, "a cycle");
  assert.equal(cycle[0], cycle[cycle.length - 1], "returns to its start");
  const deps = new Map(nodes.map((n) => [n.id, n.deps]));
  for (let k = 0; k + 1 < cycle.length; k++) {
    assert.ok(deps.get(cycle[k])!.includes(cycle[k + 1]), `${cycle[k]} depends on ${cycle[k + 1]}`);
  }
}

/** A chain n0 ← n1 ← … (each depends on the previous), plus optional extra edges. */
function chain(length: number): GraphNode[] {
  return Array.from({ length }, (_, i) => ({ id: `n${i}`, deps: i ? [`n${i - 1}`] : [] }));
}

Deno.test("findCycle: none in a DAG, unknown deps ignored", () => {
  assert.equal(findCycle([]), null);
  assert.equal(findCycle(graph("a", "b:a", "c:a,b", "d:missing")), null);
  assert.equal(findCycle(graph("a:b,b", "b")), null, "repeated deps");
});

Deno.test("findCycle: self-loop", () => {
  assert.deepEqual(findCycle(graph("a", "b:b")), ["b", "b"]);
});

Deno.test("findCycle: the path follows dependencies and is deterministic", () => {
  const nodes = graph("a:b", "b:c", "c:a", "d:a");
  assert.deepEqual(findCycle(nodes), ["a", "b", "c", "a"]);
  assert.deepEqual(findCycle(graph("x:a", "a:b", "b:c", "c:b")), ["b", "c", "b"], "only the loop");
  for (let i = 0; i < 3; i++) assert.deepEqual(findCycle(nodes), ["a", "b", "c", "a"]);
});

Deno.test("findCycle: two cycles, the first in input order is reported", () => {
  const nodes = graph("p:q", "q:p", "x:y", "y:z", "z:x");
  assert.deepEqual(findCycle(nodes), ["p", "q", "p"]);
  const reversed = graph("x:y", "y:z", "z:x", "p:q", "q:p");
  assert.deepEqual(findCycle(reversed), ["x", "y", "z", "x"]);
});

Deno.test("findCycle: a 100,000-node chain closed into a loop (no recursion limit)", () => {
  const nodes = chain(100_000);
  assert.equal(findCycle(nodes), null);
  nodes[0] = { id: "n0", deps: ["n99999"] };
  const cycle = findCycle(nodes)!;
  assert.equal(cycle.length, 100_001);
  assertIsCycle(nodes, cycle);
});

Deno.test("topologicalWaves: groups in dependency order, input order within a wave", () => {
  // The seed's pipeline shape plus a fan-out.
  const nodes = graph(
    "deploy:test",
    "test:build",
    "lint",
    "build:pre-build",
    "pre-build",
    "docs:pre-build",
    "notify:deploy,docs,lint",
  );
  assert.deepEqual(topologicalWaves(nodes), [
    ["lint", "pre-build"],
    ["build", "docs"],
    ["test"],
    ["deploy"],
    ["notify"],
  ]);
  assert.deepEqual(topologicalWaves([]), []);
  assert.deepEqual(topologicalWaves(graph("a:ghost", "b:a,a")), [["a"], ["b"]]);
});

Deno.test("topologicalWaves: a node waits for its deepest dependency", () => {
  assert.deepEqual(topologicalWaves(graph("c:a,b", "b:a", "a")), [["a"], ["b"], ["c"]]);
});

Deno.test("topologicalWaves: throws CycleError with the cycle", () => {
  assert.throws(
    () => topologicalWaves(graph("ok", "a:b,ok", "b:a")),
    (e) => e instanceof CycleError && e.cycle.join() === "a,b,a" && /a -> b -> a/.test(e.message),
  );
  assert.throws(() => topologicalWaves(graph("s:s")), CycleError);
});

Deno.test("topologicalWaves: 100,000 nodes and 200,000 edges", () => {
  const count = 100_000;
  const nodes: GraphNode[] = Array.from({ length: count }, (_, i) => ({
    id: `t${i}`,
    deps: i >= 2 ? [`t${i - 1}`, `t${Math.floor(i / 2)}`] : i === 1 ? ["t0"] : [],
  }));
  const waves = topologicalWaves(nodes);
  assert.equal(waves.length, count, "a chain through every node");
  const hub = { id: "hub", deps: nodes.map((n) => n.id) }; // one node with 100,000 deps
  assert.deepEqual(topologicalWaves([...nodes, hub]).at(-1), ["hub"]);
});

Deno.test("ReadyTracker: hands out each id once, as dependencies complete", () => {
  const tracker = new ReadyTracker(graph("a", "b", "c:a,b", "d:c", "e:a"));
  assert.equal(tracker.remaining, 5);
  assert.deepEqual(tracker.takeReady(), ["a", "b"]);
  assert.deepEqual(tracker.takeReady(), [], "each id only once");
  assert.equal(tracker.complete("a"), 1, "e became ready; c still waits for b");
  assert.deepEqual(tracker.takeReady(), ["e"]);
  assert.equal(tracker.complete("b"), 1);
  assert.equal(tracker.complete("b"), 0, "completing twice changes nothing");
  assert.equal(tracker.complete("nope"), 0);
  assert.deepEqual(tracker.takeReady(), ["c"]);
  assert.equal(tracker.complete("e"), 0);
  assert.equal(tracker.complete("c"), 1);
  assert.deepEqual(tracker.takeReady(), ["d"]);
  assert.equal(tracker.remaining, 1);
  tracker.complete("d");
  assert.equal(tracker.remaining, 0);
  assert.deepEqual(tracker.takeReady(), []);
});

Deno.test("ReadyTracker: a node completed before being taken is never handed out", () => {
  const tracker = new ReadyTracker(graph("a", "b:a", "c:b"));
  assert.deepEqual(tracker.takeReady(), ["a"]);
  tracker.complete("a"); // b is now ready...
  tracker.complete("b"); // ...but is skipped instead of run
  assert.deepEqual(tracker.takeReady(), ["c"]);
  assert.equal(tracker.remaining, 1);
});

Deno.test("ReadyTracker: unknown deps are ignored, cycles never become ready", () => {
  const tracker = new ReadyTracker(graph("a:ghost", "x:y", "y:x", "z:x"));
  assert.deepEqual(tracker.takeReady(), ["a"]);
  tracker.complete("a");
  assert.deepEqual(tracker.takeReady(), []);
  assert.equal(tracker.remaining, 3);
});

Deno.test("ReadyTracker: dependentsOf is transitive, in input order", () => {
  const tracker = new ReadyTracker(
    graph("report:deploy,lint", "deploy:test", "lint", "test:build", "build", "docs:build"),
  );
  assert.deepEqual(tracker.dependentsOf("build"), ["report", "deploy", "test", "docs"]);
  assert.deepEqual(tracker.dependentsOf("test"), ["report", "deploy"]);
  assert.deepEqual(tracker.dependentsOf("report"), []);
  assert.deepEqual(tracker.dependentsOf("ghost"), []);
  // Diamond: each dependent once.
  const diamond = new ReadyTracker(graph("a", "b:a", "c:a", "d:b,c"));
  assert.deepEqual(diamond.dependentsOf("a"), ["b", "c", "d"]);
});

Deno.test("ReadyTracker: drives a 100,000-node graph to completion", () => {
  const count = 100_000;
  const nodes: GraphNode[] = Array.from({ length: count }, (_, i) => ({
    id: `t${i}`,
    deps: i === 0 ? [] : [`t${Math.floor((i - 1) / 2)}`, `t${Math.floor(i / 3)}`],
  }));
  const tracker = new ReadyTracker(nodes);
  const done = new Set<string>();
  const position = new Map(nodes.map((n, i) => [n.id, i]));
  let ready = tracker.takeReady();
  assert.deepEqual(ready, ["t0"]);
  while (ready.length > 0) {
    for (const id of ready) {
      for (const dep of nodes[position.get(id)!].deps) {
        assert.ok(done.has(dep), `${id} after ${dep}`);
      }
      done.add(id);
      tracker.complete(id);
    }
    ready = tracker.takeReady();
  }
  assert.equal(done.size, count);
  assert.equal(tracker.remaining, 0);
  assert.equal(tracker.dependentsOf("t0").length, count - 1);
});
