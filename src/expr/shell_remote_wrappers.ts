/**
 * Wrappers (shell_wrappers.ts) that run their command somewhere else — in a container, a
 * pod, a VM — and multi-call binaries that run one of their applets: where that command
 * starts, so that a shell's `-c` (then "remote": that shell never sees weft's environment)
 * or another language's program text (foreign_code.ts: `docker exec db psql -c SQL`) is
 * found there. Options are those of the tools' references: docker CLI 27 (`docker`,
 * `docker run`/`exec`, `docker compose` v2 `exec`/`run`; podman 5 and nerdctl take the
 * same), kubectl 1.31 (`exec`, `run`, `debug`; `oc` adds `rsh`), lxc/incus `exec`,
 * machinectl(1) `shell`, busybox/toybox, the clickhouse binary (`clickhouse client` is
 * `clickhouse-client`; `cockroach sql`). An option missing here that takes an argument makes that argument
 * the container, and the container the command: a program weft does not know, whose shells
 * shell_later.ts then refuses; where a tool has `--` before its command, the command is
 * found after it whatever the options.
 * @module
 */
import type { Wrapper } from "./shell_wrappers.ts";

const ANY = /(?:)/;

/** `docker exec [OPTIONS] CONTAINER COMMAND…` */
const DOCKER_EXEC: Wrapper = {
  letters: "euw",
  longs: ["detach-keys", "env", "env-file", "user", "workdir"],
  operands: [ANY],
};

/** `docker run [OPTIONS] IMAGE [COMMAND…]` (and `create`, which runs nothing now: left out). */
const DOCKER_RUN: Wrapper = {
  letters: "acehlmpuvw",
  longs: [
    "add-host",
    "annotation",
    "attach",
    "blkio-weight",
    "blkio-weight-device",
    "cap-add",
    "cap-drop",
    "cgroup-parent",
    "cgroupns",
    "cidfile",
    "cpu-period",
    "cpu-quota",
    "cpu-rt-period",
    "cpu-rt-runtime",
    "cpu-shares",
    "cpus",
    "cpuset-cpus",
    "cpuset-mems",
    "detach-keys",
    "device",
    "device-cgroup-rule",
    "device-read-bps",
    "device-read-iops",
    "device-write-bps",
    "device-write-iops",
    "dns",
    "dns-option",
    "dns-search",
    "domainname",
    "entrypoint",
    "env",
    "env-file",
    "expose",
    "gpus",
    "group-add",
    "health-cmd",
    "health-interval",
    "health-retries",
    "health-start-interval",
    "health-start-period",
    "health-timeout",
    "hostname",
    "ip",
    "ip6",
    "ipc",
    "isolation",
    "kernel-memory",
    "label",
    "label-file",
    "link",
    "link-local-ip",
    "log-driver",
    "log-opt",
    "mac-address",
    "memory",
    "memory-reservation",
    "memory-swap",
    "memory-swappiness",
    "mount",
    "name",
    "network",
    "network-alias",
    "oom-score-adj",
    "pid",
    "pids-limit",
    "platform",
    "publish",
    "pull",
    "restart",
    "runtime",
    "security-opt",
    "shm-size",
    "stop-signal",
    "stop-timeout",
    "storage-opt",
    "sysctl",
    "tmpfs",
    "ulimit",
    "user",
    "userns",
    "uts",
    "volume",
    "volume-driver",
    "volumes-from",
    "workdir",
    // podman's and nerdctl's own
    "arch",
    "os",
    "pod",
    "secret",
    "env-host",
    "authfile",
    "creds",
  ],
  operands: [ANY],
};

/** `docker compose [OPTIONS] exec|run [OPTIONS] SERVICE COMMAND…` */
const COMPOSE: Wrapper = {
  letters: "fp",
  longs: [
    "file",
    "project-name",
    "profile",
    "env-file",
    "project-directory",
    "ansi",
    "parallel",
    "progress",
  ],
  subcommands: {
    exec: { letters: "euw", longs: ["env", "user", "workdir", "index"], operands: [ANY] },
    run: {
      letters: "elpuvw",
      longs: [
        "env",
        "env-from-file",
        "label",
        "name",
        "entrypoint",
        "publish",
        "user",
        "volume",
        "workdir",
        "cap-add",
        "cap-drop",
        "pull",
      ],
      operands: [ANY],
    },
  },
};

