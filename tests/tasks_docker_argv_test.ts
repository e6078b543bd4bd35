import assert from "node:assert/strict";
import {
  buildArgv,
  containerName,
  type DockerConfig,
  DockerConfigError,
  dockerPreview,
  pushArgvs,
  runArgv,
} from "../src/tasks/docker_argv.ts";
import { splitWords } from "../src/expr/command_words.ts";
import { resolveQuoted } from "../src/model/data_text.ts";

/** Resolves `${env.X}` from a fixed table, like the engine's interpolation would. */
const vars: Record<string, string> = {
  "env.BUILD_NUMBER": "42",
  "params.greeting": "a b; rm -rf /",
};
const interpolate = (text: string) =>
  text.replace(/\$\{\s*([a-z.A-Z_]+)\s*\}/g, (_, name: string) => vars[name] ?? "");

const config = (c: Partial<DockerConfig>) => c as DockerConfig;

Deno.test("docker argv: the seed's build, each value one element", () => {
  const argv = buildArgv(
    config({
      dockerfile: "Dockerfile",
      context: ".",
      tags: ["myapp:latest", "myapp:${env.BUILD_NUMBER}"],
      build_args: { NODE_ENV: "production", NOTE: "two words" },
    }),
    interpolate,
  );
  assert.deepEqual(argv, [
    "build",
    "-f",
    "Dockerfile",
    "-t",
    "myapp:latest",
    "-t",
    "myapp:42",
    "--build-arg",
    "NODE_ENV=production",
    "--build-arg",
    "NOTE=two words",
    ".",
  ]);
  assert.deepEqual(pushArgvs(["myapp:latest", "myapp:42"]), [["push", "myapp:latest"], [
    "push",
    "myapp:42",
  ]]);
});

Deno.test("docker argv: context defaults to ., a context starting with - stays a path", () => {
  assert.deepEqual(buildArgv(config({ dockerfile: "app.Dockerfile" }), interpolate), [
    "build",
    "-f",
    "app.Dockerfile",
    ".",
  ]);
  assert.deepEqual(buildArgv(config({ context: "-" }), interpolate), ["build", "./-"]);
  assert.throws(() => buildArgv(config({ context: "x", tags: ["${env.NOPE}"] }), interpolate), {
    message: /a tag is empty once resolved/,
  });
});

Deno.test("docker argv: run with every option, in docker's order", () => {
  const argv = runArgv(
    config({
      image: "myapp:${env.BUILD_NUMBER}",
      command: ["echo", "${params.greeting}"],
      env: { GREETING: "${params.greeting}" },
      volumes: ["./data:/data:ro"],
      ports: ["127.0.0.1:8080:80"],
      workdir: "/app",
      network: "host",
      pull: "never",
    }),
    "weft-r-t-1",
    interpolate,
  );
  assert.deepEqual(argv, [
    "run",
    "--name",
    "weft-r-t-1",
    "--rm",
    "--pull",
    "never",
    "-e",
    "GREETING=a b; rm -rf /",
    "-v",
    "./data:/data:ro",
    "-p",
    "127.0.0.1:8080:80",
    "-w",
    "/app",
    "--network",
    "host",
    "myapp:42",
    "echo",
    "a b; rm -rf /",
  ]);
  const kept = runArgv(config({ image: "alpine", remove: false }), "n", interpolate);
  assert.deepEqual(kept, ["run", "--name", "n", "alpine"]);
  assert.throws(
    () => runArgv(config({ image: "--privileged" }), "n", interpolate),
    DockerConfigError,
  );
  assert.throws(() => runArgv(config({ image: "${env.NOPE}" }), "n", interpolate), /image/);
});

