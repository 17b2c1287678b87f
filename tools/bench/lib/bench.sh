# Sourced first by the scripts in tools/bench: the preamble they share, so that each script keeps
# only its own question. Sets
#   root            the repository
#   casfs           tools/casfs, the command line (it builds the project when needed)
#   default_corpus  $CASFS_CORPUS, else /var/cache/casfs-corpus (the Debian images v1 and v2)
#   bench           the script's own name, for its messages
# and defines the helpers below. Expects the caller's `set -euo pipefail`.
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../../.." && pwd)"
casfs="$root/tools/casfs"
default_corpus="${CASFS_CORPUS:-/var/cache/casfs-corpus}"
bench="$(basename "$0")"

# fail MESSAGE...: this machine cannot run the benchmark (no corpus, a missing tool): exit 2.
fail() { echo "$bench: $*" >&2; exit 2; }

# require_corpus CORPUS: the corpus must hold both images, v1 and v2.
require_corpus() {
  [[ -d "$1/v1" && -d "$1/v2" ]] || fail "no corpus at $1 (run ../shared/corpus/make-images.sh)"
}

# require_command COMMAND PACKAGE: COMMAND (a name or a path) must run; PACKAGE is what installs it.
require_command() { command -v "$1" >/dev/null || fail "needs $1 (apt-get install $2)"; }

# build_casfs: builds the project when tools/casfs finds it stale, so no timed run pays for it.
build_casfs() { "$casfs" --help >/dev/null; }

# at_exit COMMAND: evaluates COMMAND when the script exits, however it exits. The last one
# registered runs first, so what was set up inside a work directory (a mount, a process) is undone
# before the directory is removed.
exit_commands=()
at_exit() {
  exit_commands=("$1" "${exit_commands[@]}")
  trap run_exit_commands EXIT
}
run_exit_commands() {
  local command
  for command in "${exit_commands[@]}"; do eval "$command" || true; done
}

# temp_dir VAR [TEMPLATE]: makes a directory (mktemp -d TEMPLATE), names it in VAR and removes it
# at exit.
temp_dir() {
  local dir
  dir="$(mktemp -d ${2:+"$2"})"
  printf -v "$1" '%s' "$dir"
  at_exit "rm -rf ${dir@Q}"
}

# work_dir VAR TEMPLATE: the benchmark's work directory, named in VAR and removed at exit; sets
# bench_fs to a description of where it is. By default (BENCH_FS=fresh, as root) it is on a new
# ext4 filesystem in a loop-mounted image file, so that every tool in the run writes to a
# filesystem in the same known state, as a new machine's is. On this machine's root filesystem,
# after test suites and earlier runs have just deleted thousands of files, ext4 passes over every
# inode freed in the last minutes when it allocates one (recently_deleted() in fs/ext4/ialloc.c):
# creating 1,168 empty files there took 0.29-0.40 s, on a fresh ext4 0.01-0.02 s
# (docs/BENCHMARKS.md). BENCH_FS=here: a directory made with mktemp -d TEMPLATE instead.
work_dir() {
  local var="$1" template="$2" img mnt
  if [[ "${BENCH_FS:-fresh}" == fresh && $EUID == 0 ]] && command -v mkfs.ext4 >/dev/null; then
    img="$(mktemp /var/tmp/casfs-bench-fs.XXXXXX)"
    at_exit "rm -f ${img@Q}"
    mnt="$(mktemp -d /var/tmp/casfs-bench-mnt.XXXXXX)"
    at_exit "rmdir ${mnt@Q}"
    if truncate -s "${BENCH_FS_SIZE:-16G}" "$img" && mkfs.ext4 -q -F "$img" && mount -o loop "$img" "$mnt"; then
      at_exit "umount ${mnt@Q}"
      mkdir "$mnt/work"
      printf -v "$var" '%s' "$mnt/work"
      # The loop device passes writes to the image with direct I/O, as a disk takes them. Buffered
      # (the default), every byte written was cached twice in this kernel, in the ext4's page cache
      # and in the image file's, and copied by the loop's thread on the same two cores: dd of 115
      # MiB and a sync took 0.17-0.23 s of the machine's CPU, 0.11-0.12 s with direct I/O.
      local dio=""
      losetup --direct-io=on "$(findmnt -n -o SOURCE "$mnt")" 2>/dev/null && dio=" with direct I/O"
      bench_fs="a new ext4 filesystem (loop-mounted image$dio, ${BENCH_FS_SIZE:-16G})"
      return
    fi
    echo "$bench: could not mount a new ext4 image; working under $(dirname "$template")" >&2
  fi
  temp_dir "$var" "$template"
  bench_fs="$(df --output=fstype "$(dirname "$template")" | tail -1) at $(dirname "$template") (BENCH_FS=here)"
}

