/**
 * The file_change watch (src/schedule/daemon_watch.ts, daemon_watch_folder.ts) on real
 * folders: a watched folder deleted and recreated, missing at start, replaced by a rename,
 * a file replaced by a rename (as editors save), a folder made with files already in it.
 * Each test waits for the expected state with a generous deadline: no timed assertions.
 */
import assert from "node:assert/strict";
import { type FileWatch, watchFiles } from "../src/schedule/daemon_watch.ts";
import { testTempDir } from "./_tmp.ts";

interface Watched {
  watch: FileWatch;
  /** Every burst of changed paths so far. */
  bursts: string[][];
  notices: string[];
}

function watch(dir: string, patterns: string[]): Watched {
  const bursts: string[][] = [];
  const notices: string[] = [];
  const watch = watchFiles({
    patterns,
    dir,
    debounceMs: 50,
    onChange: (paths) => bursts.push(paths),
    onNotice: (message) => notices.push(message),
  });
  return { watch, bursts, notices };
}

/** Resolves once `ok()` holds; rejects with `what` and the state after 20 s. */
async function until(ok: () => boolean, what: string, state: () => unknown): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!ok()) {
    if (Date.now() > deadline) {
      throw new Error(`${what} did not happen: ${JSON.stringify(state())}`);
    }
    // Longer than the debounce: a probe written each time still lets a burst end.
    await new Promise((r) => setTimeout(r, 150));
  }
}

const changed = (w: Watched, path: string) => w.bursts.some((b) => b.includes(path));
const noticed = (w: Watched, pattern: RegExp) => w.notices.some((n) => pattern.test(n));

/**
 * Writes `data/a.txt` under `dir` until the watch reports it: the first change proves the
 * watch is armed (a change before it is not reported).
 */
function armed(w: Watched, dir: string): Promise<void> {
  return until(
    () => {
      Deno.writeTextFileSync(`${dir}/data/a.txt`, "x");
      return changed(w, `${dir}/data/a.txt`);
    },
    "the first change",
    () => w,
  );
}

/** Closes the watch and lets its folder watchers end before the test's sanitizers look. */
async function close(w: Watched): Promise<void> {
  w.watch.close();
  await new Promise((r) => setTimeout(r, 100));
}

Deno.test("file watch: a folder deleted and recreated is watched again, and said so", async () => {
  const dir = testTempDir("watch-");
  Deno.mkdirSync(`${dir}/data`);
  const w = watch(dir, ["data/*.txt"]);
  try {
    await armed(w, dir);
    Deno.removeSync(`${dir}/data`, { recursive: true });
    await until(
      () => noticed(w, /data went away; it is watched again once it is back/),
      "gone",
      () => w,
    );
    Deno.mkdirSync(`${dir}/data`);
    Deno.writeTextFileSync(`${dir}/data/b.txt`, "y");
    await until(() => changed(w, `${dir}/data/b.txt`), "b.txt reported", () => w);
    await until(() => noticed(w, /data is back; watching it again/), "back", () => w);
    Deno.writeTextFileSync(`${dir}/data/b2.txt`, "z");
    await until(() => changed(w, `${dir}/data/b2.txt`), "b2.txt reported", () => w);
    assert.ok(!w.bursts.flat().some((p) => p.endsWith(".tmp")));
  } finally {
    await close(w);
  }
});

Deno.test("file watch: a folder missing at start is watched once it is created", async () => {
  const dir = testTempDir("watch-");
  const w = watch(dir, ["data/*.txt"]);
  try {
    await until(
      () => noticed(w, /folder \S+\/data does not exist; it is watched once it is created/),
      "missing said",
      () => w,
    );
    Deno.mkdirSync(`${dir}/data`);
    Deno.writeTextFileSync(`${dir}/data/first.txt`, "1");
    await until(() => changed(w, `${dir}/data/first.txt`), "first.txt reported", () => w);
    await until(() => noticed(w, /data exists now; watching it/), "exists now said", () => w);
    Deno.writeTextFileSync(`${dir}/data/second.txt`, "2");
    await until(() => changed(w, `${dir}/data/second.txt`), "second.txt reported", () => w);
  } finally {
    await close(w);
  }
});

Deno.test("file watch: a folder replaced by a rename is followed; the moved one is not", async () => {
  const dir = testTempDir("watch-");
  Deno.mkdirSync(`${dir}/data`);
  const w = watch(dir, ["data/*.txt"]);
  try {
    await armed(w, dir);
    // Renamed away and a new one made at once: an inotify watch would follow the old one.
    Deno.renameSync(`${dir}/data`, `${dir}/old`);
    Deno.mkdirSync(`${dir}/data`);
    await until(() => noticed(w, /data (was replaced|is back)/), "the new folder watched", () => w);
    const from = w.bursts.length;
    Deno.writeTextFileSync(`${dir}/old/moved.txt`, "m");
    Deno.writeTextFileSync(`${dir}/data/new.txt`, "n");
    await until(() => changed(w, `${dir}/data/new.txt`), "new.txt reported", () => w);
    assert.ok(
      !w.bursts.slice(from).flat().some((p) => p.endsWith("moved.txt")),
      "a file in the moved folder is not reported under the old name",
    );
  } finally {
    await close(w);
  }
});

