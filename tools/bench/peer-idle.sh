#!/bin/bash
# Idle footprint of a casfs peer daemon after it pulled the Debian v1 image from an origin on loopback.
# Usage: tools/bench/peer-idle.sh [WORKDIR]   (root; origin and peer on 127.0.0.1 only, mDNS off;
# both processes are stopped by their pids at the end). Prints pull time, idle CPU and RSS.
set -u
source "$(dirname "$(readlink -f "$0")")/lib/bench.sh"
C="$casfs"; W=${1:-/tmp/casfs-peer-idle}; rm -rf $W; mkdir -p $W
build_casfs
$C init --repo $W/o >/dev/null; $C import --repo $W/o $default_corpus/v1 --label v1 --switch >/dev/null
KEY=$($C keygen --key $W/k); $C sign --repo $W/o --key $W/k current >/dev/null
$C serve --repo $W/o --bind 127.0.0.1 --port 18470 > $W/serve.log 2>&1 & SP=$!
PP=
trap 'kill $PP $SP 2>/dev/null' EXIT
$C init --repo $W/c >/dev/null; $C trust --repo $W/c "$KEY" >/dev/null
$C peer --repo $W/c --bind 127.0.0.1 --port 18471 --mdns none --peers http://127.0.0.1:18470 --auto-switch --poll 5 > $W/peer.log 2>&1 & PP=$!
sleep 3; JP=$(pgrep -P $PP java || echo $PP)
for i in $(seq 1 120); do grep -qi "switch" $W/peer.log && break; sleep 1; done
echo "pulled after ~${i}s"; sleep 15
t0=$(awk '{print $14+$15}' /proc/$JP/stat); sleep 30; t1=$(awk '{print $14+$15}' /proc/$JP/stat)
echo "idle CPU over 30 s: $(echo "scale=2; ($t1-$t0)/30" | bc)% of one core"
echo "RSS: $(awk '/VmRSS/{print $2/1024 " MiB"}' /proc/$JP/status), peak: $(awk '/VmHWM/{print $2/1024 " MiB"}' /proc/$JP/status)"
kill $PP $SP; wait $PP $SP 2>/dev/null; trap - EXIT
tail -3 $W/peer.log
