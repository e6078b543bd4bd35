/**
 * Building zod schemas on first use. Building one costs V8 a few microseconds and memory
 * (each `.optional()`, `.describe()` and `.meta()` is a new schema), and weft's whole
 * model is ~700 of them: ~15 ms of every `weft validate` and `weft run` when built at
 * import. A clean JSON workflow is parsed with the parts it uses only
 * (model/workflow_for.ts); the full schema (workflow.ts) is built of the same parts.
 * @module
 */

/**
 * A function that calls `build` once, on its first call, and returns that first result
 * ever after: every caller shares one schema, as they shared one module constant.
 */
export function once<T>(build: () => T): () => T {
  let built = false;
  let value: T;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value;
  };
}
