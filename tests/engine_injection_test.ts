/**
 * Values substituted into shell commands — from params, the environment, and an
 * earlier task's outputs and stdout — must arrive as literal text and never run.
 */
import assert from "node:assert/strict";
import { runTest } from "./_engine.ts";

const PAYLOADS = [
  "$(touch PWNED)",
  "`touch PWNED`",
  "; touch PWNED",
  "&& touch PWNED",
  "|| touch PWNED",
  "| touch PWNED",
  "x\ntouch PWNED",
  "' ; touch PWNED ; '",
  '" ; touch PWNED ; "',
  '"$(touch PWNED)"',
  "'$(touch PWNED)'",
  "*",
  "$HOME ${HOME} $0 $$",
  "> PWNED",
  "< /etc/passwd",
  "$((1+1)) $[1+1]",
  "\\'; touch PWNED; echo \\'",
  '\\"; touch PWNED; echo \\"',
  "${IFS}touch${IFS}PWNED",
  "{a,b} ~ ~root !! & touch PWNED &",
  "$'\\x41' \\\\ \\ end\\",
  "  leading and trailing spaces  ",
  "-n",
  "",
];

/** The places a template can put a value in a command. */
const CONTEXTS: [string, (ref: string) => string][] = [
  ["unquoted", (ref) => `printf '%s' ${ref} > "out-$WEFT_TASK_ID"`],
  ["double", (ref) => `printf '%s' "${ref}" > "out-$WEFT_TASK_ID"`],
  ["single", (ref) => `printf '%s' '${ref}' > "out-$WEFT_TASK_ID"`],
  ["echo-mixed", (ref) => `v="pre-${ref}-post"; printf '%s' "$v" > "out-$WEFT_TASK_ID"`],
];

function expected(context: string, payload: string): string {
  return context === "echo-mixed" ? `pre-${payload}-post` : payload;
}

async function assertNoMarker(dir: string): Promise<void> {
  for await (const entry of Deno.readDir(dir)) {
    assert.ok(!entry.name.includes("PWNED"), `marker file created: ${entry.name}`);
  }
}

async function checkOutputs(
  dir: string,
  tasks: { id: string; want: string }[],
): Promise<void> {
  for (const { id, want } of tasks) {
    const got = await Deno.readTextFile(`${dir}/out-${id}`);
    assert.equal(got, want, `task ${id}`);
  }
  await assertNoMarker(dir);
}

Deno.test(`injection: ${PAYLOADS.length} payloads through params, in every quoting context`, async () => {
  const params: Record<string, { default: string }> = {};
  const tasks: { id: string; command: string }[] = [];
  const wants: { id: string; want: string }[] = [];
  PAYLOADS.forEach((payload, i) => {
    params[`p${i}`] = { default: "" };
    for (const [name, place] of CONTEXTS) {
      const id = `param-${i}-${name}`;
      tasks.push({ id, command: place(`\${params.p${i}}`) });
      wants.push({ id, want: expected(name, payload) });
    }
  });
  const given = Object.fromEntries(PAYLOADS.map((p, i) => [`p${i}`, p]));
  const r = await runTest({ name: "inject-params", params, tasks }, {
    params: given,
    maxParallel: 4,
  });
  assert.equal(
    r.report.status,
    "success",
    JSON.stringify(r.report.tasks.filter((t) => t.status !== "success")),
  );
  await checkOutputs(r.dir, wants);
});

