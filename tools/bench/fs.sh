#!/usr/bin/env bash
# Mount-read benchmark (issue 4): tar cf - . | wc -c, find . | wc -l and ls -lR >/dev/null,
# cold (one run after echo 3 > /proc/sys/vm/drop_caches) and warm (median of three runs), over
#   native   the tree on the local disk,
#   sqfuse   squashfuse of a squashfs of the same tree (Debian's squashfuse, mksquashfs defaults),
#   casfs    'casfs mount' of the tree imported into a casfs repository (8 request threads),
#   casfs-st the same with --threads 1 (single-threaded dispatch),
#   casfs-pin 'casfs mount --version V' (pinned to one version; served the same way),
# plus each FUSE server's peak RSS, a probe of whether one slow reader stalls others, and ratios.
# Needs root (drop_caches, allow_other). Usage: tools/bench/fs.sh [TREE]   (default: corpus v1)
set -euo pipefail

source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/bench.sh"
tree="${1:-$default_corpus/v1}"
temp_dir work /var/tmp/casfs-bench-fs.XXXXXX
export CASFS_REPO="$work/repo"
pids=()
mounts=()

stop_mounts_and_servers() {
  for m in "${mounts[@]}"; do
    if grep -q " $m " /proc/mounts; then fusermount -u -z "$m" 2>/dev/null || true; fi
  done
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
at_exit stop_mounts_and_servers

[[ $(id -u) == 0 ]] || fail "run as root (drop_caches)"
[[ -d "$tree" ]] || fail "no tree at $tree"

wait_mounted() { # MOUNTPOINT
  for _ in $(seq 1 600); do
    grep -q " $1 " /proc/mounts && stat "$1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "fs.sh: $1 did not come up"; exit 1
}

drop() { sync; echo 3 > /proc/sys/vm/drop_caches; }

now() { date +%s.%N; }

declare -A T
once() { # DIR OP: runs OP over DIR, sets 'took' (seconds) and 'out'
  local t0 t1
  t0=$(now)
  case $2 in
    tar) out=$(tar -C "$1" -cf - . | wc -c) ;;
    find) out=$(cd "$1" && find . | wc -l) ;;
    ls) (cd "$1" && ls -lR >/dev/null); out=- ;;
  esac
  t1=$(now)
  took=$(echo "$t1 - $t0" | bc -l)
}

# Cold: one run after drop_caches (for casfs the first run of a fresh mount process, JIT and
# in-process caches cold too: the boot case). Warm: the median of three runs right after, so one
# run disturbed by the other jobs on the machine does not decide the figure (all three printed).
run_op() { # TARGET DIR OP TEMP
  local dir=$2 op=$3 runs=()
  if [[ $4 == cold ]]; then
    drop; once "$dir" "$op"; T[$1.$op.$4]=$took
    printf '%-9s %-5s %-5s %8.3f s  (%s)\n' "$1" "$op" "$4" "$took" "$out"
    return
  fi
  for _ in 1 2 3; do once "$dir" "$op"; runs+=("$took"); done
  T[$1.$op.$4]=$(printf '%s\n' "${runs[@]}" | sort -g | sed -n 2p)
  printf '%-9s %-5s %-5s %8.3f s  (%s; runs %s)\n' "$1" "$op" "$4" "${T[$1.$op.$4]}" "$out" \
    "$(printf '%.3f ' "${runs[@]}")"
}

suite() { # TARGET DIR
  for op in tar find ls; do
    run_op "$1" "$2" "$op" cold
    run_op "$1" "$2" "$op" warm
  done
}

