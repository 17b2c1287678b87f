#!/usr/bin/env bash
# JMH benchmarks of the txn layer (classes in txn/src/test/java/org/casfs/txn/bench):
#   tools/bench/txn-jmh.sh FlipBenchmark     the root pointer flip at 10 and 100,000 files
#   tools/bench/txn-jmh.sh CommitBenchmark   commit of 10 changed files in the Debian v1 image
# Extra arguments go to JMH (e.g. -p files=10). Needs the corpus for CommitBenchmark
# (-Dcasfs.corpus=DIR via JAVA_OPTS; default /var/cache/casfs-corpus).
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/bench.sh"
cd "$root"
test_classpath txn
# shellcheck disable=SC2086
java ${JAVA_OPTS:-} -cp "$cp" org.openjdk.jmh.Main "$@"
