#!/usr/bin/env bash
# Coverage-guided fuzzing, with Jazzer (libFuzzer for the JVM), of the code that reads bytes from
# the network, a peer, a mirror or a disk:
#   tools/fuzz/run.sh TARGET [SECONDS]    fuzz for SECONDS (default 300); 0 replays the corpus only
#   tools/fuzz/run.sh list                the targets
# A target is a *FuzzTarget class under */src/test/java: public static fuzzerTestOneInput(byte[]),
# which throws only when the code misbehaves (see FuzzCorpus in cas's tests). Its corpus is
# MODULE/src/test/resources/fuzz/TARGET.corpus, one input per line in base64. The fuzzer starts
# from it; at the end the script merges what it found into the smallest set of inputs that covers
# as much and writes it back (review and commit it). Every test run replays every corpus
# (FuzzCorpusTest), so what once reached some code keeps checking it.
# A finding stops the fuzzer: the input is left in target/fuzz/TARGET/ (crash-*, oom-*, timeout-*)
# with the stack trace in target/fuzz/TARGET.log. Fix the bug and add the input to the corpus
# (base64 -w0 FILE) with a comment line saying what it found.
# Jazzer's version is the parent pom's jazzer.version; Maven fetches it the first time.
set -euo pipefail
shopt -s nullglob
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
fail() { echo "fuzz: $*" >&2; exit 2; }

targets() { find "$root" -path "$root/.git" -prune -o -path '*/src/test/java/*' -name '*FuzzTarget.java' -print | sort; }
[[ $# -ge 1 ]] || fail "usage: tools/fuzz/run.sh TARGET [SECONDS] | list"
if [[ $1 == list ]]; then targets | sed 's#.*/##; s#\.java$##'; exit 0; fi
target="$1"
seconds="${2:-300}"
[[ $seconds =~ ^[0-9]+$ ]] || fail "SECONDS must be a whole number, not '$seconds'"
source_file="$(targets | grep "/$target.java$" | head -1 || true)"
[[ -n $source_file ]] || fail "no target $target; 'tools/fuzz/run.sh list' names them"
module_dir="${source_file%%/src/test/java/*}"
module="${module_dir#"$root"/}"
class="${source_file#*/src/test/java/}"; class="${class%.java}"; class="${class//\//.}"
corpus="$module_dir/src/test/resources/fuzz/$target.corpus"
[[ -f $corpus ]] || fail "no corpus $corpus (start one with a line of base64, even of a single byte)"
version="$(sed -n 's#.*<jazzer.version>\(.*\)</jazzer.version>.*#\1#p' "$root/pom.xml")"
[[ -n $version ]] || fail "the parent pom names no jazzer.version"
out="$root/target/fuzz"
mkdir -p "$out/lib"
rm -rf "${out:?}/$target"
mkdir -p "$out/$target/corpus" "$out/$target/merged"

mvn_() { (cd "$root" && { mvn -q -o -B "$@" || mvn -q -B "$@"; }) >"$out/mvn.log" 2>&1 || { cat "$out/mvn.log" >&2; fail "maven failed (above)"; }; }
echo "fuzz: building $module and its test classpath" >&2
mvn_ test-compile dependency:build-classpath -pl "$module" -am -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath"
for artifact in jazzer jazzer-api; do
  [[ -f "$out/lib/$artifact-$version.jar" ]] || mvn_ -N dependency:copy \
    -Dartifact="com.code-intelligence:$artifact:$version" -DoutputDirectory="$out/lib"
done
classpath="$module_dir/target/test-classes:$module_dir/target/classes:$(cat "$out/classpath"):$out/lib/jazzer-$version.jar:$out/lib/jazzer-api-$version.jar"

while read -r line; do
  [[ -z $line || $line == \#* ]] && continue
  printf '%s' "$line" | base64 -d >"$out/$target/corpus/$(printf '%s' "$line" | sha1sum | cut -c1-40)"
done <"$corpus"
before="$(ls "$out/$target/corpus" | wc -l)"

jazzer() {
  java -Xmx1g -Xss8m -cp "$classpath" com.code_intelligence.jazzer.Jazzer --target_class="$class" \
    --instrumentation_includes='org.casfs.**' --reproducer_path="$out/$target" "$@"
}
if [[ $seconds == 0 ]]; then runs=(-runs=0); else runs=(-max_total_time="$seconds"); fi
echo "fuzz: $class from $before inputs, ${seconds}s; log in $out/$target.log" >&2
set +e
jazzer -rss_limit_mb=3072 -timeout=10 "${runs[@]}" -artifact_prefix="$out/$target/" "$out/$target/corpus" >"$out/$target.log" 2>&1
rc=$?
set -e
grep -E '^(#[0-9]+ +(DONE|pulse))|^Done ' "$out/$target.log" | tail -n 2 >&2 || true
if [[ $rc != 0 ]]; then
  grep -A 25 -m 1 -E '^== Java Exception|ERROR: libFuzzer' "$out/$target.log" >&2 || tail -n 30 "$out/$target.log" >&2
  echo "fuzz: $target found a bug; the input is in $out/$target/ (exit $rc)" >&2
  exit 1
fi
if [[ $seconds != 0 ]]; then
  jazzer -merge=1 "$out/$target/merged" "$out/$target/corpus" >"$out/$target.merge.log" 2>&1 \
    || { tail -n 20 "$out/$target.merge.log" >&2; fail "merging the corpus failed"; }
  {
    grep '^#' "$corpus" || true
    for f in "$out/$target/merged"/*; do base64 -w0 "$f"; echo; done | sort
  } >"$corpus.new"
  mv "$corpus.new" "$corpus"
  echo "fuzz: no finding; corpus $before -> $(grep -vc '^#' "$corpus") inputs in ${corpus#"$root"/}" >&2
fi
