#!/usr/bin/env bash
# Filling and listing a large directory through a writable mount, against overlayfs: empty files
# are created (`xargs touch`, timed) in one directory of a writable casfs mount and of an overlayfs
# (both over an empty image, on one new ext4) until it holds each count of ENTRIES, and at each
# count `ls -f` lists it ROUNDS times; prints the times, the best listing and the ratios. With
# CLASSPATH arguments, each build's mount is measured in turn (an A/B of a change to the mount).
#
#   tools/bench/writable-readdir.sh [CLASSPATH...]     ENTRIES (default "20000 100000 200000"), ROUNDS (3)
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/bench.sh"
entries="${ENTRIES:-20000 100000 200000}"
rounds="${ROUNDS:-3}"
builds=("$@"); [[ ${#builds[@]} -gt 0 ]] || builds=("")
build_casfs
work_dir work /var/tmp/casfs-bench-readdir.XXXXXX
export HOME="$work/home"; mkdir -p "$HOME"
echo "# $(date -u +%FT%TZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'): a directory filled to $entries files and listed, on $bench_fs; load $(cut -d' ' -f1-3 /proc/loadavg)"

mkdir -p "$work/empty" "$work/ov/lower" "$work/ov/upper" "$work/ov/work" "$work/ov/merged"
mount -t overlay overlay -o "lowerdir=$work/ov/lower,upperdir=$work/ov/upper,workdir=$work/ov/work" "$work/ov/merged"
at_exit "umount ${work@Q}/ov/merged"

# best_ls DIR: the best wall time of ROUNDS listings of DIR, which must show COUNT entries
best_ls() {
  local best="" s start n
  for ((r = 1; r <= rounds; r++)); do
    start=$(date +%s.%N)
    n=$(ls -f "$1" | wc -l)
    s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.3f", b-a}')
    [[ $n == $((count + 2)) ]] || fail "ls -f of $1 listed $n entries, not $((count + 2))"
    if [[ -z $best ]] || awk -v a="$s" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$s; fi
  done
  echo "$best"
}

# fill DIR N: creates files until DIR holds 0..N-1 (it may hold a first part already); prints the
# seconds that took
fill() {
  local have start; have=$(find "$1" -mindepth 1 -maxdepth 1 | wc -l)
  start=$(date +%s.%N)
  if ((have < $2)); then (cd "$1" && seq -f 'file-with-a-longish-name-%06g' "$have" $(($2 - 1)) | xargs touch); fi
  awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}'
}

declare -A casfs_s casfs_fill
for i in "${!builds[@]}"; do
  mnt="$work/mnt-$i"
  writable_mount "$work/repo-$i" "$mnt" "$work/empty" "$work/mount-$i.log" "${builds[$i]}"
  mkdir "$mnt/big"
  for count in $entries; do
    casfs_fill[$i,$count]=$(fill "$mnt/big" "$count")
    casfs_s[$i,$count]=$(best_ls "$mnt/big")
  done
  fusermount -u "$mnt"
  wait "$mount_pid" 2>/dev/null || true
done
mkdir "$work/ov/merged/big"
for count in $entries; do
  overlay_fill=$(fill "$work/ov/merged/big" "$count")
  overlay_s=$(best_ls "$work/ov/merged/big")
  for i in "${!builds[@]}"; do
    label="casfs"; [[ ${#builds[@]} -gt 1 ]] && label="build $((i + 1))"
    printf '%7d entries: %-8s filled %7.2f s, ls -f %7.3f s; overlayfs filled %6.2f s, ls -f %6.3f s: %6.1fx and %6.1fx overlayfs\n' \
      "$count" "$label" "${casfs_fill[$i,$count]}" "${casfs_s[$i,$count]}" "$overlay_fill" "$overlay_s" \
      "$(awk -v a="${casfs_fill[$i,$count]}" -v b="$overlay_fill" 'BEGIN{print a/b}')" \
      "$(awk -v a="${casfs_s[$i,$count]}" -v b="$overlay_s" 'BEGIN{print a/b}')"
  done
done
