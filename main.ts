/**
 * Weft's entry point: hands argv to the CLI and exits with its code.
 * @module
 */
import { runCli } from "./src/cli/main.ts";
import { processIO } from "./src/cli/io.ts";

if (import.meta.main) {
  // `deno task weft` runs from the project folder; act as if run where it was invoked.
  const chdir = Deno.env.get("WEFT_CHDIR");
  if (chdir) {
    Deno.chdir(chdir);
    Deno.env.delete("WEFT_CHDIR");
  }
  const code = await runCli(Deno.args, processIO());
  Deno.exit(code);
}
