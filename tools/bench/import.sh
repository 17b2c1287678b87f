#!/usr/bin/env bash
# Import speed: `casfs import` of the Debian corpus v1, then v2 on top, against `ostree commit`
# of the same trees (archive and bare-user repos) and `cat` of every file piped to `sha1sum`
# (the streaming-hash limit), all on this machine in one run. Prints wall time and peak RSS
# (/usr/bin/time) of each, best of REPEAT runs, and the ratios issue 2 aims at. With
# THRESHOLDS it also imports v1 once per inline threshold (bytes) to compare them.
#
#   tools/bench/import.sh [CORPUS]        CORPUS defaults to $CASFS_CORPUS or /var/cache/casfs-corpus
#   REPEAT=3 THRESHOLDS="4096 16384 65536 262144" tools/bench/import.sh
#   ROWS=warm tools/bench/import.sh       only `cat | sha1sum` and the "served, warm" rows
#   LARGE=/usr/lib tools/bench/import.sh  also a large real tree: `casfs import` of it (a command
#                                         and a new server's) against `cat | sha1sum` of it
#   FRESH_MEMORY=2048 tools/bench/import.sh  each run starts by filling 2048 MiB of a tmpfs (kept
#                                         to the end), so that the pages the commands then take
#                                         are memory this virtual machine has not touched yet
#
# "v2 on top" imports the v2 directory into the repository holding v1: a different path, so
# every file is read and hashed, and only what v1 lacks is stored. "v2 in place" updates one
# image directory from v1 to v2 with rsync and imports it again: the stat cache then skips the
# files rsync left alone. The "served:" rows run the same imports in a running `casfs serve`, as
# on an origin (see measure_served). Every tool reads warm files (one untimed cat first). ostree refuses device nodes and sockets,
# so it commits copies of v1/v2 without those (8 nodes of ~6.7k paths). Builds casfs if needed.
set -euo pipefail

source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/bench.sh"
corpus="${1:-$default_corpus}"
repeat="${REPEAT:-3}"
thresholds="${THRESHOLDS:-}"
# ROWS=warm: only the warm origin's rows (with sha1sum for the ratio). With G1, after the other
# rows of a whole run they took 0.80-1.05 s for v1, alone 0.66-0.77 s: the kernel's first touches
# of memory the daemon's heap had grown into. Since `casfs serve` collects with the serial
# collector, 0.46-0.52 s in a whole run (2026-11-29; docs/BENCHMARKS.md).
rows="${ROWS:-all}"
# LARGE: a real tree some GiB large, imported after the other rows of each run (its repository is
# removed right after). On the 115 MB of v1 a command's start-up (the JVM, the compilers warming
# up) is most of its time; on a large tree, the rate at which it reads and hashes is.
large="${LARGE:-}"
# FRESH_MEMORY: this machine is a virtual machine whose memory the host backs when it is first
# touched: dd wrote 115 MiB into never-used pages in 0.30-0.34 s of kernel time, into pages just
# freed in 0.02-0.05 s. What a run gets depends on what ran before it (a JVM that exited, files
# deleted); the tmpfs file takes the freed pages first, leaving the commands untouched ones.
# Each run fills a file of its own, so REPEAT x FRESH_MEMORY MiB of memory stay taken until exit.
fresh_memory="${FRESH_MEMORY:-}"
[[ -z $fresh_memory || $fresh_memory =~ ^[0-9]+$ ]] || fail "FRESH_MEMORY must be MiB, not '$fresh_memory'"
[[ -z $large || -d $large ]] || fail "LARGE must be a directory, not '$large'"
[[ $rows == all || $rows == warm ]] || fail "ROWS must be all or warm, not '$rows'"
v1="$corpus/v1"
v2="$corpus/v2"
# Real trees an origin might have imported before v1 (the "served, warm" rows): the JDK it runs,
# Python's library and /usr/share/doc. One import is not enough: the per-file code of an import
# is called ~7,000 times for v1, below C2's thresholds, and C2 still spent 0.7 s compiling it
# during v1 after two earlier imports (async-profiler; docs/BENCHMARKS.md).
java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
read -ra warmup_trees <<<"${WARMUP_TREES:-$java_home $(ls -d /usr/lib/python3.[0-9]* | tail -1) /usr/share/doc}"

