#!/usr/bin/env bash
# The v1 -> v2 update over a real slow link, in one run, on the same trees: the origin's servers
# run in a network namespace joined to this one by a veth pair whose both ends are shaped with
# tc's token bucket filter (tbf) to RATE, and the clients here pull through it:
#   casfs pull from 'casfs serve'                (head + one fetch stream with deltas)
#   ostree pull with its static delta from nginx (archive repo, summary with the delta index)
#   rsync from an rsync daemon                   (the client holds a copy of v1)
# Each client holds v1 first (fetched before the link is shaped). Prints wall time, bytes that
# crossed the link (the veth's counters) and the ratios. With SLOWEST set (e.g. 24kbit, a rate
# under the 4 KiB/s floor at which a pull drops a source while others are left) it also updates a
# casfs client over a link that slow: it must still arrive.
#   tools/bench/slow-link.sh [CORPUS_DIR]   RATE=512kbit (default) SLOWEST=24kbit
# Needs root, iproute2 (tc), rsync, nginx, ostree. Removes its namespace and link on exit.
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/bench.sh"
corpus="${1:-$default_corpus}"
rate="${RATE:-512kbit}"
slowest="${SLOWEST:-}"
require_corpus "$corpus"
require_command tc iproute2
require_command rsync rsync
require_command nginx nginx
require_command ostree ostree
[[ $(id -u) == 0 ]] || fail "needs root (network namespaces, tc)"
work_dir work /tmp/casfs-bench-slow.XXXXXX

tag="$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')"
ns="casfs-$tag-slow" here_if="cfs${tag}h" there_if="cfs${tag}t"
here=10.98.0.2 there=10.98.0.1
serve_pid="" rsync_pid="" nginx_started=""
cleanup_link() {
  [[ -n "$serve_pid" ]] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
  [[ -n "$rsync_pid" ]] && kill "$rsync_pid" 2>/dev/null && wait "$rsync_pid" 2>/dev/null || true
  if [[ -n "$nginx_started" && -f "$work/nginx/nginx.pid" ]]; then
    nginx_pid="$(cat "$work/nginx/nginx.pid")"
    kill "$nginx_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$nginx_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  ip link del "$here_if" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
}
at_exit cleanup_link
in_ns() { ip netns exec "$ns" "$@"; }
q() { "$@" >/dev/null 2>&1; }
now() { date +%s.%N; }
rx() { cat "/sys/class/net/$here_if/statistics/rx_bytes"; }
tx() { cat "/sys/class/net/$here_if/statistics/tx_bytes"; }

echo "== preparing (not timed) in $work; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
ip netns add "$ns"
ip link add "$here_if" type veth peer name "$there_if"
ip link set "$there_if" netns "$ns"
ip addr add "$here/24" dev "$here_if"; ip link set "$here_if" up
in_ns ip addr add "$there/24" dev "$there_if"; in_ns ip link set "$there_if" up; in_ns ip link set lo up

export CASFS_KEY="$work/signing.key"
q "$casfs" init --repo "$work/origin"
pub="$("$casfs" keygen 2>/dev/null)"
q "$casfs" import --repo "$work/origin" --label v1 --switch "$corpus/v1"
q "$casfs" sign --repo "$work/origin" v1

# ostree: archive repo of the same trees (without device nodes, which it cannot commit).
mkdir -p "$work/www"
ostree --repo="$work/www/ostree" init --mode=archive
for v in v1 v2; do
  rsync -a -X -A --no-devices --no-specials "$corpus/$v/" "$work/ostree-src-$v/" >/dev/null
done
ostree --repo="$work/www/ostree" commit -b main --tree=dir="$work/ostree-src-v1" -s v1 >/dev/null
v1rev="$(ostree --repo="$work/www/ostree" rev-parse main)"

mkdir -p "$work/nginx/tmp"
cat > "$work/nginx/nginx.conf" <<CONF
user root; worker_processes 1; daemon on; pid $work/nginx/nginx.pid; error_log $work/nginx/error.log;
events { worker_connections 256; }
http {
  access_log off; client_body_temp_path $work/nginx/tmp; sendfile on; keepalive_requests 100000;
  types { } default_type application/octet-stream;
  server { listen $there:8080; root $work/www; location / { } }
}
CONF
in_ns nginx -c "$work/nginx/nginx.conf" -p "$work/nginx"; nginx_started=1

cat > "$work/rsyncd.conf" <<CONF
use chroot = no
[v2]
path = $corpus/v2
read only = yes
uid = root
gid = root
CONF
# Started with ip netns exec directly (not through a shell function, whose subshell $! would name):
# ip execs the program, so the pid is the daemon's own and the cleanup stops it.
ip netns exec "$ns" rsync --daemon --no-detach --address="$there" --port=8730 --config="$work/rsyncd.conf" \
  --log-file="$work/rsyncd.log" &
