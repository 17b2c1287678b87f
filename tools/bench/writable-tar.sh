#!/usr/bin/env bash
# Writing and reading many files through a writable mount, against what an administrator would
# otherwise use for a copy-on-write root (overlayfs over the image) and the bare disk: `tar -x` of
# this machine's /usr/share/doc (thousands of small files, a few big ones) into a writable casfs
# mount of Debian v1, into an overlayfs whose lower layer is a copy of v1, and into a plain
# directory, all on one new ext4, each followed by `sync -f`; then reading every file of v1's /usr
# through the mount and through the overlayfs (`find | xargs cat`). Best of ROUNDS; also the FUSE
# requests the mount served, by opcode (the kernel sends one per write(2), setattr and
# security.capability check: libfuse 2 cannot ask for its write-back cache).
#
#   tools/bench/writable-tar.sh [TREE]      TREE defaults to /usr/share/doc; ROUNDS (default 3)
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/bench.sh"
corpus="$default_corpus"
tree="${1:-/usr/share/doc}"
rounds="${ROUNDS:-3}"
require_corpus "$corpus"
[[ -d $tree ]] || fail "no directory $tree"
build_casfs
work_dir work /var/tmp/casfs-bench-wtar.XXXXXX
export HOME="$work/home"; mkdir -p "$HOME"
tar -C "$(dirname "$tree")" -cf "$work/tree.tar" "$(basename "$tree")"
echo "# $(date -u +%FT%TZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'): tar -x of $tree ($(tar -tf "$work/tree.tar" | wc -l) entries, $(du -sh --apparent-size "$tree" | cut -f1)) on $bench_fs; load $(cut -d' ' -f1-3 /proc/loadavg)"

export CASFS_REPO="$work/repo"
"$casfs" init >/dev/null
"$casfs" import "$corpus/v1" --switch >/dev/null
mkdir "$work/mnt"
JAVA_OPTS="-Dcasfs.fs.requestStats=true ${JAVA_OPTS:-}" "$casfs" mount "$work/mnt" --writable >"$work/mount.log" 2>&1 &
mount_pid=$!
at_exit "mountpoint -q ${work@Q}/mnt && fusermount -u ${work@Q}/mnt; wait $mount_pid 2>/dev/null"
for _ in $(seq 200); do mountpoint -q "$work/mnt" && break; sleep 0.05; done
mountpoint -q "$work/mnt" || fail "casfs mount did not come up: $(cat "$work/mount.log")"

mkdir -p "$work/ov/lower" "$work/ov/upper" "$work/ov/work" "$work/ov/merged" "$work/plain"
cp -a "$corpus/v1/." "$work/ov/lower/"
mount -t overlay overlay -o "lowerdir=$work/ov/lower,upperdir=$work/ov/upper,workdir=$work/ov/work" "$work/ov/merged"
at_exit "umount ${work@Q}/ov/merged"
sync

declare -A best
for ((r = 1; r <= rounds; r++)); do
  for target in casfs overlayfs ext4; do
    case $target in
      casfs) dir="$work/mnt/root/x$r" ;;
      overlayfs) dir="$work/ov/merged/root/x$r" ;;
      ext4) dir="$work/plain/x$r" ;;
    esac
    mkdir -p "$dir"
    start=$(date +%s.%N)
    tar -C "$dir" -xf "$work/tree.tar"
    sync -f "$dir"
    s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}')
    printf 'round %d: %-9s %6.2f s\n' "$r" "$target" "$s"
    if [[ -z ${best[$target]:-} ]] || awk -v a="$s" -v b="${best[$target]}" 'BEGIN{exit !(a<b)}'; then best[$target]=$s; fi
  done
done
for ((r = 1; r <= rounds; r++)); do
  for target in casfs overlayfs; do
    dir="$work/mnt/usr"; [[ $target == overlayfs ]] && dir="$work/ov/merged/usr"
    start=$(date +%s.%N)
    find "$dir" -type f -print0 | xargs -0 cat >/dev/null
    s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}')
    printf 'round %d: read /usr, %-9s %6.2f s\n' "$r" "$target" "$s"
    if [[ -z ${best[read-$target]:-} ]] || awk -v a="$s" -v b="${best[read-$target]}" 'BEGIN{exit !(a<b)}'; then
      best[read-$target]=$s
    fi
  done
done
fusermount -u "$work/mnt"
wait "$mount_pid" 2>/dev/null || true
echo "best: casfs ${best[casfs]} s, overlayfs ${best[overlayfs]} s, ext4 ${best[ext4]} s;" \
  "casfs / overlayfs $(awk -v a="${best[casfs]}" -v b="${best[overlayfs]}" 'BEGIN{printf "%.2fx", a/b}')"
echo "best read of /usr: casfs ${best[read-casfs]} s, overlayfs ${best[read-overlayfs]} s;" \
  "casfs / overlayfs $(awk -v a="${best[read-casfs]}" -v b="${best[read-overlayfs]}" 'BEGIN{printf "%.2fx", a/b}')"
grep "requests served" "$work/mount.log" || true