require_corpus "$corpus"
require_command ostree ostree
require_command /usr/bin/time time

build_casfs
work_dir work /var/tmp/casfs-bench-import.XXXXXX

echo "# copies without device nodes for ostree, and warming the page cache"
for v in v1 v2; do
  cp -a "$corpus/$v" "$work/ostree-src-$v"
  find "$work/ostree-src-$v" \( -type c -o -type b -o -type s \) -delete
  find "$corpus/$v" "$work/ostree-src-$v" -type f -print0 | xargs -0 cat >/dev/null
done
if [[ -n $large ]]; then find "$large" -type f -print0 | xargs -0 cat >/dev/null; fi
echo "# $(date -u +%FT%TZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'): $(find "$v1" | wc -l) paths, $(du -sh --apparent-size "$v1" | cut -f1) in v1; work on $bench_fs; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)${fresh_memory:+; $fresh_memory MiB of tmpfs filled as each run starts}"

# An origin as deployed: `casfs serve` runs for days and owns its repository, and the
# administrator's `casfs import` runs inside it (the launcher's native client forwards it; no JVM
# starts). measure_served NAME COMMAND...: wall time of the command, the daemon's peak RSS so far,
# and the CPU seconds the daemon spent meanwhile (user + system, from /proc) plus the client's.
serve_pid=""
start_serve() {
  local port; port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  "$casfs" serve --repo "$1" --bind 127.0.0.1 --port "$port" >"$work/serve.log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 300); do [[ -S "$1/control.sock" ]] && return; sleep 0.1; done
  fail "casfs serve did not start: $(cat "$work/serve.log")"
}
stop_serve() {
  if [[ -n $serve_pid ]]; then kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi
  serve_pid=""
}
at_exit 'stop_serve'
daemon_ticks() { awk '{print $14 + $15}' "/proc/$serve_pid/stat"; }
measure_served() {
  local name="$1"; shift
  local before after s kib user sys cpu
  before="$(daemon_ticks)"
  if ! /usr/bin/time -f '%e %U %S' -o "$work/time" "$@" >"$work/last.log" 2>&1; then
    echo "$bench: '$name' failed:" >&2; tail -n 20 "$work/last.log" >&2; exit 1
  fi
  after="$(daemon_ticks)"
  read -r s user sys <"$work/time"
  kib="$(awk '/^VmHWM/{print $2}' "/proc/$serve_pid/status")"
  cpu="$(awk -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" -v u="$user" -v y="$sys" 'BEGIN{printf "%.2f", t/hz+u+y}')"
  if [[ -z "${best_s[$name]:-}" ]] || awk -v a="$s" -v b="${best_s[$name]}" 'BEGIN{exit !(a<b)}'; then
    best_s[$name]="$s"; best_kib[$name]="$kib"; best_cpu[$name]="$cpu"
  fi
  printf '  '; row "$name" "$s" "$kib" "$cpu"
}

