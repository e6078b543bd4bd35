/**
 * docker arguments read in fields (`ports`, `network`) through the real CLI, with the
 * stand-in `docker` of tests/fixtures/docker/bin: a `${...}` value stays in the field it
 * is written in (src/model/docker_fields.ts), as it does in a `volumes` entry.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { dockerCalls, STANDIN_BIN } from "./_docker_standin.ts";

const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";
const FIXTURES = new URL("./fixtures/docker_fields/", import.meta.url).pathname;

/** Runs fixture `name` with `params` and the stand-in docker; the task's error and calls. */
async function run(name: string, params: string[]) {
  const log = `${testTempDir("docker-fields-")}/calls`;
  const env = { DOCKER_STANDIN_LOG: log, PATH: `${STANDIN_BIN}:${PATH}` };
  const args = ["run", `${FIXTURES}${name}`, "--json", ...params.flatMap((p) => ["-p", p])];
  const result = await weft(args, { env });
  assert.ok(result.stdout, result.stderr);
  const report = JSON.parse(result.stdout) as RunReport;
  const error = reportTask(report, "d").error ?? "";
  return { code: result.code, error, calls: await dockerCalls(log) };
}

/**
 * `weft validate` of fixture `name`, which must be refused (exit 2): its stderr, and its
 * problems about `config.` fields, each as `line:col: message` (the file name cut off).
 */
async function refusedFields(name: string) {
  const result = await weft(["validate", `${FIXTURES}${name}`]);
  assert.equal(result.code, 2, result.stderr);
  const lines = result.stderr.split("\n").filter((line) => line.includes("config."))
    .map((line) => line.slice(line.indexOf(`${name}:`) + name.length + 1));
  return { result, lines };
}

/** The values given to `option` in `call`. */
function values(call: string[] | undefined, option: string): string[] {
  return (call ?? []).filter((_, i) => call![i - 1] === option);
}

Deno.test("docker ports via CLI: a value cannot bring a ':' or '/' into another field", async () => {
  for (
    const [param, reason] of [
      [
        "hp=0.0.0.0:9000",
        /^config\.ports\[0\]: the host port "0\.0\.0\.0:9000" holds ":" once resolved, which docker would read as the start of another field \(\[IP:\]HOST:CONTAINER\[\/PROTO\]\); it comes from \$\{params\.hp\}: give it a port or a range \(digits and "-"\)/,
      ],
      ["hp=9000:22/udp", /^config\.ports\[0\]: the host port "9000:22\/udp" holds ":"/],
      ["hq=0.0.0.0:9000", /^config\.ports\[1\]: the host port "0\.0\.0\.0:9000" holds ":"/],
      ["hp=22/udp", /^config\.ports\[0\]: the host port "22\/udp" holds "\/"/],
      ["hp=80x", /^config\.ports\[0\]: the host port "80x" is not a port or a range/],
    ] as const
  ) {
    const refused = await run("ports.yml", [param]);
    assert.equal(refused.code, 1, param);
    assert.match(refused.error, reason, param);
    assert.deepEqual(refused.calls, [], `${param}: docker never ran`);
  }
  // An ordinary port and a range pass as before.
  for (const hp of ["9000", "9000-9001"]) {
    const ok = await run("ports.yml", [`hp=${hp}`]);
    assert.equal(ok.code, 0, ok.error);
    assert.deepEqual(values(ok.calls[0], "-p"), [
      `${hp}:80`,
      "127.0.0.1:8081:81",
      "127.0.0.1:8081:82/udp",
    ]);
  }
});

Deno.test("docker ports via CLI: the IP field takes an IP, IPv6 in brackets too", async () => {
  for (const ip of ["[::1]", "::1", "0.0.0.0", ""]) {
    const ok = await run("ports.yml", [`ip=${ip}`]);
    assert.equal(ok.code, 0, `${ip}: ${ok.error}`);
    assert.deepEqual(values(ok.calls[0], "-p").at(-1), `${ip}:8081:82/udp`);
  }
  for (
    const [ip, reason] of [
      ["[::1]:9000", /^config\.ports\[2\]: the host IP "\[::1\]:9000" holds ":"/],
      ["0.0.0.0:9000", /^config\.ports\[2\]: the host IP "0\.0\.0\.0:9000" holds ":"/],
      ["localhost", /^config\.ports\[2\]: the host IP "localhost" is not an IP address/],
    ] as const
  ) {
    const refused = await run("ports.yml", [`ip=${ip}`]);
    assert.equal(refused.code, 1, ip);
    assert.match(refused.error, reason, ip);
    assert.deepEqual(refused.calls, [], ip);
  }
});

