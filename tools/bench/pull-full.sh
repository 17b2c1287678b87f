#!/usr/bin/env bash
# The full v1 pull in one JVM (no JVM start): origin serves CASFS_CORPUS/v1 on loopback, fresh
# clients pull it RUNS times; first the HTTP path alone (JDK HttpServer chunked ->
# HttpURLConnection). Run twice: client repositories on the disk (fsync per loose blob is real)
# and on tmpfs (/dev/shm: fsync is free), which separates the storage cost from the transport.
#   tools/bench/pull-full.sh [CORPUS (default /var/cache/casfs-corpus)] [RUNS (default 3)]
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/bench.sh"
cd "$root"
corpus="${1:-/var/cache/casfs-corpus}"
runs="${2:-3}"
temp_dir work /tmp/casfs-pull-full.XXXXXX
temp_dir shm /dev/shm/casfs-pull-full.XXXXXX

test_classpath sync

for where in "$work/disk" "$shm/run"; do
  echo "== repositories under $where (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  java -Xmx2g ${CASFS_BENCH_ZSTD:+-Dcasfs.bench.zstd=$CASFS_BENCH_ZSTD} -cp "$cp" \
    org.casfs.sync.pull.FullPullBench "$corpus" "$where" "$runs" 2>&1 | grep -E '^(run|http)'
  rm -rf "$where"
done
