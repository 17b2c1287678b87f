#!/usr/bin/env bash
# Does a newer JVM's ahead-of-time cache take a command's start-up out of an import? `casfs import`
# of the Debian corpus v1, then v2 on top, as a command on the launcher's JDK 17 (with its
# class-data-sharing archive) and on a JDK 24 or later with an AOT cache (JEP 483: classes loaded
# and linked ahead of time; JEP 515 on JDK 25: method profiles too), trained on an import of
# TRAIN first, alternating, on one new ext4; and `cat | sha1sum` of v1, the aim's yardstick.
#
#   tools/bench/import-aot.sh [NEWER_JDK]   default /usr/lib/jvm/temurin-25-jdk-amd64; REPEAT (3),
#                                           TRAIN (default /usr/share/doc), CORPUS as import.sh
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/bench.sh"
newer="${1:-/usr/lib/jvm/temurin-25-jdk-amd64}"
corpus="$default_corpus"
repeat="${REPEAT:-3}"
train="${TRAIN:-/usr/share/doc}"
require_corpus "$corpus"
require_command /usr/bin/time time
[[ -x $newer/bin/java ]] || fail "no JDK at $newer (give one as the argument)"
"$newer/bin/java" -XX:AOTMode=off -version >/dev/null 2>&1 || fail "$newer has no AOT cache (JDK 24 or later)"
build_casfs
work_dir work /var/tmp/casfs-bench-aot.XXXXXX
find "$corpus/v1" "$corpus/v2" -type f -print0 | xargs -0 cat >/dev/null
echo "# $(date -u +%FT%TZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'): JDK 17 ($(java -version 2>&1 | head -1)) against $("$newer/bin/java" -version 2>&1 | head -1) with an AOT cache trained on $train; on $bench_fs; load $(cut -d' ' -f1-3 /proc/loadavg)"

aot="$work/import.aot"
# Every JVM option the launcher gives a command stays; the newer JDK's runs add the cache and
# allow RocksDB's System.load without JDK 24's warning.
newer_opts="--enable-native-access=ALL-UNNAMED"
"$casfs" init --repo "$work/train" >/dev/null
JAVA_HOME="$newer" CASFS_NO_CDS=1 JAVA_OPTS="$newer_opts -XX:AOTCacheOutput=$aot" \
  "$casfs" import --repo "$work/train" "$train" >/dev/null 2>"$work/train.log" || fail "training failed: $(tail -3 "$work/train.log")"
[[ -s $aot ]] || fail "the newer JDK wrote no AOT cache: $(tail -3 "$work/train.log")"
echo "# AOT cache: $(du -h "$aot" | cut -f1)"

# timed NAME COMMAND...: wall seconds of COMMAND, appended to the row NAME
declare -A times
timed() {
  local name="$1"; shift
  /usr/bin/time -f '%e' -o "$work/time" "$@" >/dev/null 2>"$work/last.log" || fail "$name failed: $(tail -3 "$work/last.log")"
  times[$name]+="$(cat "$work/time") "
}
for ((i = 1; i <= repeat; i++)); do
  timed "cat | sha1sum v1" bash -c "find '$corpus/v1' -type f -print0 | xargs -0 cat | sha1sum"
  "$casfs" init --repo "$work/a$i" >/dev/null
  "$casfs" init --repo "$work/b$i" >/dev/null
  timed "JDK 17: v1" "$casfs" import --repo "$work/a$i" "$corpus/v1"
  JAVA_HOME="$newer" CASFS_NO_CDS=1 JAVA_OPTS="$newer_opts -XX:AOTCache=$aot" \
    timed "newer JDK, AOT cache: v1" "$casfs" import --repo "$work/b$i" "$corpus/v1"
  timed "JDK 17: v2 on top" "$casfs" import --repo "$work/a$i" "$corpus/v2"
  JAVA_HOME="$newer" CASFS_NO_CDS=1 JAVA_OPTS="$newer_opts -XX:AOTCache=$aot" \
    timed "newer JDK, AOT cache: v2 on top" "$casfs" import --repo "$work/b$i" "$corpus/v2"
done
best() { tr ' ' '\n' <<<"${times[$1]}" | grep . | sort -n | head -1; }
sha="$(best "cat | sha1sum v1")"
for name in "cat | sha1sum v1" "JDK 17: v1" "newer JDK, AOT cache: v1" "JDK 17: v2 on top" "newer JDK, AOT cache: v2 on top"; do
  printf '%-34s runs %-22s best %5.2f s  %5.2fx cat | sha1sum\n' "$name" "${times[$name]}" "$(best "$name")" \
    "$(awk -v a="$(best "$name")" -v b="$sha" 'BEGIN{print a/b}')"
done
