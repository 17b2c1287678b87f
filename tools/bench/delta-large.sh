#!/usr/bin/env bash
# Deltas of one large file updated in place, as an offline encyclopedia (a Kiwix .zim), a disk
# image or a database is between two versions of a school's image, in one run:
#  - casfs: `casfs delta v1 v2` on an origin that imported both versions (the delta's bytes and
#    the time to compute and verify it), then `casfs pull` of v2 over loopback HTTP by a client
#    that holds v1 (the bytes it received, the time it took);
#  - rsync --no-whole-file --only-write-batch (rsync's delta transfer, the tool an administrator
#    would otherwise pick for a big file): the batch's bytes and the time;
#  - zstd --patch-from (level 3, long mode; files up to 2 GiB) and xdelta3 -9 with a source
#    window as large as the file.
# The file: SIZE_MIB (default 1536) MiB of random bytes (incompressible, as compressed content
# is); v2 has EDITS (default 16) runs of 4 KiB rewritten at random places and 1 MiB appended.
#   usage: [SIZE_MIB=1536] [EDITS=16] tools/bench/delta-large.sh
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/bench.sh"
require_command rsync rsync
require_command zstd zstd
require_command xdelta3 xdelta3
size_mib="${SIZE_MIB:-1536}"
edits="${EDITS:-16}"
build_casfs
BENCH_FS_SIZE="${BENCH_FS_SIZE:-$((size_mib * 8 / 1024 + 4))G}" work_dir work /var/tmp/casfs-delta-large.XXXXXX
echo "work dir: $work on $bench_fs; a file of $size_mib MiB, $edits edits of 4 KiB and 1 MiB appended"

mkdir -p "$work/v1/srv" "$work/v2/srv"
head -c "$((size_mib << 20))" /dev/urandom >"$work/v1/srv/wiki.zim"
cp "$work/v1/srv/wiki.zim" "$work/v2/srv/wiki.zim"
python3 - "$work/v2/srv/wiki.zim" "$edits" <<'EOF'
import os, random, sys
path, edits = sys.argv[1], int(sys.argv[2])
r = random.Random(7)
size = os.path.getsize(path)
with open(path, 'r+b') as f:
    for _ in range(edits):
        f.seek(r.randrange(size - 4096)); f.write(os.urandom(4096))
    f.seek(0, 2); f.write(os.urandom(1 << 20))
EOF
new_bytes=$(( edits * 4096 + (1 << 20) ))
export CASFS_KEY="$work/key"
"$casfs" init --repo "$work/origin" >/dev/null
"$casfs" keygen >"$work/key.pub"
"$casfs" import --repo "$work/origin" "$work/v1" --label v1 >/dev/null
"$casfs" sign --repo "$work/origin" v1 >/dev/null
"$casfs" import --repo "$work/origin" "$work/v2" --label v2 >/dev/null

echo "== casfs delta v1 v2 (computed and verified on the origin)"
measure "casfs delta" "$casfs" delta --repo "$work/origin" v1 v2
casfs_bytes=$(sed -n 's/.* \([0-9]*\) bytes on the wire.*/\1/p' "$work/last.log")

echo "== casfs pull of v2 by a client that holds v1 (loopback HTTP)"
port=$((20000 + RANDOM % 20000))
"$casfs" serve --repo "$work/origin" --bind 127.0.0.1 --port "$port" >"$work/serve.log" 2>&1 &
serve_pid=$!
at_exit "kill $serve_pid 2>/dev/null; wait $serve_pid 2>/dev/null"
for _ in $(seq 100); do grep -q serving "$work/serve.log" && break; sleep 0.1; done
"$casfs" init --repo "$work/client" >/dev/null
"$casfs" trust --repo "$work/client" "$work/key.pub" >/dev/null
"$casfs" pull --repo "$work/client" "http://127.0.0.1:$port" --switch >/dev/null
"$casfs" sign --repo "$work/origin" v2 --no-deltas >/dev/null
measure "casfs pull v2 (client has v1)" "$casfs" pull --repo "$work/client" "http://127.0.0.1:$port" --switch
pull_bytes=$(sed -n 's/.* \([0-9]*\) bytes received.*/\1/p' "$work/last.log")
cmp "$work/v2/srv/wiki.zim" <("$casfs" cat --repo "$work/client" current /srv/wiki.zim)

echo "== rsync --no-whole-file --only-write-batch"
cp "$work/v1/srv/wiki.zim" "$work/rsync-dest"
measure "rsync delta (batch)" rsync --no-whole-file --only-write-batch="$work/batch" "$work/v2/srv/wiki.zim" "$work/rsync-dest"
rsync_bytes=$(stat -c %s "$work/batch")

zstd_bytes="-"
if (( size_mib <= 2048 )); then
  echo "== zstd --patch-from -3 --long=31"
  measure "zstd --patch-from" zstd -q -f -3 --long=31 --patch-from="$work/v1/srv/wiki.zim" \
    "$work/v2/srv/wiki.zim" -o "$work/zstd.patch"
  zstd_bytes=$(stat -c %s "$work/zstd.patch")
fi
echo "== xdelta3 -9 -B (source window: the whole file)"
window=$(( (size_mib << 20) + (1 << 20) ))
measure "xdelta3 -9" xdelta3 -9 -f -e -B "$window" -s "$work/v1/srv/wiki.zim" "$work/v2/srv/wiki.zim" "$work/xdelta"
xdelta_bytes=$(stat -c %s "$work/xdelta")

echo
echo "== summary: the change is $new_bytes bytes ($edits x 4 KiB rewritten, 1 MiB appended) of a $size_mib MiB file"
printf '%-36s %14s %9s\n' "" "bytes" "/ change"
for pair in "casfs delta:$casfs_bytes" "casfs pull (everything received):$pull_bytes" \
    "rsync batch:$rsync_bytes" "zstd --patch-from:$zstd_bytes" "xdelta3 -9:$xdelta_bytes"; do
  name="${pair%%:*}"; bytes="${pair##*:}"
  if [[ $bytes == - ]]; then printf '%-36s %14s\n' "$name" "(over 2 GiB)"; continue; fi
  printf '%-36s %14s %8.3fx\n' "$name" "$bytes" "$(awk -v b="$bytes" -v c="$new_bytes" 'BEGIN{print b/c}')"
done
for name in "casfs delta" "casfs pull v2 (client has v1)" "rsync delta (batch)" "zstd --patch-from" "xdelta3 -9"; do
  [[ -n "${best_s[$name]:-}" ]] && best_row "$name"
done
awk -v c="${best_s[casfs delta]}" -v r="${best_s[rsync delta (batch)]}" -v cb="$casfs_bytes" -v rb="$rsync_bytes" \
  'BEGIN{printf "casfs delta / rsync: bytes %.3fx, time %.2fx\n", cb/rb, c/r}'
