#!/usr/bin/env bash
# A writable mount of Debian v1 used as a machine's programs use a disk: in a chroot of the mount,
# temporary files are written and deleted over and over (a package manager's downloads, a
# browser's cache). Prints how much the repository's staging directory (the open transaction's
# upper layer) holds after each round, and the wall time of the rounds. With two classpaths, the
# builds alternate (A, B) for a change to the transaction's upper layer.
#
#   tools/bench/writable-churn.sh [CLASSPATH_A [CLASSPATH_B]]   FILES (per round, 50), MB (per file, 10), ROUNDS (2)
#     CLASSPATH_x: what tools/casfs runs with (CASFS_CLASSPATH); none: this checkout's build
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/bench.sh"
corpus="$default_corpus"
require_corpus "$corpus"
files="${FILES:-50}" mb="${MB:-10}" rounds="${ROUNDS:-2}"
builds=("$@"); [[ ${#builds[@]} -gt 0 ]] || builds=("")
build_casfs
work_dir work /var/tmp/casfs-bench-churn.XXXXXX
export HOME="$work/home"; mkdir -p "$HOME"
echo "# $(date -u +%FT%TZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'): $files files of $mb MiB written and deleted per round in a chroot of a writable mount of Debian v1, on $bench_fs; load $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 1; r <= rounds; r++)); do
  for i in "${!builds[@]}"; do
    label="build $((i + 1))"; [[ ${#builds[@]} -gt 1 ]] || label="casfs"
    repo="$work/repo-$r-$i" mnt="$work/mnt-$r-$i"
    writable_mount "$repo" "$mnt" "$corpus/v1" "$work/mount-$r-$i.log" "${builds[$i]}"
    start=$(date +%s.%N)
    chroot "$mnt" /bin/sh -c "i=0; while [ \$i -lt $files ]; do dd if=/dev/zero of=/tmp/churn bs=1M count=$mb status=none; rm /tmp/churn; i=\$((i+1)); done"
    end=$(date +%s.%N)
    held=$(du -sm "$repo/staging" | cut -f1)
    CASFS_REPO="$repo" CASFS_CLASSPATH="${builds[$i]}" "$casfs" umount "$mnt" >/dev/null
    wait "$mount_pid" || true
    printf 'round %d: %s: %d x %d MiB written and deleted in %.2f s; the staging directory then held %d MiB\n' \
      "$r" "$label" "$files" "$mb" "$(awk -v a="$start" -v b="$end" 'BEGIN{print b-a}')" "$held"
  done
done
