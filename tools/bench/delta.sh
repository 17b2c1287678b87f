#!/usr/bin/env bash
# Deltas on the real v1 -> v2 Debian update, in one run (issue 7):
#  - casfs: each engine alone, the per-file smallest, time to compute all deltas and to apply
#    them, and `casfs pull` bytes on the wire with and without deltas (loopback HTTP);
#  - per changed file (same pairs casfs uses, renames included): xdelta3 -9 -D, bsdiff,
#    zstd --patch-from --long -19, and their per-file minimum plus zstd -19 of the added files
#    (the practical floor);
#  - rsync --no-whole-file --stats literal data;
#  - ostree static-delta generate between the same two trees (size and time).
#   usage: tools/bench/delta.sh [CORPUS (default /var/cache/casfs-corpus)] [WORKDIR]
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/bench.sh"
cd "$root"
corpus="${1:-/var/cache/casfs-corpus}"
work="${2:-$(mktemp -d /tmp/casfs-delta-bench.XXXXXX)}"
v1="$corpus/v1"; v2="$corpus/v2"
mkdir -p "$work"
echo "work dir: $work"

test_classpath sync

echo "== casfs"
rm -rf "$work/casfs"
java -Xmx3g -cp "$cp" org.casfs.sync.delta.DeltaBench "$corpus" "$work/casfs" | tee "$work/casfs.out"
smallest=$(awk '/^CASFS_SMALLEST/{print $2}' "$work/casfs.out")
pull_delta=$(awk '/^CASFS_PULL_DELTA/{print $2}' "$work/casfs.out")
pull_plain=$(awk '/^CASFS_PULL_PLAIN/{print $2}' "$work/casfs.out")

echo "== per-file tools on the same pairs"
tmp="$work/tools"; mkdir -p "$tmp"
sum_x=0; sum_b=0; sum_z=0; sum_min=0; n=0
t0=$(date +%s.%N)
while IFS=$'\t' read -r old new; do
  o="$v1$old"; w="$v2$new"
  # -D: no automatic gzip decompression; xdelta3 would otherwise diff the uncompressed text
  # and rely on recompression giving the same bytes, which it does not guarantee
  xdelta3 -9 -D -e -f -s "$o" "$w" "$tmp/x" 2>/dev/null
  bsdiff "$o" "$w" "$tmp/b"
  zstd -q -f -19 --long=27 --patch-from="$o" "$w" -o "$tmp/z" 2>/dev/null
  x=$(stat -c %s "$tmp/x"); b=$(stat -c %s "$tmp/b"); z=$(stat -c %s "$tmp/z")
  m=$x; [ "$b" -lt "$m" ] && m=$b; [ "$z" -lt "$m" ] && m=$z
  sum_x=$((sum_x + x)); sum_b=$((sum_b + b)); sum_z=$((sum_z + z)); sum_min=$((sum_min + m)); n=$((n + 1))
done < "$work/casfs/pairs.tsv"
t1=$(date +%s.%N)
added=0
while read -r path; do
  [ -f "$v2$path" ] || continue
  a=$(zstd -q -19 -c "$v2$path" | wc -c); added=$((added + a))
done < "$work/casfs/added.txt"
floor=$((sum_min + added))
printf "pairs: %d; tools wall time for all three: %.1f s\n" "$n" "$(echo "$t1 - $t0" | bc)"
printf "xdelta3 -9 -D alone:              %'12d bytes\n" "$sum_x"
printf "bsdiff alone:                     %'12d bytes\n" "$sum_b"
printf "zstd --patch-from --long -19:     %'12d bytes\n" "$sum_z"
printf "per-file min of the three:        %'12d bytes\n" "$sum_min"
printf "zstd -19 of added files:          %'12d bytes\n" "$added"
printf "practical floor (min + added):    %'12d bytes\n" "$floor"
printf "casfs per-file smallest + added:  %'12d bytes  (%.2fx the floor)\n" "$((smallest + added))" \
  "$(echo "($smallest + $added) / $floor" | bc -l)"

echo "== rsync"
rm -rf "$work/rsync"; cp -a "$v1" "$work/rsync"
rsync -a --no-whole-file --stats "$v2/" "$work/rsync/" | grep -E "Literal data|Total bytes sent" | tee "$work/rsync.out"

echo "== ostree static delta"
if command -v ostree >/dev/null; then
  repo="$work/ostree"; rm -rf "$repo"
  ostree --repo="$repo" init --mode=archive
  # ostree commits no device nodes or fifos (a few under /dev): commit copies without them. The
  # same trees and commands as tools/bench/pull.sh, which also pulls this delta over HTTP.
  for v in v1 v2; do
    rm -rf "$work/ostree-$v"; rsync -a -X -A --no-devices --no-specials "$corpus/$v/" "$work/ostree-$v/"
    ostree --repo="$repo" commit -b v --tree=dir="$work/ostree-$v" -s "$v" >/dev/null
    [[ "$v" == v1 ]] && orev1="$(ostree --repo="$repo" rev-parse v)"
  done
  orev2="$(ostree --repo="$repo" rev-parse v)"
  s0=$(date +%s.%N)
  ostree --repo="$repo" static-delta generate --from="$orev1" --to="$orev2" >/dev/null 2>&1
  s1=$(date +%s.%N)
  osize=$(du -sb "$repo/deltas" | cut -f1)
  printf "ostree static-delta v1->v2:       %'12d bytes, generated in %.1f s\n" "$osize" "$(echo "$s1 - $s0" | bc)"
  printf "casfs pull with deltas / ostree static delta: %.2f\n" "$(echo "$pull_delta / $osize" | bc -l)"
  # Applying: ostree's own delta, from its files (no network), into a bare repo that holds v1.
  ostree --repo="$work/ostree-apply" init --mode=bare
  ostree --repo="$work/ostree-apply" pull-local "$repo" "$orev1" >/dev/null
  a0=$(date +%s.%N)
  ostree --repo="$work/ostree-apply" static-delta apply-offline "$repo/deltas/"*/*/ >/dev/null
  a1=$(date +%s.%N)
  oapply=$(echo "$a1 - $a0" | bc -l)
  capply=$(awk '/^CASFS_APPLY_S/{print $2}' "$work/casfs.out")
  printf "applying: casfs all deltas %.2f s (in one JVM, every blob verified), ostree static-delta apply-offline %.2f s (%.2fx)\n" \
    "$capply" "$oapply" "$(echo "$capply / $oapply" | bc -l)"
  echo "  (the whole update over HTTP, casfs pull vs ostree pull with its delta: tools/bench/pull.sh)"
fi
printf "casfs pull with deltas / practical floor: %.4fx   (aim <= 1.1)\n" "$(echo "$pull_delta / $floor" | bc -l)"
printf "casfs pull bytes: with deltas %'d, without %'d (%.2fx fewer)\n" "$pull_delta" "$pull_plain" \
  "$(echo "$pull_plain / $pull_delta" | bc -l)"
