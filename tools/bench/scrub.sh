#!/usr/bin/env bash
# A peer daemon's scrub (sync.peer.Scrub): one pass over a repository holding Debian v1, read
# through the verifying read at the daemon's cap (4 MB/s; caches dropped first, as after a boot)
# and then uncapped (warm), printing the rate reached and the CPU spent; beside the uncapped pass,
# `cat | sha1sum` of the same image's files (warm, the second of two runs), what a user would run to
# check a tree by hand.
#
#   tools/bench/scrub.sh [CORPUS]
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/bench.sh"
corpus="${1:-$default_corpus}"
require_corpus "$corpus"
build_casfs
test_classpath sync
work_dir work /var/tmp/casfs-bench-scrub.XXXXXX
export HOME="$work/home"; mkdir -p "$HOME"
echo "# $(date -u +%FT%TZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'): a scrub pass over Debian v1 on $bench_fs; load $(cut -d' ' -f1-3 /proc/loadavg)"
CASFS_REPO="$work/repo" "$casfs" init >/dev/null
CASFS_REPO="$work/repo" "$casfs" import "$corpus/v1" --switch >/dev/null
sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
java -cp "$cp" org.casfs.sync.peer.ScrubBench "$work/repo" 4000000
java -cp "$cp" org.casfs.sync.peer.ScrubBench "$work/repo" 100000000000
hash_tree() { (cd "$corpus/v1" && find . -type f -print0 | xargs -0 cat | sha1sum >/dev/null); }
hash_tree
s=$(date +%s.%N); hash_tree; e=$(date +%s.%N)
awk -v a="$s" -v b="$e" 'BEGIN{printf "cat | sha1sum of v1'"'"'s files (warm): %.2f s wall\n", b-a}'
