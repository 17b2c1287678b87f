#!/usr/bin/env bash
# Import memory against the number of paths: `casfs import` as a command of two generated trees of
# small files (100 a directory, 100 directories a parent; each file its own bytes, 30 B to 1 KiB),
# best of REPEAT runs each, each into a new repository. Prints wall time, peak RSS and CPU of each
# size, and how much the peak RSS grows a path from the smaller tree to the larger: what an import
# holds for each path it walks (docs/BENCHMARKS.md).
#
#   tools/bench/import-memory.sh                    SIZES="100000 300000" REPEAT=3 by default
#   SIZES="50000 500000" REPEAT=2 tools/bench/import-memory.sh
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/bench.sh"
read -ra sizes <<<"${SIZES:-100000 300000}"
repeat="${REPEAT:-3}"
[[ ${#sizes[@]} == 2 ]] || fail "SIZES must be two numbers of files, not '${SIZES:-}'"
for n in "${sizes[@]}"; do [[ $n =~ ^[0-9]+$ && $n -ge 100 ]] || fail "each size must be at least 100, not '$n'"; done
require_command python3 python3
require_command /usr/bin/time time

build_casfs
work_dir work /var/tmp/casfs-bench-memory.XXXXXX
declare -A paths
for n in "${sizes[@]}"; do
  tree="$work/tree-$n"
  echo "# generating $n files in $tree"
  python3 - "$tree" "$n" <<'PY'
import os, random, sys
root, files = sys.argv[1], int(sys.argv[2])
rnd = random.Random(files)
for d in range((files + 99) // 100):
    path = os.path.join(root, f"d{d // 100:03d}", f"s{d:05d}")
    os.makedirs(path)
    for f in range(min(100, files - d * 100)):
        with open(os.path.join(path, f"file-{f:03d}.txt"), "wb") as out:
            out.write(f"{path}/{f} {rnd.random()}\n".encode() * rnd.randint(1, 20))
PY
  paths[$n]="$(find "$tree" | wc -l)"
done
sync
echo "# $(date -u +%FT%TZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'): work on $bench_fs; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
for ((i = 1; i <= repeat; i++)); do
  echo "# run $i of $repeat"
  for n in "${sizes[@]}"; do
    "$casfs" init --repo "$work/repo-$n-$i" >/dev/null
    measure "casfs import, ${paths[$n]} paths" "$casfs" import --repo "$work/repo-$n-$i" "$work/tree-$n"
  done
done
echo "# best of $repeat"
for n in "${sizes[@]}"; do best_row "casfs import, ${paths[$n]} paths"; done
small="casfs import, ${paths[${sizes[0]}]} paths"
large="casfs import, ${paths[${sizes[1]}]} paths"
awk -v a="${best_kib[$small]}" -v b="${best_kib[$large]}" -v p="${paths[${sizes[0]}]}" -v q="${paths[${sizes[1]}]}" \
  'BEGIN{printf "peak RSS grows %.0f bytes a path (%.0f MiB more for %d more paths)\n", (b - a) * 1024 / (q - p), (b - a) / 1024, q - p}'
