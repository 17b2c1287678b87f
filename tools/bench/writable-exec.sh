#!/usr/bin/env bash
# Starting programs from a writable mount, the laptop's root: PROGRAMS starts of `ls /` (a
# binary and four libraries, opened and mapped at each start) in a chroot of Debian v1 through a
# writable casfs mount, the read-only casfs mount, and an overlayfs whose lower layer is a copy of
# v1 (what an administrator would otherwise use for a copy-on-write root), all on one new ext4;
# best of ROUNDS, alternating, with the READ requests each casfs mount served. With CLASSPATH
# arguments, each build's writable mount is measured in turn (an A/B of a change to the mount).
#
#   tools/bench/writable-exec.sh [CLASSPATH...]      PROGRAMS (default 300), ROUNDS (default 3)
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/bench.sh"
corpus="$default_corpus"
programs="${PROGRAMS:-300}"
rounds="${ROUNDS:-3}"
builds=("$@"); [[ ${#builds[@]} -gt 0 ]] || builds=("")
require_corpus "$corpus"
build_casfs
work_dir work /var/tmp/casfs-bench-wexec.XXXXXX
export HOME="$work/home"; mkdir -p "$HOME"
echo "# $(date -u +%FT%TZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'): $programs starts of ls / in a chroot of Debian v1, on $bench_fs; load $(cut -d' ' -f1-3 /proc/loadavg)"

# A mount of v1 per writable build, each of its own repository, and a read-only mount of another.
targets=()
for i in "${!builds[@]}"; do
  JAVA_OPTS="-Dcasfs.fs.requestStats=true ${JAVA_OPTS:-}" \
    writable_mount "$work/repo-$i" "$work/w-$i" "$corpus/v1" "$work/w-$i.log" "${builds[$i]}"
  targets+=("w-$i")
done
mkdir "$work/ro"
export CASFS_REPO="$work/repo-ro" CASFS_CLASSPATH="${builds[0]}"
"$casfs" init >/dev/null
"$casfs" import "$corpus/v1" --switch >/dev/null
JAVA_OPTS="-Dcasfs.fs.requestStats=true ${JAVA_OPTS:-}" "$casfs" mount "$work/ro" >"$work/ro.log" 2>&1 &
ro_pid=$!
at_exit "mountpoint -q ${work@Q}/ro && fusermount -u ${work@Q}/ro; wait $ro_pid 2>/dev/null"
for _ in $(seq 200); do mountpoint -q "$work/ro" && break; sleep 0.05; done
mountpoint -q "$work/ro" || fail "casfs mount did not come up: $(cat "$work/ro.log")"
targets+=(ro)
mkdir -p "$work/ov/lower" "$work/ov/upper" "$work/ov/work" "$work/ov/merged"
cp -a "$corpus/v1/." "$work/ov/lower/"
mount -t overlay overlay -o "lowerdir=$work/ov/lower,upperdir=$work/ov/upper,workdir=$work/ov/work" "$work/ov/merged"
at_exit "umount ${work@Q}/ov/merged"
targets+=(ov/merged)
sync

# starts DIR: the seconds PROGRAMS starts of ls / take in a chroot of DIR
starts() {
  local start; start=$(date +%s.%N)
  chroot "$1" /bin/sh -c "i=0; while [ \$i -lt $programs ]; do /bin/ls / >/dev/null || exit 1; i=\$((i+1)); done" \
    || fail "ls failed in a chroot of $1"
  awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.3f", b-a}'
}

declare -A best
for t in "${targets[@]}"; do starts "$work/$t" >/dev/null; done # the first start of each reads it
for ((r = 1; r <= rounds; r++)); do
  for t in "${targets[@]}"; do
    s=$(starts "$work/$t")
    printf 'round %d: %-10s %7.3f s\n' "$r" "$t" "$s"
    if [[ -z ${best[$t]:-} ]] || awk -v a="$s" -v b="${best[$t]}" 'BEGIN{exit !(a<b)}'; then best[$t]=$s; fi
  done
done
for t in "${targets[@]}"; do
  [[ $t == ov/merged ]] && continue
  fusermount -u "$work/$t"
done
wait 2>/dev/null || true
overlay="${best[ov/merged]}"
for t in "${targets[@]}"; do
  case $t in
    w-*) label="writable casfs mount"; [[ ${#builds[@]} -gt 1 ]] && label="writable, build $((${t#w-} + 1))"
      reads=$(grep -o 'READ [0-9]*' "$work/$t.log" | head -1 || true) ;;
    ro) label="read-only casfs mount"; reads=$(grep -o 'READ [0-9]*' "$work/ro.log" | head -1 || true) ;;
    *) label="overlayfs"; reads="" ;;
  esac
  printf '%-26s best %7.3f s, %6.2f ms a start: %5.2fx overlayfs%s\n' "$label" "${best[$t]}" \
    "$(awk -v a="${best[$t]}" -v n="$programs" 'BEGIN{print a*1000/n}')" \
    "$(awk -v a="${best[$t]}" -v b="$overlay" 'BEGIN{print a/b}')" "${reads:+ ($reads requests in all)}"
done