Deno.test("docker network via CLI: a value cannot switch to container: or name=… syntax", async () => {
  const ok = await run("network.yml", []);
  assert.equal(ok.code, 0, ok.error);
  assert.deepEqual(values(ok.calls[0], "--network"), ["back-net"]);
  for (
    const [n, reason] of [
      [
        "name=host,alias=x",
        /^config\.network: a field of the network "name=host,alias=x-net" holds "="/,
      ],
      ["container:db", /^config\.network: a field of the network "container:db-net" holds ":"/],
    ] as const
  ) {
    const refused = await run("network.yml", [`n=${n}`]);
    assert.equal(refused.code, 1, n);
    assert.match(refused.error, reason, n);
    assert.match(refused.error, /it comes from \$\{params\.n\}/, n);
    assert.deepEqual(refused.calls, [], n);
  }
});

Deno.test("docker fields via CLI: validate refuses a field known before the run", async () => {
  const { result, lines } = await refusedFields("known.yml");
  assert.deepEqual(lines, [
    '11:12: config.ports[1] in task "d": the host IP "localhost" is not an IP address ' +
    "(IPv4, or IPv6 such as [::1])",
    '12:12: config.ports[2] in task "d": the host port "0.0.0.0:9000" holds ":" once ' +
    "resolved, which docker would read as the start of another field " +
    "([IP:]HOST:CONTAINER[/PROTO])",
    '14:17: config.network in task "d": a field of the network "name=host,x" holds "=" ' +
    "once resolved, which docker would read as the start of another field " +
    "(NAME, container:NAME or name=NAME,alias=ALIAS)",
  ]);
  assert.match(result.stderr, /hint: write a port or a range \(digits and "-"\) there/);
});

const DIGEST = `sha256:${"a".repeat(64)}`;

Deno.test("docker image via CLI: a value in the tag cannot add a digest, a repository or a tag", async () => {
  for (
    const [v, reason] of [
      [
        `1@${DIGEST}`,
        /^config\.image: the tag "1@sha256:a{64}" holds "@" once resolved, which docker would read as the start of another field \(\[REGISTRY\[:PORT\]\/\]PATH\[:TAG\]\[@DIGEST\]\); it comes from \$\{params\.v\}: give it a tag/,
      ],
      ["1/evil", /^config\.image: the tag "1\/evil" holds "\/" once resolved/],
      ["a:b", /^config\.image: the tag "a:b" holds ":" once resolved/],
      ["-1", /^config\.image: the tag "-1" is not a tag/],
    ] as const
  ) {
    const refused = await run("image.yml", [`v=${v}`]);
    assert.equal(refused.code, 1, v);
    assert.match(refused.error, reason, v);
    assert.deepEqual(refused.calls, [], `${v}: docker never ran`);
  }
  for (const v of ["1.2.3", "latest"]) {
    const ok = await run("image.yml", [`v=${v}`]);
    assert.equal(ok.code, 0, ok.error);
    assert.equal(ok.calls[0]?.at(-1), `app:${v}`);
  }
});

Deno.test("docker image via CLI: a value in the repository cannot change the registry", async () => {
  const refused = await run("image_repo.yml", ["repo=evil.example/x"]);
  assert.equal(refused.code, 1);
  assert.match(
    refused.error,
    /^config\.image: the path component "evil\.example\/x" holds "\/" once resolved, .*it comes from \$\{params\.repo\}: give it a name component/,
  );
  assert.deepEqual(refused.calls, []);
  const ok = await run("image_repo.yml", ["repo=my-app"]);
  assert.equal(ok.code, 0, ok.error);
  assert.equal(ok.calls[0]?.at(-1), "my-app:1");
});

Deno.test("docker image via CLI: one ${...} giving the whole reference is taken as written", async () => {
  const img = `registry:5000/a/b:1@${DIGEST}`;
  const ok = await run("image_whole.yml", [`img=${img}`]);
  assert.equal(ok.code, 0, ok.error);
  assert.equal(ok.calls[0]?.at(-1), img);
});

Deno.test("docker tags via CLI: a value in a build tag stays in the tag", async () => {
  const refused = await run("tags.yml", [`v=1@${DIGEST}`]);
  assert.equal(refused.code, 1);
  assert.match(
    refused.error,
    /^config\.tags\[0\]: the tag "1@sha256:a{64}" holds "@" once resolved/,
  );
  assert.deepEqual(refused.calls, []);
  const ok = await run("tags.yml", ["v=1.2.3"]);
  assert.equal(ok.code, 0, ok.error);
  assert.deepEqual(values(ok.calls[0], "-t"), ["registry.example:5000/team/app:1.2.3"]);
});

Deno.test("docker image via CLI: validate refuses an image field known before the run", async () => {
  const { result, lines } = await refusedFields("image_known.yml");
  assert.deepEqual(lines, [
    '9:38: config.tags[1] in task "d": the tag "1/evil" holds "/" once resolved, which docker ' +
    "would read as the start of another field ([REGISTRY[:PORT]/]PATH[:TAG][@DIGEST])",
    '10:15: config.image in task "d": the path component "evil.example/x" holds "/" once ' +
    "resolved, which docker would read as the start of another field " +
    "([REGISTRY[:PORT]/]PATH[:TAG][@DIGEST])",
  ]);
  assert.match(result.stderr, /hint: write a tag \(letters, digits/);
});
