#!/usr/bin/env bash
# `casfs sign` of a version whose one change is a file made anew in every byte (random bytes, as
# a recompressed or regenerated file looks: an initramfs, a .gz, a firmware image), where the
# origin computes the deltas from the version signed before and finds none worth keeping;
# against `ostree static-delta generate` of the same two trees. With two classpaths, the builds
# alternate (A, B per round) for a change to the delta planner.
#
#   tools/bench/sign-remade-file.sh [CLASSPATH_A [CLASSPATH_B]]    SIZE (bytes, default 6000000), ROUNDS (3)
#     CLASSPATH_x: what tools/casfs runs with (CASFS_CLASSPATH); none: this checkout's build
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/bench.sh"
require_command ostree ostree
size="${SIZE:-6000000}" rounds="${ROUNDS:-3}"
builds=("$@"); [[ ${#builds[@]} -gt 0 ]] || builds=("")
build_casfs
work_dir work /var/tmp/casfs-bench-sign.XXXXXX
export HOME="$work/home"; mkdir -p "$HOME"
for v in 1 2; do mkdir -p "$work/t$v/etc"; echo "$v" >"$work/t$v/etc/hostname"; head -c "$size" /dev/urandom >"$work/t$v/big"; done
echo "# $(date -u +%FT%TZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'): one file of $size random bytes made anew; load $(cut -d' ' -f1-3 /proc/loadavg)"
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); awk -v a="$s" -v b="$e" 'BEGIN{printf "%.2f", b-a}'; }
for ((r = 1; r <= rounds; r++)); do
  for i in "${!builds[@]}"; do
    label="build $((i + 1))"; [[ ${#builds[@]} -gt 1 ]] || label="casfs"
    repo="$work/repo-$r-$i"
    ( if [[ -n ${builds[$i]} ]]; then export CASFS_CLASSPATH="${builds[$i]}"; fi
      export CASFS_KEY="$work/key-$r-$i" CASFS_REPO="$repo"
      "$casfs" init >/dev/null; "$casfs" keygen >/dev/null 2>&1
      "$casfs" import "$work/t1" --label v1 --switch >/dev/null; "$casfs" sign v1 >/dev/null
      "$casfs" import "$work/t2" --label v2 --switch >/dev/null
      echo "round $r: $label: casfs sign v2 (deltas from v1) $(seconds "$casfs" sign v2) s" )
  done
  ostree --repo="$work/ostree-$r" init --mode=archive
  ostree --repo="$work/ostree-$r" commit --branch=img --tree=dir="$work/t1" >/dev/null
  ostree --repo="$work/ostree-$r" commit --branch=img --tree=dir="$work/t2" >/dev/null
  echo "round $r: ostree static-delta generate img $(seconds ostree --repo="$work/ostree-$r" static-delta generate img) s"
done