Deno.test("injection: payloads through the environment (process, --env, workflow env)", async () => {
  const baseEnv: Record<string, string> = { PATH: Deno.env.get("PATH")! };
  const tasks: { id: string; command: string }[] = [];
  const wants: { id: string; want: string }[] = [];
  PAYLOADS.forEach((payload, i) => {
    baseEnv[`P${i}`] = payload;
    for (const [name, place] of CONTEXTS) {
      const id = `env-${i}-${name}`;
      tasks.push({ id, command: place(`\${env.P${i}}`) });
      wants.push({ id, want: expected(name, payload) });
    }
  });
  const r = await runTest(
    {
      name: "inject-env",
      environment: { WRAPPED: "[${env.P0}]" },
      tasks: [
        ...tasks,
        { id: "wrapped", command: `printf '%s' \${env.WRAPPED} > "out-$WEFT_TASK_ID"` },
      ],
    },
    { baseEnv, extraEnv: { P1: PAYLOADS[1] }, maxParallel: 4 },
  );
  assert.equal(r.report.status, "success");
  await checkOutputs(r.dir, [...wants, { id: "wrapped", want: `[${PAYLOADS[0]}]` }]);
});

Deno.test("injection: payloads through an earlier task's outputs and stdout", async () => {
  const baseEnv: Record<string, string> = { PATH: Deno.env.get("PATH")! };
  const tasks: { id: string; command: string; depends_on?: string[] }[] = [];
  const wants: { id: string; want: string }[] = [];
  PAYLOADS.forEach((payload, i) => {
    baseEnv[`P${i}`] = payload;
    // The producer writes the payload as an output (heredoc form: newlines survive) and to stdout.
    const producer = `make-${i}`;
    tasks.push({
      id: producer,
      command:
        `printf 'v<<WEFT_EOF\\n%s\\nWEFT_EOF\\n' "$P${i}" >> "$WEFT_OUTPUT"; printf '%s\\n' "$P${i}"`,
    });
    for (const [name, place] of CONTEXTS) {
      const viaOutput = `out-${i}-${name}`;
      tasks.push({
        id: viaOutput,
        command: place(`\${tasks.${producer}.outputs.v}`),
        depends_on: [producer],
      });
      wants.push({ id: viaOutput, want: expected(name, payload) });
    }
    const viaStdout = `stdout-${i}`;
    tasks.push({
      id: viaStdout,
      command: CONTEXTS[0][1](`\${tasks.${producer}.stdout}`),
      depends_on: [producer],
    });
    wants.push({ id: viaStdout, want: payload });
  });
  // The example from the brief, written by the task itself.
  tasks.push({ id: "writer", command: `echo 'x=$(touch PWNED)' >> "$WEFT_OUTPUT"` });
  tasks.push({
    id: "reader",
    command: `echo \${tasks.writer.outputs.x} > "out-reader"`,
    depends_on: ["writer"],
  });
  const r = await runTest({ name: "inject-outputs", tasks }, { baseEnv, maxParallel: 4 });
  assert.equal(r.report.status, "success");
  await checkOutputs(r.dir, wants);
  assert.equal(await Deno.readTextFile(`${r.dir}/out-reader`), "$(touch PWNED)\n");
});

Deno.test("injection: bash as the shell is just as safe", async () => {
  const tasks = PAYLOADS.map((_, i) => ({
    id: `bash-${i}`,
    shell: "bash",
    command: `printf '%s' \${params.p${i}} > "out-$WEFT_TASK_ID"`,
  }));
  const params = Object.fromEntries(PAYLOADS.map((_, i) => [`p${i}`, ""]));
  const given = Object.fromEntries(PAYLOADS.map((p, i) => [`p${i}`, p]));
  const r = await runTest({ name: "inject-bash", params, tasks }, {
    params: given,
    maxParallel: 4,
  });
  assert.equal(r.report.status, "success");
  await checkOutputs(r.dir, PAYLOADS.map((p, i) => ({ id: `bash-${i}`, want: p })));
});

Deno.test("injection: values in a task's environment and cwd are not shell-parsed either", async () => {
  const payload = "$(touch PWNED); `touch PWNED`";
  const r = await runTest({
    name: "inject-task-env",
    params: { p: "" },
    tasks: [{
      id: "a",
      environment: { V: "${params.p}" },
      command: `printf '%s' "$V" > out-a`,
    }],
  }, { params: { p: payload } });
  assert.equal(r.report.status, "success");
  await checkOutputs(r.dir, [{ id: "a", want: payload }]);
});
