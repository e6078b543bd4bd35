/**
 * Reading the zod schema itself: which keys an object at a data path allows, and
 * which variants a discriminated union has. Used to phrase problems ("did you mean"),
 * so hints always follow the schema instead of a hand-kept list.
 * @module
 */
import type { z } from "zod";
import type { PathSegment } from "./source_map.ts";

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  element?: z.ZodType;
  valueType?: z.ZodType;
  values?: unknown[];
  entries?: Record<string, unknown>;
  getter?: () => z.ZodType;
}

function def(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

const WRAPPERS = new Set([
  "optional",
  "nullable",
  "default",
  "prefault",
  "catch",
  "readonly",
  "nonoptional",
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Strips wrappers, transforms and lazies; picks the union option `value` is meant for. */
export function unwrap(schema: z.ZodType, value: unknown): z.ZodType {
  for (let depth = 0; depth < 50; depth++) {
    const d = def(schema);
    if (WRAPPERS.has(d.type) && d.innerType) schema = d.innerType;
    else if (d.type === "pipe" && d.in && d.out) {
      schema = def(d.in).type === "transform" ? d.out : d.in;
    } else if (d.type === "lazy" && d.getter) schema = d.getter();
    else if (d.type === "union" && d.options) schema = pickOption(d, value);
    else return schema;
  }
  return schema;
}

function pickOption(d: Def, value: unknown): z.ZodType {
  const options = d.options ?? [];
  if (d.discriminator && isRecord(value)) {
    const variant = variantFor(options, d.discriminator, value[d.discriminator]);
    if (variant) return variant;
  }
  const jsType: string = typeof value; // zod names scalar kinds as typeof does
  // Otherwise the option of the same kind (object, list, text) that shares most keys.
  let best = options[0];
  let bestScore = -1;
  for (const option of options) {
    const inner = unwrap(option, value);
    const kind = def(inner).type;
    let score = -1;
    if (isRecord(value) && kind === "object") {
      const keys = Object.keys(allowedKeysOf(inner));
      score = 1 + Object.keys(value).filter((k) => keys.includes(k)).length;
    } else if (isRecord(value) && kind === "record") score = 1; // free keys: none shared
    else if (Array.isArray(value) && kind === "array") score = 1;
    else if (jsType === kind) score = 1;
    if (score > bestScore) {
      best = option;
      bestScore = score;
    }
  }
  return best;
}

function variantFor(options: z.ZodType[], key: string, tag: unknown): z.ZodType | undefined {
  return options.find((option) => discriminatorValues(option, key).includes(tag));
}

/** The values of `key` an object schema accepts (`undefined` included when it defaults). */
function discriminatorValues(option: z.ZodType, key: string): unknown[] {
  const field = def(unwrap(option, undefined)).shape?.[key];
  if (!field) return [];
  const values: unknown[] = [];
  let schema: z.ZodType | undefined = field;
  while (schema) {
    const d = def(schema);
    if (d.type === "optional" || d.type === "default") values.push(undefined);
    if (d.values) values.push(...d.values);
    schema = d.innerType;
  }
  return values;
}

function allowedKeysOf(schema: z.ZodType): Record<string, z.ZodType> {
  return def(schema).shape ?? {};
}

/** The schema that applies at `path` inside `root`, given the data being checked. */
export function schemaAt(
  root: z.ZodType,
  data: unknown,
  path: readonly PathSegment[],
): z.ZodType | undefined {
  let schema = root;
  let value = data;
  for (const segment of path) {
    const inner = unwrap(schema, value);
    const d = def(inner);
    let next: z.ZodType | undefined;
    if (d.type === "object") next = d.shape?.[String(segment)];
    else if (d.type === "array") next = d.element;
    else if (d.type === "record") next = d.valueType;
    if (!next) return undefined;
    schema = next;
    value = value === null || value === undefined
      ? undefined
      : (value as Record<PathSegment, unknown>)[segment];
  }
  return schema;
}

/** The keys the object at `path` allows, or [] when it is not an object with fixed keys. */
export function allowedKeys(
  root: z.ZodType,
  data: unknown,
  path: readonly PathSegment[],
): string[] {
  const schema = schemaAt(root, data, path);
  if (!schema) return [];
  return Object.keys(allowedKeysOf(unwrap(schema, valueAt(data, path))));
}

/**
 * For a discriminated union at `path`: the discriminator's allowed values, and for
 * each key the values whose variant allows it (to say "`url` belongs to http tasks").
 */
export function unionVariants(
  root: z.ZodType,
  data: unknown,
  path: readonly PathSegment[],
): { discriminator: string; tags: string[]; keysByTag: Map<string, string[]> } | undefined {
  let schema = schemaAt(root, data, path);
  for (let depth = 0; schema && depth < 50; depth++) {
    const d = def(schema);
    if (d.type === "union" && d.discriminator && d.options) {
      const discriminator = d.discriminator;
      const keysByTag = new Map<string, string[]>();
      for (const option of d.options) {
        const keys = Object.keys(allowedKeysOf(unwrap(option, undefined)));
        for (const tag of discriminatorValues(option, discriminator)) {
          if (typeof tag === "string") keysByTag.set(tag, keys);
        }
      }
      return { discriminator, tags: [...keysByTag.keys()], keysByTag };
    }
    schema = d.innerType ?? (d.type === "pipe" ? d.out : undefined);
  }
  return undefined;
}

/** The schema's description (set with `.meta({ description })`), if any. */
export function describeSchema(schema: z.ZodType | undefined): string | undefined {
  for (
    let s = schema;
    s;
    s = def(s).innerType ?? (def(s).type === "pipe" ? def(s).in : undefined)
  ) {
    const text = (s as unknown as { description?: string }).description;
    if (text) return text;
  }
  return undefined;
}

/** The data at `path`, or undefined when any step is missing. */
export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PathSegment, unknown>)[segment];
  }
  return value;
}