# writable_mount REPO MOUNTPOINT TREE LOG [CLASSPATH]: a new repository at REPO holding TREE as its
# current version, mounted writable at MOUNTPOINT (its output in LOG) by the build on CLASSPATH
# (default: this checkout's), and unmounted at exit if still mounted; sets mount_pid.
writable_mount() {
  local repo="$1" mnt="$2" tree="$3" log="$4" classpath="${5:-}"
  mkdir -p "$mnt"
  CASFS_REPO="$repo" CASFS_CLASSPATH="$classpath" "$casfs" init >/dev/null
  CASFS_REPO="$repo" CASFS_CLASSPATH="$classpath" "$casfs" import "$tree" --switch >/dev/null
  CASFS_REPO="$repo" CASFS_CLASSPATH="$classpath" "$casfs" mount "$mnt" --writable >"$log" 2>&1 &
  mount_pid=$!
  at_exit "mountpoint -q ${mnt@Q} && fusermount -u ${mnt@Q}; wait $mount_pid 2>/dev/null"
  for _ in $(seq 200); do mountpoint -q "$mnt" && return; sleep 0.05; done
  fail "casfs mount did not come up: $(cat "$log")"
}

# test_classpath MODULE: builds MODULE and the modules it needs (tests compiled, not run), then
# sets cp to a private snapshot of MODULE's test classes, classes and dependencies (our own
# module jars copied too), so that a rebuild in the working tree or a re-install into ~/.m2
# cannot change the classes under a long run. The snapshot is removed at exit.
test_classpath() {
  local module="$1" snap deps="" jar jars
  (cd "$root" && mvn -o -q -B -pl "$module" -am install -DskipTests)
  temp_dir snap
  (cd "$root" && mvn -o -q -B -pl "$module" dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$snap/cp")
  cp -r "$root/$module/target/test-classes" "$snap/test-classes"
  cp -r "$root/$module/target/classes" "$snap/classes"
  IFS=: read -ra jars <<< "$(cat "$snap/cp")"
  for jar in "${jars[@]}"; do
    if [[ "$jar" == */org/casfs/* ]]; then
      cp "$jar" "$snap/" && jar="$snap/$(basename "$jar")"
    fi
    deps="$deps:$jar"
  done
  cp="$snap/test-classes:$snap/classes$deps"
}

# measure NAME COMMAND...: runs COMMAND under GNU time (its output in $work/last.log, shown if it
# fails) and keeps, per NAME, the run with the fastest wall time: best_s (seconds), best_kib (peak
# RSS) and best_cpu (user+system seconds, which a busy machine disturbs less). Prints the run as
# an indented row. Needs $work.
declare -A best_s best_kib best_cpu
measure() {
  local name="$1"; shift
  if ! /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" >"$work/last.log" 2>&1; then
    echo "$bench: '$name' failed:" >&2; tail -n 20 "$work/last.log" >&2; exit 1
  fi
  local s kib user sys cpu; read -r s kib user sys <"$work/time"
  cpu="$(awk -v u="$user" -v y="$sys" 'BEGIN{printf "%.2f", u+y}')"
  if [[ -z "${best_s[$name]:-}" ]] || awk -v a="$s" -v b="${best_s[$name]}" 'BEGIN{exit !(a<b)}'; then
    best_s[$name]="$s"; best_kib[$name]="$kib"; best_cpu[$name]="$cpu"
  fi
  printf '  '; row "$name" "$s" "$kib" "$cpu"
}

# row NAME SECONDS KIB CPU_SECONDS: a line of a table of runs: NAME padded to row_width, wall
# seconds, peak RSS in MiB and, when row_cpu is 1, CPU seconds. best_row NAME: NAME's fastest run.
row_width=36
row_cpu=1
row() {
  printf '%-*s %7.2f s %7.0f MiB' "$row_width" "$1" "$2" "$(awk -v k="$3" 'BEGIN{print k/1024}')"
  if [[ $row_cpu == 1 ]]; then printf ' %7.2f s cpu' "$4"; fi
  printf '\n'
}
best_row() { row "$1" "${best_s[$1]}" "${best_kib[$1]}" "${best_cpu[$1]}"; }
