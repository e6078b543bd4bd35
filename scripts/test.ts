/**
 * The test suite, as `deno task test` runs it (the README's test command and CI's):
 *
 *   deno task test                      # every file in tests/
 *   deno task test --filter "daemon"    # options go to `deno test`
 *   deno task test tests/a_test.ts ...  # only these files, each in a worker of its own
 *
 * Three things make the whole suite cheaper than `deno test -A --parallel tests/`, without
 * changing a test:
 * - weft is started from one bundle built here first (`scripts/build.ts --bundle`, the
 *   form `deno compile` ships) instead of from source: tests/_run_cli.ts reads its path
 *   from WEFT_TEST_PROGRAM. A start from the bundle costs about a quarter less CPU time,
 *   and the suite starts weft thousands of times.
 * - the test files run in {@link GROUPS} workers, each importing a share of them, rather
 *   than a worker per file: a worker costs 0.25–0.4 s of CPU time to start on the CI
 *   machine before its first test, 2 minutes for the suite's 430 files.
 * - {@link jobs}: one worker more at once than there are CPUs (DENO_JOBS overrides it).
 * - the groups are balanced by each file's duration in a run saved before
 *   ({@link DURATIONS}): the suite ends when its last worker does, and files dealt blindly
 *   left one worker running alone for the last minute and a half of a 15-minute suite.
 * - the whole suite is type-checked as `deno task check` checks it ({@link CHECK_ROOTS}),
 *   then run with `--no-check`: after `deno task check` (CI) that check is answered from
 *   Deno's cache, where type-checking the groups again cost 15 s before the first test.
 * Tests are still reported by name, and a failure's location names its own file.
 *
 *   deno task test --save-durations     # also writes DURATIONS from this run's timings
 *
 * Exits with `deno test`'s status; 1 if the bundle cannot be built or the type check fails.
 * @module
 */

/** Workers for the whole suite: enough for `--parallel` to keep every CPU busy to the end. */
export const GROUPS = 24;

const root = new URL("..", import.meta.url).pathname;
const out = `${root}dist/test`;

/**
 * What `deno check` is given, as `deno task check` gives it (deno.json): the same roots, so
 * that Deno's type-check cache answers for a check that task made.
 */
export const CHECK_ROOTS = ["main.ts", "src/", "tests/", "scripts/"];

/**
 * Seconds each test file took (its tests' JUnit `time`, steps included, summed per file:
 * {@link durationsOf}) in the run last saved with `--save-durations`; read to balance the
 * groups. A file missing from it (new since) weighs the median.
 */
export const DURATIONS = `${root}tests/durations.json`;

/**
 * The suite's test files dealt into `count` groups of nearly equal total duration
 * (`weights`, seconds per file name; longest file first, each to the lightest group so
 * far), heaviest group first: `deno test` takes the groups in that order, so the last
 * ones a worker starts are short. Files of equal weight (no durations known) are dealt
 * round-robin in name order, so that each family of tests (cli_, daemon_, …) is spread
 * across the workers. Each group lists its files in name order.
 */
export function groupFiles(
  files: string[],
  count: number,
  weights: Readonly<Record<string, number>> = {},
): string[][] {
  const known = files.map((f) => weights[f]).filter((w) => Number.isFinite(w) && w >= 0);
  const fallback = known.length > 0 ? median(known) : 1;
  const weightOf = (f: string) =>
    Number.isFinite(weights[f]) && weights[f] >= 0 ? weights[f] : fallback;
  const groups = Array.from(
    { length: Math.min(count, files.length) },
    () => ({ files: [] as string[], total: 0 }),
  );
  const order = [...files].sort((a, b) => weightOf(b) - weightOf(a) || (a < b ? -1 : 1));
  for (const file of order) {
    let lightest = groups[0];
    for (const g of groups) if (g.total < lightest.total) lightest = g;
    lightest.files.push(file);
    lightest.total += weightOf(file);
  }
  return groups
    .map((g, i) => ({ ...g, i }))
    .sort((a, b) => b.total - a.total || a.i - b.i)
    .map((g) => g.files.sort());
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Seconds per test file (its name, `x_test.ts`) of a JUnit report written by
 * `deno test --junit-path`: the time of each test (`Deno.test`), summed per file.
 *
 * A report also lists each step (`t.step`) as a testcase of its own, named
 * `test > step`, whose `classname` is the file of the `t.step` call: a helper module
 * for a suite of steps (tests/_smoke.ts, run by bundle_test.ts and main_source_test.ts).
 * A test's time already includes its steps', so steps are left out: counted, a file's
 * steps would weigh twice, and a helper's would weigh a file that no group runs while the
 * test files calling it weighed only their own.
 */
export function durationsOf(junitXml: string): Record<string, number> {
  const cases: { name: string; file: string; time: number }[] = [];
  for (const m of junitXml.matchAll(/<testcase\b[^>]*>/g)) {
    const file = /\bclassname="([^"]*)"/.exec(m[0])?.[1].split("/").pop();
    const name = unescapeXml(/\bname="([^"]*)"/.exec(m[0])?.[1] ?? "");
    const time = Number(/\btime="([^"]*)"/.exec(m[0])?.[1]);
    if (!file || !Number.isFinite(time)) continue;
    cases.push({ name, file, time });
  }
  // A step is named after the test (or step) it is in: `parent > step`.
  const names = new Set(cases.map((c) => c.name));
  const isStep = (name: string) => {
    for (let at = name.indexOf(" > "); at >= 0; at = name.indexOf(" > ", at + 1)) {
      if (names.has(name.slice(0, at))) return true;
    }
    return false;
  };
  const seconds: Record<string, number> = {};
  for (const { name, file, time } of cases) {
    if (!isStep(name)) seconds[file] = (seconds[file] ?? 0) + time;
  }
  for (const file of Object.keys(seconds)) seconds[file] = Math.round(seconds[file] * 10) / 10;
  return seconds;
}

