/**
 * Whether a value is JSON data that `JSON.parse(JSON.stringify(value))` gives back
 * exactly: what parse/validated_cache.ts may keep of a validated workflow, so that a
 * workflow read from the cache is the one a validation would have made.
 * @module
 */

/**
 * True when `value` is built only of plain objects (prototype Object.prototype, every own
 * key a string naming an enumerable data property), dense arrays without extra
 * properties, strings, finite numbers other than -0, booleans and null, with no object
 * met twice (a round trip would split a shared object in two).
 * False for anything else: `undefined` (as a value or a key's value), a RawJSON token
 * (keepDataNumbers/keepItemNumbers of written_data.ts), NaN, Infinity, -0, a bigint, a
 * function, a symbol, a Date, a Map, an object of another prototype (or none), a getter.
 * @example isPlainJson({ a: [1, "x", null, { b: true }] }) // true
 * @example isPlainJson({ a: undefined }) // false
 */
export function isPlainJson(value: unknown): boolean {
  return plain(value, new Set());
}

function plain(value: unknown, seen: Set<object>): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object":
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (seen.has(value)) return false;
  seen.add(value);
  const proto = Object.getPrototypeOf(value);
  if (proto === Array.prototype) {
    if (!Array.isArray(value)) return false;
    const keys = Reflect.ownKeys(value);
    // A dense array's own keys: its indices and `length`, nothing else.
    if (keys.length !== value.length + 1) return false;
    for (let i = 0; i < value.length; i++) {
      if (!Object.hasOwn(value, i) || !plain(value[i], seen)) return false;
    }
    return true;
  }
  if (proto !== Object.prototype) return false;
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key !== "string") return false;
    const d = Object.getOwnPropertyDescriptor(value, key);
    if (d === undefined || !("value" in d) || !d.enumerable) return false;
    if (!plain(d.value, seen)) return false;
  }
  return true;
}
