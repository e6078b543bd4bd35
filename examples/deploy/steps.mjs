// Stand-in for the real build steps of examples/deploy. Each step says what it
// does, waits a moment (DEMO_STEP_MS, default 300) so the progress is visible,
// and appends its name to a log file (WEFT_DEMO_LOG, default in the system temp
// folder) so the order can be checked. DEPLOY_FAIL=1 makes the deploy fail.
import { appendFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const messages = {
  validate: "checking package.json, lockfile and lint rules",
  build: "bundling the application into dist/",
  test: "running 42 tests",
  deploy: "uploading dist/ to staging",
  "notify-success": "posting to #deploys: staging is live",
  rollback: "switching staging back to the previous release",
  "notify-failure": "posting to #deploys: the deploy failed",
};

const step = process.argv[2];
if (!(step in messages)) {
  console.error(`unknown step ${JSON.stringify(step)}; one of: ${Object.keys(messages).join(", ")}`);
  process.exit(2);
}

const log = process.env.WEFT_DEMO_LOG || join(tmpdir(), "weft-demo", "steps.log");
mkdirSync(dirname(log), { recursive: true });
console.log(`${step}: ${messages[step]}`);
await new Promise((resolve) => setTimeout(resolve, Number(process.env.DEMO_STEP_MS ?? 300)));

if (step === "deploy" && process.env.DEPLOY_FAIL === "1") {
  appendFileSync(log, `${step} (failed)\n`);
  console.error("deploy: staging refused the upload (DEPLOY_FAIL=1)");
  process.exit(1);
}
appendFileSync(log, `${step}\n`);
console.log(`${step}: done`);
