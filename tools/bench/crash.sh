#!/usr/bin/env bash
# Crash safety, heavy run: a child JVM runs commit/switch/rollback/import/gc in a loop and is
# SIGKILLed at random moments; after every kill the repository is reopened and checked (fsck
# clean, current is the old or the new manifest, every ref complete, an interrupted transaction
# intact or gone). Prints the counts. The CI test (CrashSafetyTest) runs the same with 30 kills.
#   usage: tools/bench/crash.sh [KILLS (default 300)] [SEED]
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
cd "$root"
kills="${1:-300}"
seed="${2:-}"
mvn -o -q -B -pl txn -am install -DskipTests
snap="$(mktemp -d)"
trap 'rm -rf "$snap"' EXIT
mvn -o -q -B -pl txn dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$snap/cp"
# A private copy of the classes: a rebuild in the working tree must not change them under the
# child JVMs that start throughout the run.
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
java -cp "$cp" org.casfs.txn.CrashHarness "$kills" $seed