for ((i = 1; i <= repeat; i++)); do
  echo "# run $i of $repeat"
  # Every run writes into new directories; nothing is deleted before the end: ext4 allocating
  # inodes just after thousands were freed nearby is much slower (see work_dir in lib/bench.sh).
  run="$work/run$i"; mkdir "$run"
  if [[ -n $fresh_memory ]]; then
    fill="/dev/shm/casfs-bench-fresh-$$-$i"
    at_exit "rm -f ${fill@Q}"
    dd if=/dev/zero of="$fill" bs=1M count="$fresh_memory" status=none
  fi
  measure "cat | sha1sum v1" bash -c "find '$v1' -type f -print0 | xargs -0 cat | sha1sum"
  if [[ $rows == all ]]; then
    "$casfs" init --repo "$run/casfs" >/dev/null
    measure "casfs import v1" "$casfs" import --repo "$run/casfs" "$v1"
    if command -v fincore >/dev/null; then
      cached="$(find "$run/casfs/objects" -type f -print0 | xargs -0 fincore -b -n -o RES | awk '{s += $1} END {printf "%.1f", s / 1048576}')"
      echo "  (the page cache holds $cached MiB of the $(du -sm "$run/casfs/objects" | cut -f1) MiB of loose files just imported)"
    fi
    measure "casfs import v2 on top" "$casfs" import --repo "$run/casfs" "$v2"
    measure "casfs import v2 again (unchanged)" "$casfs" import --repo "$run/casfs" "$v2"
    # The in-place case: one image directory updated from v1 to v2 by rsync (unchanged files keep
    # their inode and ctime), imported before and after: the stat cache skips unchanged files.
    cp -a "$v1/." "$run/image"; sync; sleep 1.1
    "$casfs" init --repo "$run/casfs-inplace" >/dev/null
    "$casfs" import --repo "$run/casfs-inplace" "$run/image" >/dev/null
    # sync: the import's own syncfs must not be charged with writing back the copy rsync just made
    rsync -a --delete "$v2/" "$run/image/"; sync; sleep 1.1
    measure "casfs import v2 in place (cache)" "$casfs" import --repo "$run/casfs-inplace" "$run/image"
    "$casfs" init --repo "$run/origin" >/dev/null
    start_serve "$run/origin"
    measure_served "served: casfs import v1" "$casfs" import --repo "$run/origin" "$v1"
    measure_served "served: casfs import v2 on top" "$casfs" import --repo "$run/origin" "$v2"
    stop_serve
    cp -a "$v1/." "$run/image2"; sync; sleep 1.1
    "$casfs" init --repo "$run/origin-inplace" >/dev/null
    start_serve "$run/origin-inplace"
    measure_served "served: casfs import image (v1)" "$casfs" import --repo "$run/origin-inplace" "$run/image2"
    rsync -a --delete "$v2/" "$run/image2/"; sync; sleep 1.1
    measure_served "served: casfs import v2 in place" "$casfs" import --repo "$run/origin-inplace" "$run/image2"
    stop_serve
  fi
  # An origin as it runs most days: its server has imported before (other real trees, untimed),
  # so the import's code is compiled when v1 comes.
  "$casfs" init --repo "$run/origin-warm" >/dev/null
  start_serve "$run/origin-warm"
  for tree in "${warmup_trees[@]}"; do "$casfs" import --repo "$run/origin-warm" "$tree" >/dev/null; done
  measure_served "served, warm: casfs import v1" "$casfs" import --repo "$run/origin-warm" "$v1"
  measure_served "served, warm: casfs import v2 on top" "$casfs" import --repo "$run/origin-warm" "$v2"
  stop_serve
  if [[ $rows == all ]]; then
    for mode in archive bare-user; do
      ostree --repo="$run/ostree-$mode" init --mode="$mode"
      measure "ostree $mode commit v1" ostree --repo="$run/ostree-$mode" commit --branch=img --tree=dir="$work/ostree-src-v1"
      measure "ostree $mode commit v2 on top" ostree --repo="$run/ostree-$mode" commit --branch=img --tree=dir="$work/ostree-src-v2"
    done
  fi
  if [[ -n $large ]]; then
    measure "cat | sha1sum large" bash -c "find '$large' -type f -print0 | xargs -0 cat | sha1sum"
    "$casfs" init --repo "$run/large" >/dev/null
    measure "casfs import large" "$casfs" import --repo "$run/large" "$large"
    rm -rf "$run/large"; "$casfs" init --repo "$run/large-served" >/dev/null
    start_serve "$run/large-served"
    measure_served "served: casfs import large" "$casfs" import --repo "$run/large-served" "$large"
    stop_serve
    rm -rf "$run/large-served"
  fi
done
if [[ -n $large ]]; then
  echo "# large tree: $large, $(find "$large" | wc -l) paths, $(du -sh --apparent-size "$large" | cut -f1)"
fi
if [[ $rows == all ]]; then
  echo "# repository sizes: casfs $(du -sh "$run/casfs" | cut -f1), ostree archive $(du -sh "$run/ostree-archive" | cut -f1), bare-user $(du -sh "$run/ostree-bare-user" | cut -f1)"
fi

ratio() { awk -v a="${best_s[$1]}" -v b="${best_s[$2]}" -v c="${best_cpu[$1]}" -v d="${best_cpu[$2]}" \
  'BEGIN{printf "%5.2fx wall  %5.2fx cpu", a/b, (d > 0 ? c/d : 0)}'; }