/** docker's, podman's and nerdctl's global options and the subcommands that run a command. */
const CONTAINER_TOOL: Wrapper = {
  letters: "cHl",
  longs: [
    "config",
    "context",
    "host",
    "log-level",
    "tlscacert",
    "tlscert",
    "tlskey",
    // podman
    "connection",
    "url",
    "identity",
    "root",
    "runroot",
    "storage-driver",
    "storage-opt",
    "cgroup-manager",
    "events-backend",
    "module",
    "runtime",
    "tmpdir",
    "volumepath",
    "imagestore",
    "conmon",
    "hooks-dir",
    "ssh",
    "out",
    // nerdctl
    "address",
    "namespace",
    "snapshotter",
    "cni-path",
    "data-root",
    "cgroup-manager",
  ],
  remote: true,
  subcommands: {
    exec: DOCKER_EXEC,
    run: DOCKER_RUN,
    container: { subcommands: { exec: DOCKER_EXEC, run: DOCKER_RUN } },
    compose: COMPOSE,
  },
};

/** kubectl's global options with an argument (they may follow the subcommand too). */
const KUBECTL_LONGS = [
  "namespace",
  "context",
  "kubeconfig",
  "cluster",
  "user",
  "server",
  "token",
  "as",
  "as-group",
  "as-uid",
  "request-timeout",
  "certificate-authority",
  "client-certificate",
  "client-key",
  "tls-server-name",
  "cache-dir",
  "profile",
  "profile-output",
  "password",
  "username",
  "v",
  "vmodule",
];

/** `kubectl exec [OPTIONS] POD [OPTIONS] -- COMMAND…` (`--` may be left out, deprecated). */
const KUBECTL_EXEC: Wrapper = {
  letters: "cfnsv",
  longs: ["container", "filename", "pod-running-timeout", ...KUBECTL_LONGS],
  operands: [ANY],
  optionsAfterOperands: true,
  dashDash: true,
};

/** kubectl (and oc): `exec`; `run NAME … -- COMMAND…` and `debug … -- COMMAND…` only after `--`. */
const KUBECTL: Wrapper = {
  letters: "nsv",
  longs: KUBECTL_LONGS,
  remote: true,
  subcommands: {
    exec: KUBECTL_EXEC,
    run: { dashDash: true, noCommand: () => true },
    debug: { dashDash: true, noCommand: () => true },
    rsh: { ...KUBECTL_EXEC, longs: [...KUBECTL_EXEC.longs ?? [], "shell", "timeout"] },
  },
};

/** `lxc exec [OPTIONS] INSTANCE [--] COMMAND…` (incus the same). */
const LXC: Wrapper = {
  remote: true,
  subcommands: {
    exec: {
      longs: ["cwd", "env", "group", "user", "mode", "project"],
      operands: [ANY],
      optionsAfterOperands: true,
      dashDash: true,
    },
  },
};

export const REMOTE_WRAPPERS: Record<string, Wrapper> = {
  docker: CONTAINER_TOOL,
  podman: CONTAINER_TOOL,
  nerdctl: CONTAINER_TOOL,
  "docker-compose": { ...COMPOSE, remote: true },
  "podman-compose": { ...COMPOSE, remote: true },
  kubectl: KUBECTL,
  oc: KUBECTL,
  lxc: LXC,
  incus: LXC,
  machinectl: {
    remote: true,
    subcommands: {
      shell: { letters: "E", longs: ["uid", "setenv", "machine"], operands: [ANY] },
    },
  },
  // Multi-call binaries: the first operand names the program that runs.
  busybox: { applets: "" },
  toybox: { applets: "" },
  clickhouse: { applets: "clickhouse-" },
  cockroach: { applets: "cockroach-" },
};
