#!/usr/bin/env bash
# Weeks of publishing in minutes: an origin (`casfs serve` with its key) publishes ROUNDS versions
# in a row, each the last plus a small update (a library rewritten in place, a config line, a new
# file), imported and signed through the running server as an administrator would; a laptop's
# `casfs peer` (static neighbour, polling every second, --auto-switch) takes each one. After each
# round it prints how long the laptop took to run the new version and both daemons' open files,
# threads and RSS, so a leak shows as a column that keeps growing. Ends with fsck of the laptop.
#
#   tools/bench/publish-soak.sh [CORPUS]      ROUNDS=30 (default 10); CORPUS as import.sh's
#   LAPTOP=mount tools/bench/publish-soak.sh  the laptop runs `casfs mount MNT --peer` instead (as a
#                                             laptop whose root is the mount), and a reader keeps
#                                             open a file of the first version that the first
#                                             update changes, and checks what it reads each round
#                                             (gc on the laptop must keep its bytes)
#
# Loopback only, mDNS off; both daemons are stopped by their pids at exit.
set -euo pipefail

source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/bench.sh"
corpus="${1:-$default_corpus}"
rounds="${ROUNDS:-10}"
require_corpus "$corpus"
build_casfs
work_dir work /var/tmp/casfs-bench-soak.XXXXXX
cd "$work"
at_exit "cd /" # out of the work directory before it is unmounted
export HOME="$work/home" CASFS_KEY="$work/signing.key"
mkdir "$HOME"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cp -a "$corpus/v1" tree
"$casfs" init --repo origin >/dev/null
key="$("$casfs" keygen 2>/dev/null)"
"$casfs" import --repo origin tree --switch >/dev/null
"$casfs" sign --repo origin current >/dev/null
"$casfs" init --repo laptop >/dev/null
"$casfs" trust --repo laptop "$key" >/dev/null

origin_port="$(free_port)"
"$casfs" serve --repo origin --bind 127.0.0.1 --port "$origin_port" >serve.log 2>&1 &
serve_pid=$!
at_exit "kill $serve_pid 2>/dev/null; wait $serve_pid 2>/dev/null"
peer_options=(--bind 127.0.0.1 --port "$(free_port)" --mdns none --peers "http://127.0.0.1:$origin_port" --poll 1
  --auto-switch)
reader_pid=""
if [[ ${LAPTOP:-peer} == mount ]]; then
  mkdir mnt
  for _ in $(seq 100); do [[ -S origin/control.sock ]] && break; sleep 0.1; done
  "$casfs" pull --repo laptop "http://127.0.0.1:$origin_port" --switch >/dev/null # a laptop is installed first
  "$casfs" mount --repo laptop mnt --peer "${peer_options[@]}" >peer.log 2>&1 &
  peer_pid=$!
  at_exit "kill $peer_pid 2>/dev/null; wait $peer_pid 2>/dev/null"
  for _ in $(seq 300); do mountpoint -q mnt && break; sleep 0.1; done
  mountpoint -q mnt || fail "casfs mount did not come up: $(cat peer.log)"
else
  "$casfs" peer --repo laptop "${peer_options[@]}" >peer.log 2>&1 &
  peer_pid=$!
  at_exit "kill $peer_pid 2>/dev/null; wait $peer_pid 2>/dev/null"
fi

changed_in() { find tree/usr/lib -type f -size +100k | sort | sed -n "$(($1 * 7 % 40 + 1))p"; } # round N's library
current_of() { "$casfs" log --repo "$1" 2>/dev/null | awk '/\(current/{print $1; exit}'; }
rss_kib() { awk '/^VmRSS/{print $2}' "/proc/$1/status"; }
echo "# $(date -u +%FT%TZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'): $rounds rounds on $bench_fs; load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %9s | %-26s | %-18s\n' round "to laptop s" "peer: fds threads RSS MiB" "origin: fds RSS MiB"
first_changed="$(changed_in 1)" # the file the reader keeps open changes in the first update
for ((i = 0; i <= rounds; i++)); do
  start=$(date +%s.%N)
  if ((i > 0)); then
    lib="$(changed_in "$i")"
    head -c 4096 /dev/urandom | dd of="$lib" bs=4096 seek=3 conv=notrunc status=none
    echo "round $i" >>tree/etc/motd
    head -c 20000 /dev/urandom >"tree/opt-$i"
    "$casfs" import --repo origin tree --switch >/dev/null
    "$casfs" sign --repo origin current >/dev/null
  fi
  want="$(current_of origin)"
  for _ in $(seq 600); do [[ "$(current_of laptop)" == "$want" ]] && break; sleep 0.2; done
  [[ "$(current_of laptop)" == "$want" ]] || { tail -5 peer.log >&2; fail "round $i: the laptop did not take $want"; }
  took="$(echo "$(date +%s.%N) - $start" | bc)"
  if [[ ${LAPTOP:-peer} == mount ]]; then
    # What a laptop's programs do: one started before every update keeps its library open
    # (it must read the bytes it opened), and new ones read the version that runs now.
    if [[ -z $reader_pid ]]; then
      open_file="mnt/${first_changed#tree/}"
      (exec 3<"$open_file"; while sleep 0.2; do cat <&3 >/dev/null; done) &
      reader_pid=$!
      at_exit "kill $reader_pid 2>/dev/null"
      for _ in $(seq 50); do [[ -e /proc/$reader_pid/fd/3 ]] && break; sleep 0.1; done
      kept="$(sha1sum <"$open_file")"
    fi
    [[ "$(cat mnt/etc/motd | tail -1)" == "$(tail -1 tree/etc/motd)" ]] || fail "round $i: the mount does not show the new /etc/motd"
    [[ "$(sha1sum <"/proc/$reader_pid/fd/3")" == "$kept" ]] || fail "round $i: a file open since round 0 changed"
  fi
  printf '%-6s %9.2f | %7d %7d %10.0f | %7d %10.0f\n' "$i" "$took" \
    "$(ls "/proc/$peer_pid/fd" | wc -l)" "$(ls "/proc/$peer_pid/task" | wc -l)" "$(echo "$(rss_kib $peer_pid) / 1024" | bc -l)" \
    "$(ls "/proc/$serve_pid/fd" | wc -l)" "$(echo "$(rss_kib $serve_pid) / 1024" | bc -l)"
done
echo "origin peak RSS $(awk '/^VmHWM/{printf "%.0f", $2/1024}' "/proc/$serve_pid/status") MiB, laptop peak RSS $(awk '/^VmHWM/{printf "%.0f", $2/1024}' "/proc/$peer_pid/status") MiB"
"$casfs" fsck --repo laptop 2>&1 | tail -1
echo "logs: the laptop's $(wc -l <peer.log) lines, the origin's $(wc -l <serve.log)"
if [[ -n ${SHOW_LOGS:-} ]]; then tail -n 25 peer.log serve.log; fi
