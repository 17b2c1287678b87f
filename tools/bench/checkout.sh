#!/usr/bin/env bash
# Writing an image out: `casfs checkout` of Debian v1 into a new directory, against `cp -a` and
# `rsync -a` of the same tree (what an administrator would otherwise use to write a copy), all on
# one new ext4, each followed by `sync -f`; best of ROUNDS, alternating, with the page cache each
# left holding of what it wrote (fincore) once synced. With CLASSPATH arguments, each build's
# checkout is measured in turn (an A/B of a change to checkout).
#
#   tools/bench/checkout.sh [CLASSPATH...]      ROUNDS (default 3)
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/bench.sh"
corpus="$default_corpus"
rounds="${ROUNDS:-3}"
builds=("$@"); [[ ${#builds[@]} -gt 0 ]] || builds=("")
require_corpus "$corpus"
require_command fincore util-linux
require_command rsync rsync
build_casfs
work_dir work /var/tmp/casfs-bench-checkout.XXXXXX
export HOME="$work/home"; mkdir -p "$HOME"
echo "# $(date -u +%FT%TZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'): Debian v1 ($(du -sh --apparent-size "$corpus/v1" | cut -f1)) written out on $bench_fs; load $(cut -d' ' -f1-3 /proc/loadavg)"

export CASFS_REPO="$work/repo"
CASFS_CLASSPATH="${builds[0]}" "$casfs" init >/dev/null
CASFS_CLASSPATH="${builds[0]}" "$casfs" import "$corpus/v1" --label v1 >/dev/null
cp -a "$corpus/v1" "$work/source" # the copies read from the same disk as the checkout
sync

targets=()
for i in "${!builds[@]}"; do targets+=("casfs-$i"); done
targets+=(cp rsync)
declare -A best cached
for ((r = 1; r <= rounds; r++)); do
  for t in "${targets[@]}"; do
    out="$work/out-$t-$r"
    start=$(date +%s.%N)
    case $t in
      casfs-*) CASFS_CLASSPATH="${builds[${t#casfs-}]}" "$casfs" checkout v1 "$out" >/dev/null ;;
      cp) cp -a "$work/source" "$out" ;;
      rsync) rsync -a "$work/source/" "$out/" ;;
    esac
    sync -f "$out"
    s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}')
    held=$(find "$out" -type f -print0 | xargs -0 -r fincore --bytes --noheadings --output RES | awk '{s+=$1} END{printf "%.0f", s/1048576}')
    printf 'round %d: %-8s %6.2f s, %4s MiB of it in the page cache\n' "$r" "$t" "$s" "$held"
    if [[ -z ${best[$t]:-} ]] || awk -v a="$s" -v b="${best[$t]}" 'BEGIN{exit !(a<b)}'; then best[$t]=$s; fi
    cached[$t]=$held
    rm -rf "$out"
  done
done
for t in "${targets[@]}"; do
  label="$t"; [[ $t == casfs-* ]] && label="casfs${builds[1]+ build $((${t#casfs-} + 1))}"
  printf '%-16s best %6.2f s (%5.2fx cp -a), %4s MiB left in the page cache\n' "$label" "${best[$t]}" \
    "$(awk -v a="${best[$t]}" -v b="${best[cp]}" 'BEGIN{print a/b}')" "${cached[$t]}"
done
