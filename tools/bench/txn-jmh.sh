#!/usr/bin/env bash
# JMH benchmarks of the txn layer (classes in txn/src/test/java/org/casfs/txn/bench):
#   tools/bench/txn-jmh.sh FlipBenchmark     the root pointer flip at 10 and 100,000 files
#   tools/bench/txn-jmh.sh CommitBenchmark   commit of 10 changed files in the Debian v1 image
# Extra arguments go to JMH (e.g. -p files=10). Needs the corpus for CommitBenchmark
# (-Dcasfs.corpus=DIR via JAVA_OPTS; default /var/cache/casfs-corpus).
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
cd "$root"
mvn -o -q -B -pl txn -am install -DskipTests
snap="$(mktemp -d)"
trap 'rm -rf "$snap"' EXIT
mvn -o -q -B -pl txn dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$snap/cp"
# A private copy of the classes, so a rebuild in the working tree cannot change them mid-run.
cp -r txn/target/test-classes "$snap/test-classes"
cp -r txn/target/classes "$snap/classes"
# ... and of our own module jars from ~/.m2, which other builds re-install at any moment.
deps=""
IFS=: read -ra jars <<< "$(cat "$snap/cp")"
for j in "${jars[@]}"; do
  if [[ "$j" == */org/casfs/* ]]; then
    cp "$j" "$snap/" && j="$snap/$(basename "$j")"
  fi
  deps="$deps:$j"
done
cp="$snap/test-classes:$snap/classes$deps"
# shellcheck disable=SC2086
java ${JAVA_OPTS:-} -cp "$cp" org.openjdk.jmh.Main "$@"
