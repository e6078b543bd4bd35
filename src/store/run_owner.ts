/**
 * Who owns a running run, and whether this weft process can check that owner's pid.
 *
 * A run records the host name and pid of the weft that runs it, and, where /proc is
 * there, the kernel's boot id and the PID namespace of that pid (proc.ts). A pid means
 * something only in its namespace: a weft in a container or `unshare -p` with the host's
 * name (docker `--network host`, podman `--uts=host`, bwrap) sharing WEFT_HOME with the
 * host would otherwise read pid 1 of the other side in its own /proc, find it another
 * process or none, and end a live run (tester15 F1). So crash recovery, the read-only
 * dead-run view and `weft logs --follow` judge a run only when it is `here`: the same
 * host name, boot and PID namespace. A run of the same host name and another boot id
 * that started before this kernel booted is `rebooted`: its process died with that boot
 * (power loss), whatever its pid means now. Everything else is `elsewhere`: never
 * signalled nor marked by this weft (`weft history mark-interrupted` settles it by hand).
 * Records written before the boot id was kept are judged by host name alone, as then.
 * @module
 */
import { readBootId, readBootTimeMs, readPidNamespace } from "../proc.ts";
import type { CreateRunExtras, RunRecord } from "./run_store.ts";

/** The owner facts of this process (read once: they do not change while it lives). */
export interface OwnerFacts {
  bootId?: string;
  pidNs?: string;
}

let own: OwnerFacts | undefined;

/** This process's boot id and PID namespace, those that can be read. */
export function ownOwnerFacts(): OwnerFacts {
  if (own === undefined) {
    const bootId = readBootId();
    const pidNs = readPidNamespace();
    own = { ...(bootId ? { bootId } : {}), ...(pidNs ? { pidNs } : {}) };
  }
  return own;
}

/** The owner fields of `extras` that are set, for a new run record. */
export function ownerFields(extras: CreateRunExtras): OwnerFacts {
  return {
    ...(extras.bootId ? { bootId: extras.bootId } : {}),
    ...(extras.pidNs ? { pidNs: extras.pidNs } : {}),
  };
}

/** Where a run's process lives, seen from this weft: see the module's comment. */
export type OwnerPlace = "here" | "rebooted" | "elsewhere";

/**
 * Where the process of `run` lives, seen from this process on `host` (`facts` and
 * `bootTimeMs`: this process's, given by tests).
 */
export function ownerPlace(
  run: Pick<RunRecord, "host" | "startedAt" | "bootId" | "pidNs">,
  host: string,
  facts: OwnerFacts = ownOwnerFacts(),
  bootTimeMs: number | null = readBootTimeMs(),
): OwnerPlace {
  if (run.host !== host) return "elsewhere";
  if (run.bootId !== undefined && run.bootId !== facts.bootId) {
    // Same name, another kernel: this machine before its last boot, or another machine.
    const started = Date.parse(run.startedAt);
    return bootTimeMs !== null && started < bootTimeMs ? "rebooted" : "elsewhere";
  }
  if (run.pidNs !== undefined && run.pidNs !== facts.pidNs) return "elsewhere";
  return "here";
}

/**
 * How to name where a run of another owner runs, for messages: `vm`, or `vm, pid
 * namespace pid:[4026532210]` when only the namespace differs from this process's.
 */
export function ownerName(run: Pick<RunRecord, "host" | "bootId" | "pidNs">): string {
  const facts = ownOwnerFacts();
  const sameKernel = run.bootId === undefined || run.bootId === facts.bootId;
  const otherNs = run.pidNs !== undefined && run.pidNs !== facts.pidNs;
  return sameKernel && otherNs ? `${run.host}, pid namespace ${run.pidNs}` : run.host;
}
