/**
 * Weft's entry point: hands argv to the CLI and exits with its code.
 *
 * Only `--version` is answered here without loading the CLI, so that it costs no more
 * than starting the runtime; everything else loads src/cli/main.ts on demand. A build
 * (scripts/build.ts) imports {@link main} from a generated entry that stamps the commit
 * first (see src/version.ts).
 * @module
 */
import { versionLine } from "./src/version.ts";
// First: what weft's parent ignored (nohup) must be read before the runtime resets it.
import "./src/cli/startup_signals.ts";

/** Runs weft with `args` (Deno.args) and exits the process with its exit code. */
export async function main(args: string[]): Promise<void> {
  if (args[0] === "__javascript") {
    // The inside of a `javascript` task (see src/tasks/js_host.ts), not a user-facing verb.
    // Not awaited at the top level: a script awaiting a promise nothing settles would
    // end in Deno's "Top-level await promise never resolved" naming weft's own line;
    // js_host.ts reports it in the script's terms instead.
    import("./src/tasks/js_host.ts").then(({ runJavaScriptHost }) =>
      runJavaScriptHost(args.slice(1)).then((code) => {
        // As under node, a script's pending timers and servers finish before the process ends.
        if (code === 0) Deno.exitCode = 0;
        else Deno.exit(code);
      })
    );
    return;
  }
  if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
    await Deno.stdout.write(new TextEncoder().encode(versionLine() + "\n"));
    Deno.exit(0);
  }
  // `deno task weft` runs from the project folder; act as if run where it was invoked.
  const chdir = Deno.env.get("WEFT_CHDIR");
  if (chdir) {
    Deno.chdir(chdir);
    Deno.env.delete("WEFT_CHDIR");
  }
  // processIO comes through the CLI's module, which imports io.ts: one dynamic import,
  // so that what the CLI loads can be one module (scripts/_bundle_merge.ts).
  const { runCli, processIO } = await import("./src/cli/main.ts");
  const code = await runCli(args, processIO());
  Deno.exit(code);
}

if (import.meta.main) await main(Deno.args);