rsync_pid=$!

start_serve() {
  : >"$work/serve.log"
  ip netns exec "$ns" "$casfs" serve --repo "$work/origin" --bind "$there" --port 8470 >"$work/serve.log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 150); do grep -q serving "$work/serve.log" 2>/dev/null && break; sleep 0.2; done
  grep -q serving "$work/serve.log" || fail "casfs serve did not start: $(cat "$work/serve.log")"
}
start_serve

# Every client at v1, over the unshaped link.
client_at_v1() {
  q "$casfs" init --repo "$1"
  q "$casfs" trust --repo "$1" "$pub"
  q "$casfs" pull --repo "$1" --switch "http://$there:8470"
}
client_at_v1 "$work/laptop"
[[ -n $slowest ]] && client_at_v1 "$work/laptop-slowest"
ostree --repo="$work/o-laptop" init --mode=bare
ostree --repo="$work/o-laptop" remote add --no-gpg-verify origin "http://$there:8080/ostree"
ostree --repo="$work/o-laptop" pull origin main >/dev/null
cp -a "$corpus/v1" "$work/rsync-laptop"

echo "== the origin publishes v2 (casfs: import + sign with deltas; ostree: commit + static delta)"
q "$casfs" import --repo "$work/origin" --label v2 --switch "$corpus/v2"
q "$casfs" sign --repo "$work/origin" v2
ostree --repo="$work/www/ostree" commit -b main --tree=dir="$work/ostree-src-v2" -s v2 >/dev/null
v2rev="$(ostree --repo="$work/www/ostree" rev-parse main)"
ostree --repo="$work/www/ostree" static-delta generate --from="$v1rev" --to="$v2rev" >/dev/null 2>&1
ostree --repo="$work/www/ostree" summary -u >/dev/null

shape() { # $1: rate, both directions
  tc qdisc replace dev "$here_if" root tbf rate "$1" burst 4kb latency 2s
  in_ns tc qdisc replace dev "$there_if" root tbf rate "$1" burst 4kb latency 2s
}
declare -A wall bytes
measure_update() { # $1: name; the rest: the command
  local name=$1; shift
  local r0 t0 t1
  r0=$(( $(rx) + $(tx) )); t0=$(now)
  "$@" >"$work/$name.out" 2>&1 || { cat "$work/$name.out" >&2; fail "$name failed"; }
  t1=$(now)
  wall[$name]=$(echo "$t1 - $t0" | bc -l)
  bytes[$name]=$(( $(rx) + $(tx) - r0 ))
  printf "   %-28s %8.1f s %12d bytes on the link\n" "$name" "${wall[$name]}" "${bytes[$name]}"
}

echo "== update v1 -> v2 over a $rate link (tbf both ways)"
shape "$rate"
measure_update casfs "$casfs" pull --repo "$work/laptop" --switch "http://$there:8470"
measure_update ostree ostree --repo="$work/o-laptop" pull origin main
measure_update rsync rsync -aHAX --numeric-ids --delete "rsync://$there:8730/v2/" "$work/rsync-laptop/"
[[ "$(ostree --repo="$work/o-laptop" rev-parse origin:main)" == "$v2rev" ]] || fail "ostree did not reach v2"
"$casfs" log --repo "$work/laptop" | head -1 | grep -q v2 || fail "casfs did not reach v2"

if [[ -n $slowest ]]; then
  echo "== update v1 -> v2 over a $slowest link: casfs only (under the rate floor of a pull with other sources)"
  shape "$slowest"
  measure_update "casfs@$slowest" "$casfs" pull --repo "$work/laptop-slowest" --switch "http://$there:8470"
  "$casfs" log --repo "$work/laptop-slowest" | head -1 | grep -q v2 || fail "casfs did not reach v2 at $slowest"
fi

ratio() { echo "scale=2; $1 / $2" | bc -l; }
echo
echo "at $rate: ostree (static delta) / casfs wall $(ratio "${wall[ostree]}" "${wall[casfs]}")x, bytes $(ratio "${bytes[ostree]}" "${bytes[casfs]}")x;" \
  "rsync / casfs wall $(ratio "${wall[rsync]}" "${wall[casfs]}")x, bytes $(ratio "${bytes[rsync]}" "${bytes[casfs]}")x"
echo "casfs: $(tail -1 "$work/casfs.out")"
[[ -n $slowest ]] && echo "casfs at $slowest: $(tail -1 "$work/casfs@$slowest.out")"
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