function unescapeXml(text: string): string {
  return text.replace(
    /&(lt|gt|quot|apos|amp);/g,
    (_, e: string) => ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[e]!,
  );
}

if (import.meta.main) {
  const args = [...Deno.args];
  const built = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${root}scripts/build.ts`, "--bundle", "--output", `${out}/weft.js`],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!built.success) {
    console.error("test: building the bundle failed (above); no test ran");
    Deno.exit(1);
  }
  const save = args.includes("--save-durations");
  if (save) args.splice(args.indexOf("--save-durations"), 1);
  // Files named on the command line run as named (deno test checks them); otherwise the
  // groups, checked first as `deno task check` checks (see CHECK_ROOTS).
  const named = args.some(isPath);
  const ownCheck = !named && !args.some((a) => /^--(no-)?check\b/.test(a));
  if (ownCheck) {
    const checked = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", ...CHECK_ROOTS],
      cwd: root,
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!checked.success) {
      console.error("test: the type check failed (above); no test ran");
      Deno.exit(1);
    }
  }
  const targets = named ? [] : await writeGroups();
  const junit = `${out}/junit.xml`;
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "test",
      "-A",
      "--parallel",
      ...(ownCheck ? ["--no-check"] : []),
      ...(save ? [`--junit-path=${junit}`] : []),
      ...args,
      ...targets,
    ],
    env: { WEFT_TEST_PROGRAM: `${out}/weft.js`, DENO_JOBS: jobs() },
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (save) {
    const report = await Deno.readTextFile(junit).catch(() => null);
    if (report === null) {
      console.error(`test: deno test wrote no report (${junit}): durations not saved`);
      Deno.exit(r.code || 1);
    }
    const seconds = durationsOf(report);
    const sorted = Object.fromEntries(Object.entries(seconds).sort(([a], [b]) => a < b ? -1 : 1));
    await Deno.writeTextFile(DURATIONS, JSON.stringify(sorted, null, 2) + "\n");
    console.error(
      `test: wrote the durations of ${Object.keys(sorted).length} files to ${DURATIONS}`,
    );
  }
  Deno.exit(r.code);
}

/**
 * Workers run at once: DENO_JOBS when set, else one more than the CPUs. Much of the
 * suite's time is spent waiting (on child processes, and on the cron fires and timeouts
 * that daemon tests sleep through): with a worker per CPU, the CPUs of the CI machine
 * were idle a quarter of the time.
 */
export function jobs(env: string | undefined = Deno.env.get("DENO_JOBS")): string {
  return env && /^[1-9]\d*$/.test(env) ? env : String(navigator.hardwareConcurrency + 1);
}

/** Writes dist/test/groups/gNN_test.ts, each importing its share of tests/; returns the folder. */
async function writeGroups(): Promise<string[]> {
  const files: string[] = [];
  for await (const e of Deno.readDir(`${root}tests`)) {
    if (e.isFile && e.name.endsWith("_test.ts")) files.push(e.name);
  }
  const dir = `${out}/groups`;
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  const groups = groupFiles(files, GROUPS, await readDurations());
  for (const [i, group] of groups.entries()) {
    const imports = group.map((f) => `import "../../../tests/${f}";\n`).join("");
    await Deno.writeTextFile(
      `${dir}/g${String(i + 1).padStart(2, "0")}_test.ts`,
      `// Generated by scripts/test.ts: one worker for these test files.\n${imports}`,
    );
  }
  return [dir];
}

/** {@link DURATIONS}, or none when it is missing or not an object of numbers. */
async function readDurations(): Promise<Record<string, number>> {
  try {
    const parsed = JSON.parse(await Deno.readTextFile(DURATIONS));
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/**
 * Whether a command-line argument names a test file or folder (one that exists), as
 * opposed to an option or an option's value (`--filter daemon`).
 */
function isPath(arg: string): boolean {
  if (arg.startsWith("-")) return false;
  try {
    Deno.statSync(arg);
    return true;
  } catch {
    return false;
  }
}
