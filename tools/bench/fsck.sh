#!/usr/bin/env bash
# fsck speed: `casfs fsck` of a repository holding the Debian corpus v1 and v2 (every object
# hashed with SHA-1 and SHA-256 on all cores, every reference of both versions followed) against
# `ostree fsck` of a bare-user ostree repo holding the same two trees, and against `cat` of every
# loose object file piped to `sha1sum` (one core's streaming-hash limit over the loose files).
# Also casfs fsck limited to one core (-XX:ActiveProcessorCount=1), to show what parallel
# hashing buys. Warm caches; best of REPEAT runs; prints wall times, peak RSS and ratios.
#
#   tools/bench/fsck.sh [CORPUS]          CORPUS defaults to $CASFS_CORPUS or /var/cache/casfs-corpus
#   REPEAT=3 tools/bench/fsck.sh
set -euo pipefail

source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/bench.sh"
corpus="${1:-$default_corpus}"
repeat="${REPEAT:-3}"

require_corpus "$corpus"
require_command ostree ostree
require_command /usr/bin/time time

build_casfs
temp_dir work /var/tmp/casfs-bench-fsck.XXXXXX
# Run a private copy of the built jars: a rebuild in the working tree must not change (or break)
# what is being measured.
mkdir -p "$work/cp"
cp "$root"/tools/target/casfs-tools-*.jar "$work/cp/"
cp -r "$root/tools/target/lib" "$work/cp/lib"
export CASFS_CLASSPATH="$work/cp/*:$work/cp/lib/*"

echo "# setting up (untimed): casfs import and ostree commit of v1 and v2"
"$casfs" init --repo "$work/casfs" >/dev/null
"$casfs" import --repo "$work/casfs" "$corpus/v1" >/dev/null
"$casfs" import --repo "$work/casfs" "$corpus/v2" >/dev/null
ostree --repo="$work/ostree" init --mode=bare-user
for v in v1 v2; do
  cp -a "$corpus/$v" "$work/src-$v"
  find "$work/src-$v" \( -type c -o -type b -o -type s \) -delete # ostree refuses device nodes
  ostree --repo="$work/ostree" commit --branch="$v" --tree=dir="$work/src-$v" >/dev/null
  rm -rf "$work/src-$v"
done
find "$work/casfs" "$work/ostree" -type f -print0 | xargs -0 cat >/dev/null
echo "# casfs repo $(du -sh "$work/casfs" | cut -f1), ostree repo $(du -sh "$work/ostree" | cut -f1);" \
  "$(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"

row_width=36
row_cpu=0

for ((i = 1; i <= repeat; i++)); do
  echo "# run $i of $repeat"
  measure "casfs fsck" "$casfs" fsck --repo "$work/casfs"
  measure "casfs fsck (1 core)" env JAVA_OPTS="-XX:ActiveProcessorCount=1" "$casfs" fsck --repo "$work/casfs"
  measure "ostree fsck (bare-user)" ostree --repo="$work/ostree" fsck
  measure "cat loose objects | sha1sum" bash -c "find '$work/casfs/objects' -type f -print0 | xargs -0 cat | sha1sum"
done

ratio() { awk -v a="${best_s[$1]}" -v b="${best_s[$2]}" 'BEGIN{printf "%.2f", a / b}'; }
echo "# best of $repeat"
for n in "casfs fsck" "casfs fsck (1 core)" "ostree fsck (bare-user)" "cat loose objects | sha1sum"; do
  printf '  '; best_row "$n"
done
echo "ostree fsck / casfs fsck:           $(ratio "ostree fsck (bare-user)" "casfs fsck")x"
echo "casfs fsck 1 core / all cores:      $(ratio "casfs fsck (1 core)" "casfs fsck")x"
echo "casfs fsck / cat|sha1sum of loose:  $(ratio "casfs fsck" "cat loose objects | sha1sum")x"
