/**
 * Webhook lag: from sending `POST /trigger/bench` to the run's first task starting
 * (as recorded in history), at `--rate` requests per minute (default 1,000) for
 * `--duration` seconds (default 60), sent from a second process over loopback to a
 * real `weft daemon --listen`. Prints p50 and p95 against Kestra's published OSS
 * figure at 1,000 executions/min (0.47 s) and issue 10's target (10× better: 47 ms).
 *
 *   deno run -A scripts/bench/webhook_lag.ts [--rate 1000] [--duration 60]
 * @module
 */
import { loadAverage, ms, option, textOption } from "./_stats.ts";
import { percentile, runStarts, startBenchDaemon } from "./_daemon.ts";

interface Sent {
  sentAt: number;
  runId: string | null;
  status: number;
}

const generatorOut = textOption("generator");
if (generatorOut !== undefined) await generate(generatorOut);
else await bench();

/** The second process: sends at a fixed pace without waiting for answers. */
async function generate(out: string): Promise<void> {
  const url = textOption("url")!;
  const rate = option("rate", 1000);
  const total = Math.round(rate * option("duration", 60) / 60);
  const gap = 60_000 / rate;
  const start = performance.now();
  const pending: Promise<Sent>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = start + i * gap - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sentAt = performance.timeOrigin + performance.now();
    pending.push(
      fetch(url, { method: "POST", body: JSON.stringify({ n: i }) }).then(async (res) => {
        const body = await res.json();
        return { sentAt, runId: body.run_id ?? null, status: res.status };
      }),
    );
  }
  Deno.writeTextFileSync(out, JSON.stringify(await Promise.all(pending)));
}

async function bench(): Promise<void> {
  const rate = option("rate", 1000);
  const duration = option("duration", 60);
  const dir = Deno.makeTempDirSync({ prefix: "weft-webhook-lag-" });
  try {
    Deno.mkdirSync(`${dir}/flows`);
    Deno.writeTextFileSync(
      `${dir}/flows/hook.yml`,
      `name: bench
trigger:
  type: webhook
  config:
    webhook: /trigger/bench
params:
  n: ""
tasks:
  - id: first
    type: shell
    command: "true"
`,
    );
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const daemon = startBenchDaemon(
      ["--dir", `${dir}/flows`, "--listen", `127.0.0.1:${port}`, "--max-runs", "16"],
      `${dir}/home`,
    );
    await daemon.until(/daemon started/, 1);
    console.log(`webhook lag: ${rate} requests/min for ${duration} s from a second process…`);
    const out = `${dir}/sent.json`;
    const gen = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL(import.meta.url).pathname,
        "--generator",
        out,
        "--url",
        `http://127.0.0.1:${port}/trigger/bench`,
        "--rate",
        String(rate),
        "--duration",
        String(duration),
      ],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!gen.success) throw new Error(`the generator exited ${gen.code}`);
    const sent: Sent[] = JSON.parse(Deno.readTextFileSync(out));
    const accepted = sent.filter((s) => s.status === 202 && s.runId);
    await daemon.until(/ ended /, accepted.length);
    const code = await daemon.stop();
    if (code !== 0) throw new Error(`the daemon exited ${code}`);
    const starts = new Map((await runStarts(`${dir}/home`, "bench")).map((r) => [r.id, r]));
    const lags = accepted.flatMap((s) => {
      const run = starts.get(s.runId!);
      return run ? [run.firstTaskAt - s.sentAt] : [];
    });
    console.log(
      `request → first task started over ${lags.length} of ${sent.length} requests ` +
        `(${sent.length - accepted.length} not accepted): p50 ${ms(percentile(lags, 50))}, ` +
        `p95 ${ms(percentile(lags, 95))}, max ${ms(Math.max(...lags))}` +
        ` (Kestra OSS: 470 ms; target 47 ms); load ${loadAverage()}`,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}
