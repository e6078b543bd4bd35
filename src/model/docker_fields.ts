/**
 * docker arguments read in fields — a `volumes` entry (`HOST:CONTAINER[:OPTIONS]`), a
 * `ports` entry (`[IP:]HOST[-END]:CONTAINER[-END][/PROTO]`), a `network`
 * (`NAME`, `container:NAME` or `name=NAME,alias=…`), an image reference (`image`, `tags`:
 * `[REGISTRY[:PORT]/]PATH[:TAG][@DIGEST]`) — split as written, so that a
 * `${...}` value stays in the field it is written in: the fields are found in the text
 * with each `${...}` filled ({@link filledText}), each field is resolved apart, and a
 * value may give its field only what the field can hold ({@link fieldTrouble}), never a
 * separator that would start another field (`-p ${params.hp}:80` with `hp=0.0.0.0:9000`
 * would set the host IP). tasks/docker_argv.ts applies it when the task runs,
 * parse/step_refusals.ts in `weft validate` where the text alone decides.
 * @module
 */

/** One field of such an argument: its name in a message and what it may hold. */
export interface FieldRule {
  /** `the host port`. */
  readonly name: string;
  /** What the field may hold, for a message: `a port or a range (digits and "-")`. */
  readonly holds: string;
  /** True when `text`, the field's whole text once resolved, can be this field. */
  allows(text: string): boolean;
}

/** How docker splits one kind of argument into fields. */
export interface FieldSyntax {
  /** The argument's form, as docker's reference writes it. */
  readonly form: string;
  /** The characters that start another field. */
  readonly separators: string;
  /**
   * The fields of `text` (each `${...}` filled, so no separator is in one): where each
   * ends (the offset of the separator after it, or the text's length) and its rule.
   */
  fields(text: string): { end: number; rule: FieldRule }[];
}

/** A field of one argument as written: `[start, end)` of its text and its rule. */
export interface Field {
  readonly start: number;
  readonly end: number;
  readonly rule: FieldRule;
}

/** `text` with each of `spans` (`${...}`) replaced by as many `x`, no separator of any syntax. */
export function filledText(text: string, spans: readonly { start: number; end: number }[]): string {
  let out = text;
  for (const { start, end } of spans) {
    out = out.slice(0, start) + "x".repeat(end - start) + out.slice(end);
  }
  return out;
}

/** The fields of `filled` (the argument with its `${...}` filled) under `syntax`. */
export function fieldsOf(filled: string, syntax: FieldSyntax): Field[] {
  let start = 0;
  return syntax.fields(filled).map(({ end, rule }) => {
    const field = { start, end, rule };
    start = end + 1;
    return field;
  });
}

/**
 * Why `resolved` cannot be the field of `rule`, or undefined: a separator of `syntax` in
 * it would start another field; any other text the field cannot hold is refused too.
 * `when` follows the fault: ` once resolved`.
 */
export function fieldTrouble(
  syntax: FieldSyntax,
  rule: FieldRule,
  resolved: string,
  when = "",
): string | undefined {
  if (rule.allows(resolved)) return undefined;
  const separator = [...resolved].find((c) => syntax.separators.includes(c));
  if (separator !== undefined) {
    return `holds ${JSON.stringify(separator)}${when}, which docker would read as the start ` +
      `of another field (${syntax.form})`;
  }
  return `is not ${rule.holds}${when}`;
}

/** A rule refusing only the separators `chars`. */
function without(name: string, chars: string): FieldRule {
  return {
    name,
    holds: `text without ${[...chars].map((c) => JSON.stringify(c)).join(" or ")}`,
    allows: (text) => ![...text].some((c) => chars.includes(c)),
  };
}

/** Offsets of each of `chars` in `text`. */
function offsets(text: string, chars: string): number[] {
  const found: number[] = [];
  for (let at = 0; at < text.length; at++) if (chars.includes(text[at])) found.push(at);
  return found;
}

/** Field ends from separator offsets, each field's rule picked by its index and count. */
function ends(text: string, at: number[], rule: (k: number, n: number) => FieldRule) {
  return [...at, text.length].map((end, k, all) => ({ end, rule: rule(k, all.length) }));
}

