#!/usr/bin/env bash
# A/B of two weft trees on the bench's 1,000-task workflows: runs
# `weft run -q --max-parallel 8 SHAPE.json` from source in TREE_A and TREE_B, alternating,
# and prints the median wall time and the median CPU time (user + sys, the `true` children
# included: both sides pay the same for them). CPU time is far less sensitive than wall
# time to what else the machine runs. Timing is bash's own `time` (children included).
# With FORM=bundle, each tree's bundle (`scripts/build.ts --bundle`, the form the bench's
# `--form bundle` runs) is built first and run instead of the source.
#
#   [FORM=bundle] scripts/bench/ab_trees.sh TREE_A TREE_B [dag|chain] [runs=9]
#
# Trees are weft checkouts with their npm dependencies installed, e.g. the commit before a
# change: `git worktree add /tmp/before <commit> && (cd /tmp/before && deno install --frozen)`.
# The workflows come from `deno run -A scripts/bench/dag_vs_make.ts --runs 1 --keep DIR`
# (written to a temporary folder here).
set -euo pipefail
A=${1:?TREE_A}; B=${2:?TREE_B}; SHAPE=${3:-dag}; RUNS=${4:-9}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
deno run -A "$HERE/dag_vs_make.ts" --runs 1 --shape "$SHAPE" --form source --keep "$WORK/in" >/dev/null
# What runs weft for each side: its source, or its bundle as the released executable runs it
# (no deno.json, KV enabled; the bundle writes its parts under XDG_CACHE_HOME).
program() { # tree, side
  if [ "${FORM:-source}" = bundle ]; then
    (cd "$1" && deno run -A scripts/build.ts --bundle --output "$WORK/$2.js" >/dev/null)
    echo "--unstable-kv --no-config $WORK/$2.js"
  else
    echo "$1/main.ts"
  fi
}
PROGRAM_A=$(program "$A" a); PROGRAM_B=$(program "$B" b)
export XDG_CACHE_HOME="$WORK/cache"
TIMEFORMAT='%R %U %S'
one() { # program, side: appends "wall user sys"
  # shellcheck disable=SC2086 # the program is deno arguments, split on purpose
  { time WEFT_HOME="$WORK/home-$2" NO_COLOR=1 deno run -A $1 run -q --max-parallel 8 \
      "$WORK/in/$SHAPE.json" >/dev/null 2>&1; } 2>>"$WORK/$2.txt"
}
# A first run of each (module cache, the bundle's parts, the store's creation) is not counted.
one "$PROGRAM_A" a; one "$PROGRAM_B" b; : >"$WORK/a.txt"; : >"$WORK/b.txt"
for _ in $(seq "$RUNS"); do one "$PROGRAM_A" a; one "$PROGRAM_B" b; done
median() { sort -n | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
report() {
  wall=$(awk '{print $1}' "$WORK/$2.txt" | median)
  cpu=$(awk '{print $2+$3}' "$WORK/$2.txt" | median)
  printf '%s (%s): wall %.3f s  cpu %.3f s  (n=%d)\n' "$1" "$3" "$wall" "$cpu" "$RUNS"
}
report A a "$A"; report B b "$B"
echo "$SHAPE, ${FORM:-source}; load $(cut -d' ' -f1-3 /proc/loadavg)"
