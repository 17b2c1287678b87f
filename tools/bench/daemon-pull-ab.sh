#!/usr/bin/env bash
# Two builds of casfs, alternating, on what a laptop's daemon does: a `casfs peer` pulls the whole
# of v1 from one origin, then the v1 -> v2 update from another (both `casfs serve` on loopback).
# Prints, per run, the daemon's whole pull (as the pull reports it) and the update's wall time
# (the command forwarded to the daemon) and its time inside the daemon. For a change to the pull
# whose cost is in the noise of tools/bench/pull.sh's other rows.
#
#   tools/bench/daemon-pull-ab.sh CLASSPATH_A CLASSPATH_B [ROUNDS] [CORPUS]
#     CLASSPATH_x: what tools/casfs runs with (CASFS_CLASSPATH), e.g. for a build in a worktree
#     OLD: "$OLD/tools/target/casfs-tools-0.1.0-SNAPSHOT.jar:$OLD/tools/target/lib/*"
#     ROUNDS (default 2): each round runs A, B, B, A.
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/bench.sh"
[[ $# -ge 2 ]] || fail "usage: $bench CLASSPATH_A CLASSPATH_B [ROUNDS] [CORPUS]"
cp_a="$1" cp_b="$2" rounds="${3:-2}" corpus="${4:-$default_corpus}"
require_corpus "$corpus"
work_dir work /tmp/casfs-bench-ab.XXXXXX
export HOME="$work/home" CASFS_KEY="$work/signing.key"
mkdir -p "$HOME"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
q() { "$@" >/dev/null 2>&1; }

echo "# preparing two origins (v1; v2 with its deltas) in $work on $bench_fs; load $(cut -d' ' -f1-3 /proc/loadavg)"
q "$casfs" keygen
pub="$("$casfs" keygen --public)"
q "$casfs" init --repo "$work/a"
q "$casfs" import --repo "$work/a" --switch "$corpus/v1"
q "$casfs" sign --repo "$work/a" current
cp -a "$work/a" "$work/b"
q "$casfs" import --repo "$work/b" --switch "$corpus/v2"
q "$casfs" sign --repo "$work/b" current

pids=() client_pid=""
stop_all() {
  for p in "${pids[@]}" $client_pid; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
}
at_exit stop_all
port_a="$(free_port)"; port_b="$(free_port)"
"$casfs" serve --repo "$work/a" --bind 127.0.0.1 --port "$port_a" >"$work/a.log" 2>&1 & pids+=($!)
"$casfs" serve --repo "$work/b" --bind 127.0.0.1 --port "$port_b" >"$work/b.log" 2>&1 & pids+=($!)
for _ in $(seq 150); do [[ -S "$work/a/control.sock" && -S "$work/b/control.sock" ]] && break; sleep 0.2; done

run() { # NAME CLASSPATH
  local c="$work/client-$RANDOM" out t0 t1
  export CASFS_CLASSPATH="$2"
  q "$casfs" init --repo "$c"
  q "$casfs" trust --repo "$c" "$pub"
  "$casfs" peer --repo "$c" --bind 127.0.0.1 --port "$(free_port)" --mdns none --poll 86400 >"$c.log" 2>&1 &
  client_pid=$!
  for _ in $(seq 150); do [[ -S "$c/control.sock" ]] && break; sleep 0.2; done
  out="$("$casfs" pull --repo "$c" --switch "http://127.0.0.1:$port_a")"
  local whole; whole="$(echo "$out" | grep -o '[0-9.]* s ([0-9.]* MB/s)')"
  sleep 1
  t0="$(date +%s.%N)"; out="$("$casfs" pull --repo "$c" --switch "http://127.0.0.1:$port_b")"; t1="$(date +%s.%N)"
  printf '%s  whole v1 %-20s  update wall %5.2f s, in the daemon %s\n' "$1" "$whole" "$(echo "$t1 - $t0" | bc -l)" \
    "$(echo "$out" | grep -o '[0-9.]* s (' | cut -d' ' -f1) s"
  kill "$client_pid"; wait "$client_pid" 2>/dev/null || true
  client_pid=""
  unset CASFS_CLASSPATH
}
for ((i = 1; i <= rounds; i++)); do
  run A "$cp_a"; run B "$cp_b"; run B "$cp_b"; run A "$cp_a"
done