const VOLUME_PATH = without("the path", ":");
const VOLUME_HOST = without("the host path", ":");
const VOLUME_CONTAINER = without("the container path", ":");
const VOLUME_OPTIONS = without("the options", ":");

/**
 * `docker run -v`: `HOST:CONTAINER[:OPTIONS]`, split at every `:`; an entry without one is
 * one path (an anonymous volume's container path).
 */
export const VOLUME: FieldSyntax = {
  form: "HOST:CONTAINER:OPTIONS",
  separators: ":",
  fields: (text) =>
    ends(
      text,
      offsets(text, ":"),
      (k, n) => n === 1 ? VOLUME_PATH : [VOLUME_HOST, VOLUME_CONTAINER][k] ?? VOLUME_OPTIONS,
    ),
};

/** `a.b.c.d`, each 0 to 255. */
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** True for an IPv6 address (without brackets or a zone), as docker's net.ParseIP takes. */
function isIPv6(text: string): boolean {
  if (!text.includes(":") || !/^[0-9A-Fa-f:.]+$/.test(text)) return false;
  try {
    new URL(`http://[${text}]/`);
    return true;
  } catch {
    return false;
  }
}

const PORT_IP: FieldRule = {
  name: "the host IP",
  holds: "an IP address (IPv4, or IPv6 such as [::1])",
  allows: (text) =>
    text === "" || IPV4.test(text) || isIPv6(text) ||
    (text.startsWith("[") && text.endsWith("]") && isIPv6(text.slice(1, -1))),
};
const PORT_HOST: FieldRule = {
  name: "the host port",
  holds: 'a port or a range (digits and "-")',
  allows: (text) => /^[0-9-]*$/.test(text),
};
const PORT_CONTAINER: FieldRule = {
  name: "the container port",
  holds: 'a port or a range (digits and "-")',
  allows: (text) => /^[0-9-]+$/.test(text),
};
const PORT_PROTO: FieldRule = {
  name: "the protocol",
  holds: "a protocol (tcp, udp or sctp)",
  allows: (text) => /^[A-Za-z]*$/.test(text),
};

/**
 * `docker run -p`: `[IP:]HOST[-END]:CONTAINER[-END][/PROTO]`, read as docker's
 * nat.ParsePortSpec does: the container port after the last `:`, the host port before
 * it, the IP all before that (so an IPv6 address keeps its own `:`, bracketed or not);
 * the protocol after a `/` of the container port.
 */
export const PORT: FieldSyntax = {
  form: "[IP:]HOST:CONTAINER[/PROTO]",
  separators: ":/",
  fields: (text) => {
    const colons = offsets(text, ":").slice(-2);
    const last = colons.at(-1) ?? -1;
    const slashes = offsets(text.slice(last + 1), "/").map((at) => at + last + 1);
    const ports = [PORT_IP, PORT_HOST, PORT_CONTAINER].slice(3 - (colons.length + 1));
    return ends(text, [...colons, ...slashes], (k) => ports[k] ?? PORT_PROTO);
  },
};

const NETWORK_FIELD = without("a field of the network", ":,=");

/**
 * `docker run --network`: a name, `container:NAME`, or (docker 25+) `name=NAME,alias=A,…`
 * once a `KEY=VALUE` is anywhere in it; split at every `:`, `,` and `=`.
 */
export const NETWORK: FieldSyntax = {
  form: "NAME, container:NAME or name=NAME,alias=ALIAS",
  separators: ":,=",
  fields: (text) => ends(text, offsets(text, ":,="), () => NETWORK_FIELD),
};

/** A host name's label: letters, digits and `-`, not at either end. */
const HOST_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?";
/** A registry host, as distribution/reference's domain name, or an IPv6 address in brackets. */
const HOST_NAME = new RegExp(`^${HOST_LABEL}(?:\\.${HOST_LABEL})*$`);
/** A path component of a repository name (distribution/reference's path-component). */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