peak_rss_mib() { awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

# A slow reader must not stall others: while 'cat' streams the tree's files cold, how long does a
# cold 'find' take, compared with find alone?
stall_probe() { # TARGET DIR
  drop
  local t0 t1 alone both
  t0=$(now); (cd "$2" && find . >/dev/null); t1=$(now); alone=$(echo "$t1 - $t0" | bc -l)
  drop
  (cd "$2" && find . -type f -size +100k -print0 | xargs -0 cat >/dev/null) &
  local bg=$!
  sleep 0.2
  t0=$(now); (cd "$2" && find . >/dev/null); t1=$(now); both=$(echo "$t1 - $t0" | bc -l)
  wait $bg
  printf '%-9s find alone %.3f s, beside a cold reader %.3f s\n' "$1" "$alone" "$both"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "tree: $tree ($(du -sh "$tree" | cut -f1), $(find "$tree" | wc -l) paths); $(nproc) cores; $(uname -r)"
echo "building and importing..."
build_casfs   # the runs below never rebuild
export CASFS_NO_BUILD=1
"$casfs" init >/dev/null
"$casfs" import "$tree" --switch >/dev/null
mksquashfs "$tree" "$work/tree.sqfs" -quiet -no-progress >/dev/null

version=$("$casfs" status | awk '/^current:/ {print $2}')
mkdir -p "$work/sq" "$work/cas" "$work/cas1" "$work/pin"
squashfuse -f "$work/tree.sqfs" "$work/sq" & pids+=($!); sq_pid=$!; mounts+=("$work/sq")
wait_mounted "$work/sq"

echo
echo "== native"; suite native "$tree"
echo "== squashfuse"; suite sqfuse "$work/sq"
sq_rss=$(peak_rss_mib $sq_pid)
stall_probe sqfuse "$work/sq"
fusermount -u "$work/sq"

"$casfs" mount "$work/cas" >/dev/null & pids+=($!); cas_pid=$!; mounts+=("$work/cas")
wait_mounted "$work/cas"
echo "== casfs (8 request threads)"; suite casfs "$work/cas"
cas_rss=$(peak_rss_mib $cas_pid)
stall_probe casfs "$work/cas"
"$casfs" umount "$work/cas" >/dev/null
wait $cas_pid || true

"$casfs" mount --threads 1 "$work/cas1" >/dev/null & pids+=($!); st_pid=$!; mounts+=("$work/cas1")
wait_mounted "$work/cas1"
echo "== casfs single-threaded"; suite casfs-st "$work/cas1"
stall_probe casfs-st "$work/cas1"
"$casfs" umount "$work/cas1" >/dev/null
wait $st_pid || true

"$casfs" mount --version "$version" "$work/pin" >/dev/null & pids+=($!); pin_pid=$!; mounts+=("$work/pin")
wait_mounted "$work/pin"
echo "== casfs pinned (--version)"; suite casfs-pin "$work/pin"
pin_rss=$(peak_rss_mib $pin_pid)
"$casfs" umount "$work/pin" >/dev/null
wait $pin_pid || true

ratio() { echo "scale=2; $1 / $2" | bc -l; }
echo
echo "== ratios (time / time; lower is better for casfs)"
for op in tar find ls; do
  for temp in cold warm; do
    printf '%-5s %-5s casfs/native %5s  casfs/squashfuse %5s  casfs-st/casfs %5s  pinned/native %5s\n' "$op" "$temp" \
      "$(ratio "${T[casfs.$op.$temp]}" "${T[native.$op.$temp]}")" \
      "$(ratio "${T[casfs.$op.$temp]}" "${T[sqfuse.$op.$temp]}")" \
      "$(ratio "${T[casfs-st.$op.$temp]}" "${T[casfs.$op.$temp]}")" \
      "$(ratio "${T[casfs-pin.$op.$temp]}" "${T[native.$op.$temp]}")"
  done
done
echo "peak RSS: casfs mount process ${cas_rss} MiB (pinned ${pin_rss} MiB), squashfuse ${sq_rss} MiB"
echo "aims: cold tar <= squashfuse: $(ratio "${T[casfs.tar.cold]}" "${T[sqfuse.tar.cold]}")x;" \
  "warm tar <= 1.5x native: $(ratio "${T[casfs.tar.warm]}" "${T[native.tar.warm]}")x;" \
  "warm ls -lR <= 3x native: $(ratio "${T[casfs.ls.warm]}" "${T[native.ls.warm]}")x; RSS < 256 MiB: ${cas_rss} MiB"
echo "pinned:  cold tar <= squashfuse: $(ratio "${T[casfs-pin.tar.cold]}" "${T[sqfuse.tar.cold]}")x;" \
  "warm tar <= 1.5x native: $(ratio "${T[casfs-pin.tar.warm]}" "${T[native.tar.warm]}")x;" \
  "warm ls -lR <= 3x native: $(ratio "${T[casfs-pin.ls.warm]}" "${T[native.ls.warm]}")x"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
