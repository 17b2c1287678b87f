#!/usr/bin/env bash
# Weeks of publishing in minutes: an origin (`casfs serve` with its key) publishes ROUNDS versions
# in a row, each the last plus a small update (a library rewritten in place, a config line, a new
# file), imported and signed through the running server as an administrator would; a laptop's
# `casfs peer` (static neighbour, polling every second, --auto-switch) takes each one. After each
# round it prints how long the laptop took to run the new version and both daemons' open files,
# threads and RSS, so a leak shows as a column that keeps growing. Ends with fsck of the laptop.
#
#   tools/bench/publish-soak.sh [CORPUS]      ROUNDS=30 (default 10); CORPUS as import.sh's
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
"$casfs" peer --repo laptop --bind 127.0.0.1 --port "$(free_port)" --mdns none \
  --peers "http://127.0.0.1:$origin_port" --poll 1 --auto-switch >peer.log 2>&1 &
peer_pid=$!
at_exit "kill $peer_pid 2>/dev/null; wait $peer_pid 2>/dev/null"

current_of() { "$casfs" log --repo "$1" 2>/dev/null | awk '/\(current/{print $1; exit}'; }
rss_kib() { awk '/^VmRSS/{print $2}' "/proc/$1/status"; }
echo "# $(date -u +%FT%TZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'): $rounds rounds on $bench_fs; load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %9s | %-26s | %-18s\n' round "to laptop s" "peer: fds threads RSS MiB" "origin: fds RSS MiB"
for ((i = 0; i <= rounds; i++)); do
  start=$(date +%s.%N)
  if ((i > 0)); then
    lib="$(find tree/usr/lib -type f -size +100k | sort | sed -n "$((i * 7 % 40 + 1))p")"
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
  printf '%-6s %9.2f | %7d %7d %10.0f | %7d %10.0f\n' "$i" "$took" \
    "$(ls "/proc/$peer_pid/fd" | wc -l)" "$(ls "/proc/$peer_pid/task" | wc -l)" "$(echo "$(rss_kib $peer_pid) / 1024" | bc -l)" \
    "$(ls "/proc/$serve_pid/fd" | wc -l)" "$(echo "$(rss_kib $serve_pid) / 1024" | bc -l)"
done
echo "origin peak RSS $(awk '/^VmHWM/{printf "%.0f", $2/1024}' "/proc/$serve_pid/status") MiB, laptop peak RSS $(awk '/^VmHWM/{printf "%.0f", $2/1024}' "/proc/$peer_pid/status") MiB"
"$casfs" fsck --repo laptop 2>&1 | tail -1
