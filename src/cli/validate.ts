/**
 * `weft validate FILE...` (placeholder wiring; the foundation issue fills it in).
 * @module
 */
import { Command } from "commander";
import type { CliIO } from "./io.ts";

/** The `validate` verb. */
export function validateCommand(_io: CliIO, done: (code: number) => void): Command {
  return new Command("validate")
    .description("check workflow files and report every problem with file:line:col")
    .argument("<files...>", "workflow files (.json, .yml, .yaml) or - for stdin")
    .option("--json", "print problems as JSON on stdout")
    .action(() => done(2));
}
