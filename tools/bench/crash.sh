#!/usr/bin/env bash
# Crash safety, heavy run: a child JVM runs commit/switch/rollback/import/gc in a loop and is
# SIGKILLed at random moments; after every kill the repository is reopened and checked (fsck
# clean, current is the old or the new manifest, every ref complete, an interrupted transaction
# intact or gone). Prints the counts. The CI test (CrashSafetyTest) runs the same with 30 kills.
#   usage: tools/bench/crash.sh [KILLS (default 300)] [SEED]
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/bench.sh"
cd "$root"
kills="${1:-300}"
seed="${2:-}"
test_classpath txn
# shellcheck disable=SC2086
java -cp "$cp" org.casfs.txn.CrashHarness "$kills" $seed