Deno.test("docker argv: a string command is split like docker compose, values stay one word", () => {
  const argv = runArgv(
    config({ image: "alpine", command: `sh -c 'echo "$HOME" \${params.greeting}' x"y z"\\ w` }),
    "n",
    interpolate,
  );
  assert.deepEqual(argv.slice(5), ["sh", "-c", 'echo "$HOME" a b; rm -rf /', "xy z w"]);
  assert.deepEqual(splitWords(`echo \${params.greeting} "\${env.X == 'a b'}" ''`), [
    "echo",
    "${params.greeting}",
    "${env.X == 'a b'}",
    "",
  ]);
  assert.deepEqual(splitWords(`  a\t b\n"c\\"d\\\\" $\${HOME} `), ["a", "b", 'c"d\\', "$${HOME}"]);
  assert.throws(() => splitWords("echo 'oops"), /unclosed ' quote/);
  assert.throws(() => splitWords('echo "oops'), /unclosed " quote/);
});

Deno.test("docker container names: valid for docker, unique per task id", () => {
  const run = "20261201T024213.123Z-3f9a1c0b7e";
  assert.equal(containerName(run, "build", 2), `weft-${run}-build-2`);
  const a = containerName(run, "deploy[qa]", 1);
  const b = containerName(run, "deploy_qa_", 1);
  const c = containerName(run, "deploy[qa_", 1);
  for (const name of [a, b, c]) assert.match(name, /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/);
  assert.equal(new Set([a, b, c]).size, 3);
  const long = containerName(run, "x".repeat(128), 1);
  assert.ok(long.length < 120, long);
  assert.notEqual(long, containerName(run, "x".repeat(127), 1));
});

Deno.test("docker preview: the commands a dry run shows, quoted for sh where needed", () => {
  const lines = dockerPreview(
    config({
      context: "app",
      tags: ["myapp:${env.BUILD_NUMBER}"],
      push: true,
      image: "myapp:${env.BUILD_NUMBER}",
      command: "echo 'two words'",
    }),
    interpolate,
    "weft-<run>-<task>-<attempt>",
  );
  assert.deepEqual(lines, [
    "docker build -t myapp:42 app",
    "docker push myapp:42",
    "docker run --name 'weft-<run>-<task>-<attempt>' --rm myapp:42 echo 'two words'",
  ]);
});

Deno.test("docker argv: a value in a volume's container path or options may not add a ':'", () => {
  const sub = (value: string, volumes: string[]) => {
    const table: Record<string, string> = { "params.sub": value, "params.vol": "/srv/h:/c" };
    const interp = (text: string) =>
      text.replace(/\$\{\s*([a-z.A-Z_]+)\s*\}/g, (_, name: string) => table[name] ?? "");
    return runArgv(config({ image: "alpine", volumes }), "n", interp);
  };
  const volumes = [
    "./data:/srv/${params.sub}",
    "./conf:/etc/app/${params.sub}:ro",
    "./opt:/opt:${params.sub}",
    "/anon/${params.sub}",
    "${params.vol}",
  ];
  assert.deepEqual(sub("x", volumes).filter((_, i, a) => a[i - 1] === "-v"), [
    "./data:/srv/x",
    "./conf:/etc/app/x:ro",
    "./opt:/opt:x",
    "/anon/x",
    "/srv/h:/c", // one `${...}` giving the whole entry: as written
  ]);
  // `x:Z` would relabel the host folder (SELinux), `x:rw` make a read-only mount writable.
  const cases: [string, string, RegExp][] = [
    [
      "./data:/srv/${params.sub}",
      "x:Z",
      /^config\.volumes\[0\]: the container path "\/srv\/x:Z" holds ":"/,
    ],
    [
      "./conf:/etc/app/${params.sub}:ro",
      "x:rw",
      /^config\.volumes\[0\]: the container path "\/etc\/app\/x:rw" holds ":"/,
    ],
    ["./opt:/opt:${params.sub}", "ro:Z", /^config\.volumes\[0\]: the options "ro:Z" holds ":"/],
    [
      "/anon/${params.sub}",
      "x:/etc",
      /^config\.volumes\[0\]: the path "\/anon\/x:\/etc" holds ":"/,
    ],
  ];
  for (const [volume, value, reason] of cases) {
    let message = "";
    try {
      sub(value, [volume]);
    } catch (error) {
      assert.ok(error instanceof DockerConfigError, String(error));
      message = resolveQuoted(error.message);
    }
    assert.match(message, reason, `${volume} with ${value}`);
  }
});
