/**
 * A fault of the machine at a path that a setting chose (`TMPDIR`, `XDG_RUNTIME_DIR`,
 * WEFT_HOME…). Carrying the setting lets the message name the path that failed and the
 * setting to change, rather than blame another one (a `TMPDIR` that is a file is not
 * fixed by moving WEFT_HOME). The CLI words it with store/faults.ts describeFault.
 * @module
 */

/** `what` failed at `path`, a path that `setting` chose; `cause` is the OS error. */
export class PathFault extends Error {
  /** The OS error's errno name (`ENOTDIR`), so that it still reads as a fault of the machine. */
  readonly code: string | undefined;
  /** The OS error's own message. */
  readonly detail: string;

  /**
   * @param what what failed, completing "…: reason" (`cannot create the run's work folder`)
   * @param path the path that failed
   * @param setting the variable or option that chose it (`TMPDIR`), or null when none did
   * @param cause the error the OS gave
   */
  constructor(
    readonly what: string,
    readonly path: string,
    readonly setting: string | null,
    override readonly cause: unknown,
  ) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`${what} (${path}${setting ? `, from ${setting}` : ""}): ${detail}`, { cause });
    this.name = "PathFault";
    this.detail = detail;
    const code = (cause as { code?: unknown } | null)?.code;
    this.code = typeof code === "string" ? code : undefined;
  }
}