Deno.test("file watch: a file replaced by a rename (as editors save) is a change", async () => {
  const dir = testTempDir("watch-");
  Deno.writeTextFileSync(`${dir}/config.yml`, "a: 1\n");
  const w = watch(dir, ["config.yml"]);
  try {
    await until(
      () => {
        Deno.writeTextFileSync(`${dir}/.config.yml.swp`, "a: 2\n");
        Deno.renameSync(`${dir}/.config.yml.swp`, `${dir}/config.yml`);
        return changed(w, `${dir}/config.yml`);
      },
      "config.yml reported",
      () => w,
    );
    assert.ok(!w.bursts.flat().some((p) => p.endsWith(".swp")), "only what the glob matches");
  } finally {
    await close(w);
  }
});

Deno.test("file watch: files made in a new subfolder at once are reported", async () => {
  const dir = testTempDir("watch-");
  const w = watch(dir, ["**/*.csv"]);
  try {
    await until(
      () => {
        Deno.writeTextFileSync(`${dir}/probe.csv`, "p");
        return changed(w, `${dir}/probe.csv`);
      },
      "the first change",
      () => w,
    );
    Deno.mkdirSync(`${dir}/in/deep`, { recursive: true });
    Deno.writeTextFileSync(`${dir}/in/deep/x.csv`, "x");
    await until(() => changed(w, `${dir}/in/deep/x.csv`), "x.csv reported", () => w);
  } finally {
    await close(w);
  }
});

Deno.test("file watch: a folder that cannot be watched is said so once, and watched once it can be", async () => {
  const dir = testTempDir("watch-");
  Deno.writeTextFileSync(`${dir}/data`, "a file where the folder should be");
  const w = watch(dir, ["data/*.txt"]);
  try {
    await until(
      () => noticed(w, /cannot watch \S+\/data: it is not a folder; trying again every 1\.0s/),
      "cannot watch said",
      () => w,
    );
    Deno.removeSync(`${dir}/data`);
    Deno.mkdirSync(`${dir}/data`);
    Deno.writeTextFileSync(`${dir}/data/c.txt`, "c");
    await until(() => changed(w, `${dir}/data/c.txt`), "c.txt reported", () => w);
    await until(() => noticed(w, /watching \S+\/data now/), "watching now said", () => w);
    assert.equal(w.notices.filter((n) => /cannot watch/.test(n)).length, 1, "said once");
  } finally {
    await close(w);
  }
});

Deno.test("file watch: `!` patterns exclude, a folder pattern is what is below it (t16 F9)", async () => {
  const dir = testTempDir("watch-");
  Deno.mkdirSync(`${dir}/src/gen`, { recursive: true });
  Deno.mkdirSync(`${dir}/docs`);
  const w = watch(dir, ["src/**", "!src/gen/**", "docs"]);
  try {
    await until(
      () => {
        Deno.writeTextFileSync(`${dir}/src/gen/out.js`, "generated");
        Deno.writeTextFileSync(`${dir}/src/a.js`, "a");
        return changed(w, `${dir}/src/a.js`);
      },
      "src/a.js reported",
      () => w,
    );
    await until(
      () => {
        Deno.writeTextFileSync(`${dir}/docs/readme.md`, "d");
        return changed(w, `${dir}/docs/readme.md`);
      },
      "docs/readme.md reported",
      () => w,
    );
    // Written before each reported change, src/gen/out.js is in no burst, and no folder
    // named `!src` was looked for.
    assert.ok(!w.bursts.flat().some((p) => p.includes("/src/gen/")), JSON.stringify(w.bursts));
    assert.ok(!w.notices.some((n) => n.includes("!src")), JSON.stringify(w.notices));
  } finally {
    await close(w);
  }
});

Deno.test("watch: once ready settles, one change written at once is seen (the daemon logs started after it)", async () => {
  const dir = testTempDir("watch-ready-");
  Deno.mkdirSync(`${dir}/data`);
  for (let i = 0; i < 5; i++) {
    const w = watch(dir, ["data/*.txt"]);
    try {
      await w.watch.ready;
      const path = `${dir}/data/once-${i}.txt`;
      Deno.writeTextFileSync(path, "x"); // written once: no retry proves the watch armed
      await until(() => changed(w, path), `the change of ${path}`, () => w);
    } finally {
      w.watch.close();
    }
  }
});