const IMAGE_HOST: FieldRule = {
  name: "the registry host",
  holds: 'a host name (letters, digits, "." and "-") or an IPv6 address in brackets',
  allows: (text) =>
    HOST_NAME.test(text) ||
    (text.startsWith("[") && text.endsWith("]") && isIPv6(text.slice(1, -1))),
};
const IMAGE_PORT: FieldRule = {
  name: "the registry port",
  holds: "a port (digits)",
  allows: (text) => /^[0-9]+$/.test(text),
};
const IMAGE_PATH: FieldRule = {
  name: "the path component",
  holds: 'a name component (lowercase letters and digits, with ".", "_", "__" or "-" between them)',
  allows: (text) => PATH_COMPONENT.test(text),
};
/**
 * The first of several components, when the text as written does not make it a registry
 * (no `.` or `:`, not `localhost`): docker reads it as the registry once it has one, so
 * `${params.registry}/app` takes a host name, and a name component as well.
 */
const IMAGE_FIRST: FieldRule = {
  name: "the registry or first path component",
  holds: 'a host name (letters, digits, "." and "-") or a name component',
  allows: (text) => IMAGE_HOST.allows(text) || PATH_COMPONENT.test(text),
};
/** Empty too: a tag left empty by an unset variable is refused by its own check (tasks/docker_argv.ts). */
const IMAGE_TAG: FieldRule = {
  name: "the tag",
  holds: 'a tag (letters, digits, "_", "." and "-", up to 128, not starting with "." or "-")',
  allows: (text) => /^(?:\w[\w.-]{0,127})?$/.test(text),
};
const DIGEST_ALGORITHM: FieldRule = {
  name: "the digest algorithm",
  holds: "a digest algorithm (such as sha256)",
  allows: (text) => /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*$/.test(text),
};
const DIGEST_HEX: FieldRule = {
  name: "the digest",
  holds: "a digest (32 or more hex digits)",
  allows: (text) => /^[0-9a-fA-F]{32,}$/.test(text),
};

/** True when docker reads `first`, the first of several components, as the registry. */
function isRegistry(first: string): boolean {
  return /[.:]/.test(first) || first === "localhost" || first !== first.toLowerCase();
}

/**
 * An image reference (`image`, a build's `tags`), as distribution/reference reads one:
 * `[REGISTRY[:PORT]/]PATH[:TAG][@DIGEST]`, the path components joined by `/`; the first
 * of several is the registry when it has a `.` or `:`, is `localhost` or has a capital.
 * So a value in the tag may not add `@sha256:…` (a digest), `/` or `:` (another
 * repository), one in a path component or the registry not a `/` (another registry).
 */
export const IMAGE: FieldSyntax = {
  form: "[REGISTRY[:PORT]/]PATH[:TAG][@DIGEST]",
  separators: "/:@",
  fields: (text) => {
    const out: { end: number; rule: FieldRule }[] = [];
    const at = text.indexOf("@");
    const name = at < 0 ? text : text.slice(0, at);
    const parts = name.split("/");
    let base = 0;
    parts.forEach((part, i) => {
      const push = (ends: number[], rules: (k: number) => FieldRule) =>
        ends.forEach((end, k) => out.push({ end: base + end, rule: rules(k) }));
      if (i === 0 && parts.length > 1 && isRegistry(part)) {
        // `[::1]:5000`: the host's own `:` stay in it.
        const host = part.startsWith("[") && part.includes("]") ? part.indexOf("]") + 1 : 0;
        const colons = offsets(part.slice(host), ":").map((c) => c + host);
        push([...colons, part.length], (k) => k === 0 ? IMAGE_HOST : IMAGE_PORT);
      } else if (i === parts.length - 1) {
        push([...offsets(part, ":"), part.length], (k) => k === 0 ? IMAGE_PATH : IMAGE_TAG);
      } else {
        push([part.length], () => i === 0 ? IMAGE_FIRST : IMAGE_PATH);
      }
      base += part.length + 1;
    });
    if (at >= 0) {
      const colons = offsets(text, ":").filter((c) => c > at);
      out.push(
        ...[...colons, text.length].map((end, k) => ({
          end,
          rule: k === 0 ? DIGEST_ALGORITHM : DIGEST_HEX,
        })),
      );
    }
    return out;
  },
};
