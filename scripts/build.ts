/**
 * Builds Weft for distribution.
 *
 *   deno task build              # dist/weft, a standalone executable (deno compile)
 *   deno task build --bundle     # dist/weft.js, one JavaScript file (deno bundle)
 *   deno task build --output P   # choose the output path
 *
 * `deno compile` needs the `denort` runtime. Deno downloads it unless DENORT_BIN names a
 * local copy; where downloads are impossible, set DENORT_BIN (it is passed through).
 * @module
 */
const root = new URL("..", import.meta.url).pathname;
const args = [...Deno.args];
const bundle = takeFlag(args, "--bundle");
const output = takeOption(args, "--output") ??
  `${root}dist/${bundle ? "weft.js" : "weft"}`;

await Deno.mkdir(`${root}dist`, { recursive: true });

const denort = Deno.env.get("DENORT_BIN");
const command = bundle ? ["bundle", "--platform", "deno", "-o", output, `${root}main.ts`] : [
  "compile",
  "-A",
  "--unstable-kv",
  "--output",
  output,
  `${root}main.ts`,
];
if (!bundle) {
  console.error(
    denort ? `build: using denort from DENORT_BIN=${denort}` : "build: denort will be downloaded",
  );
}
const { code } = await new Deno.Command(Deno.execPath(), {
  args: command,
  cwd: root,
  stdout: "inherit",
  stderr: "inherit",
}).output();
if (code !== 0) {
  if (!bundle && !denort) {
    console.error(
      "build: deno compile failed; where the denort runtime cannot be downloaded, " +
        "set DENORT_BIN to a local denort binary of the same Deno version",
    );
  }
  Deno.exit(code);
}
console.error(`build: wrote ${output}`);

function takeFlag(list: string[], flag: string): boolean {
  const i = list.indexOf(flag);
  if (i >= 0) list.splice(i, 1);
  return i >= 0;
}

function takeOption(list: string[], name: string): string | undefined {
  const i = list.indexOf(name);
  if (i < 0) return undefined;
  const [, value] = list.splice(i, 2);
  return value;
}