echo
echo "# best of $repeat (wall s, peak RSS MiB, user+sys CPU s of that run)"
for name in "cat | sha1sum v1" "casfs import v1" "casfs import v2 on top" "casfs import v2 again (unchanged)" \
    "casfs import v2 in place (cache)" \
    "served: casfs import v1" "served: casfs import v2 on top" "served: casfs import image (v1)" \
    "served: casfs import v2 in place" "served, warm: casfs import v1" "served, warm: casfs import v2 on top" \
    "ostree archive commit v1" "ostree archive commit v2 on top" "ostree bare-user commit v1" \
    "ostree bare-user commit v2 on top" "cat | sha1sum large" "casfs import large" "served: casfs import large"; do
  if [[ -n "${best_s[$name]:-}" ]]; then best_row "$name"; fi
done
echo
# ratio_line LABEL ROW_A ROW_B [AIM]: A / B, if both rows ran (ROWS=warm runs a few)
ratio_line() {
  [[ -n "${best_s[$2]:-}" && -n "${best_s[$3]:-}" ]] || return 0
  printf '%-38s%s%s\n' "$1" "$(ratio "$2" "$3")" "${4:+   ($4)}"
}
rss_line() { # LABEL ROW
  [[ -n "${best_s[$2]:-}" ]] || return 0
  printf '%-38s%s MiB   (aim < 512)\n' "$1" "$(awk -v k="${best_kib[$2]}" 'BEGIN{printf "%.0f", k/1024}')"
}
ratio_line "ostree archive v1 / casfs v1" "ostree archive commit v1" "casfs import v1" "aim >= 2"
ratio_line "ostree bare-user v1 / casfs v1" "ostree bare-user commit v1" "casfs import v1"
ratio_line "casfs v1 / cat|sha1sum v1" "casfs import v1" "cat | sha1sum v1" "aim <= 2"
ratio_line "casfs v1 / casfs v2 on top" "casfs import v1" "casfs import v2 on top" "aim >= 3"
ratio_line "casfs v1 / casfs v2 in place (cache)" "casfs import v1" "casfs import v2 in place (cache)"
ratio_line "casfs v1 / casfs v2 again" "casfs import v1" "casfs import v2 again (unchanged)"
ratio_line "served: v1 / v2 on top" "served: casfs import v1" "served: casfs import v2 on top" "aim >= 3"
ratio_line "served: image v1 / v2 in place" "served: casfs import image (v1)" "served: casfs import v2 in place"
ratio_line "served: v1 / cat|sha1sum v1" "served: casfs import v1" "cat | sha1sum v1" "aim <= 2"
ratio_line "served, warm: v1 / cat|sha1sum v1" "served, warm: casfs import v1" "cat | sha1sum v1" "aim <= 2"
ratio_line "served, warm: v1 / v2 on top" "served, warm: casfs import v1" "served, warm: casfs import v2 on top" "aim >= 3"
rss_line "served: daemon peak RSS" "served: casfs import v1"
rss_line "casfs import v1 peak RSS" "casfs import v1"
rss_line "served, warm: daemon peak RSS" "served, warm: casfs import v1"
ratio_line "large: casfs / cat|sha1sum" "casfs import large" "cat | sha1sum large"
ratio_line "large: served / cat|sha1sum" "served: casfs import large" "cat | sha1sum large"
rss_line "large: casfs import peak RSS" "casfs import large"
rss_line "large: served, daemon peak RSS" "served: casfs import large"

if [[ -n "$thresholds" ]]; then
  echo
  echo "# inline threshold: import of v1 into a fresh repo (best of $repeat), repo size, loose files"
  for t in $thresholds; do
    unset "best_s[t$t]"
    for ((i = 1; i <= repeat; i++)); do
      th="$work/th-$t-$i"; "$casfs" init --repo "$th" >/dev/null
      sed -i "s/^inline-threshold=.*/inline-threshold=$t/" "$th/config"
      measure "t$t" "$casfs" import --repo "$th" "$v1" >/dev/null
    done
    printf 'threshold %8d B: %6.2f s %6.2f s cpu  repo %6s  loose files %6d  db %6s\n' "$t" "${best_s[t$t]}" "${best_cpu[t$t]}" \
      "$(du -sh "$th" | cut -f1)" "$(find "$th/objects" -type f | wc -l)" "$(du -sh "$th/db" | cut -f1)"
  done
fi
