/**
 * A small tmpfs for tests of a full or read-only disk. Only root can mount one (and
 * permission bits do not stop root, so chmod cannot fake a read-only folder): tests
 * that need it are skipped, saying so, where `mount` is not allowed.
 * @module
 */
import assert from "node:assert/strict";
import { testTempDir } from "./_tmp.ts";

/** Runs a program quietly; true when it exited 0. */
export async function sh(...args: string[]): Promise<boolean> {
  const { success } = await new Deno.Command(args[0], {
    args: args.slice(1),
    stdout: "null",
    stderr: "null",
  }).output();
  return success;
}

async function canMount(): Promise<boolean> {
  if (Deno.build.os !== "linux") return false;
  const dir = testTempDir("mount-probe-");
  try {
    if (!(await sh("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir))) return false;
    await sh("umount", dir);
    return true;
  } catch {
    return false; // no mount command
  }
}

/** Whether this process may mount a tmpfs (root, and mount allowed in this sandbox). */
export const MOUNTABLE = await canMount();
/** The suffix of a test's name when it is skipped for want of {@link MOUNTABLE}. */
export const NEEDS_MOUNT = " (skipped: needs root to mount a tmpfs)";

/** Runs `fn` with a tmpfs of `size` mounted on a fresh folder, unmounted afterwards. */
export async function withTmpfs(size: string, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = testTempDir("tmpfs-");
  assert.ok(await sh("mount", "-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir));
  try {
    await fn(dir);
  } finally {
    await sh("umount", "-l", dir);
  }
}

/** Fills the file system of `dir` (dd stops with ENOSPC); `fill` is the file to remove to free it. */
export async function fillDisk(dir: string): Promise<string> {
  const fill = `${dir}/.fill`;
  await sh("dd", "if=/dev/zero", `of=${fill}`, "bs=4k");
  return fill;
}
