#!/usr/bin/env bash
# Swarm benchmark (issue 6): an origin and N laptops (default 20) on a random geometric graph
# ("radio range") of real Linux network namespaces linked by veth pairs; every laptop is a
# separate casfs peer process. The origin publishes v1 then v2 (the real Debian images from
# $CASFS_CORPUS/v1 and v2 when present); prints the time until every laptop switched, bytes
# served by the origin against bytes served by laptops, the idle daemon's CPU and RSS, and
# draws laptops-updated-vs-seconds to OUT/spread.png with gnuplot.
# Needs root. Namespaces and processes are removed at the end, even on failure (the Java
# harness removes them; a trap here removes any casfs-* namespace of this run's tag left over
# only if the JVM itself was killed).
#   tools/bench/swarm.sh [OUT_DIR] [--laptops N] [--seed S] [--chain] [--rate R]
#   (--chain: per-hop times; --rate 1mbit: every link shaped with tbf once v1 has spread)
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/bench.sh"
out="${1:-$root/target/bench-swarm}"; shift || true
corpus="$default_corpus"
rm -rf "$out"; mkdir -p "$out"
cd "$root"
test_classpath sync
before=$(ip netns list | awk '{print $1}' | grep '^casfs-' | sort || true)
cleanup() {
  # Only namespaces that appeared during this run and the harness failed to remove.
  after=$(ip netns list | awk '{print $1}' | grep '^casfs-' | sort || true)
  for ns in $(comm -13 <(echo "$before") <(echo "$after")); do ip netns del "$ns" 2>/dev/null || true; done
}
at_exit cleanup
java -Xmx2g -cp "$cp" org.casfs.sync.peer.SwarmBench "$out" --corpus "$corpus" "$@" | tee "$out/output.txt"
gnuplot <<GP
set terminal png size 900,540
set output "$out/spread.png"
set title "casfs swarm: laptops updated over time ($(grep -c . "$out/graph.txt" | awk '{print $1-1}') radio links)"
set xlabel "seconds after the origin published"
set ylabel "laptops updated"
set key bottom right
set grid
plot "$out/spread-v1.dat" using 1:2 with steps lw 2 title "v1 (full image)", \
     "$out/spread-v2.dat" using 1:2 with steps lw 2 title "v2 (update)"
GP
echo "plot: $out/spread.png"
