#!/usr/bin/env bash
# A laptop whose repository database took damage, made whole again: `casfs fsck --repair URL`
# (which salvages the database, then fetches what went with the damage) against what a user would
# otherwise do, a new repository pulled whole from the same `casfs serve` over loopback HTTP. The
# laptop pulled Debian v1, then v2 (deltas included), as a real one does. Two kinds of damage: one
# flipped byte in the middle of the largest table (a bad flash cell: one 16 KiB block), and the
# largest table file gone (a filesystem check moved it to lost+found). Prints the wall time and
# bytes received of each, best of REPEAT, and the ratios.
#
#   REPEAT=3 tools/bench/salvage.sh [CORPUS]     CORPUS defaults to $CASFS_CORPUS or /var/cache/casfs-corpus
set -euo pipefail

source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/bench.sh"
corpus="${1:-$default_corpus}"
repeat="${REPEAT:-3}"
require_corpus "$corpus"
require_command /usr/bin/time time
require_command python3 python3
build_casfs
work_dir work /var/tmp/casfs-bench-salvage.XXXXXX
export CASFS_KEY="$work/origin.key"

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
url="http://127.0.0.1:$port"
"$casfs" init --repo "$work/origin" >/dev/null
CASFS_REPO="$work/origin" "$casfs" keygen >"$work/origin.pub" 2>/dev/null
"$casfs" import --repo "$work/origin" "$corpus/v1" --label v1 >/dev/null
"$casfs" sign --repo "$work/origin" v1 >/dev/null
"$casfs" serve --repo "$work/origin" --bind 127.0.0.1 --port "$port" >"$work/serve.log" 2>&1 &
serve_pid=$!
at_exit "kill $serve_pid 2>/dev/null; wait $serve_pid 2>/dev/null"
for _ in $(seq 300); do [[ -S "$work/origin/control.sock" ]] && break; sleep 0.1; done
[[ -S "$work/origin/control.sock" ]] || fail "casfs serve did not start: $(cat "$work/serve.log")"

laptop="$work/laptop"
new_laptop() {
  rm -rf "$1"
  "$casfs" init --repo "$1" >/dev/null
  "$casfs" trust --repo "$1" "$(head -1 "$work/origin.pub")" >/dev/null
}
new_laptop "$laptop"
"$casfs" pull --repo "$laptop" "$url" --switch >/dev/null
"$casfs" import --repo "$work/origin" "$corpus/v2" --label v2 >/dev/null   # runs inside the serve
"$casfs" sign --repo "$work/origin" v2 >/dev/null
"$casfs" pull --repo "$laptop" "$url" --switch >/dev/null
"$casfs" status --repo "$laptop" >/dev/null   # its open writes the write-ahead log out as tables
cp -a "$laptop" "$work/pristine"
echo "# $(date -u +%FT%TZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'): a laptop holding Debian v1 and v2; db $(du -sh "$laptop/db" | cut -f1), objects $(du -sh "$laptop/objects" | cut -f1); work on $bench_fs; load $(cut -d' ' -f1-3 /proc/loadavg)"

# damage KIND: flips a byte in the middle of the largest table, or removes that table.
damage() {
  python3 - "$laptop/db" "$1" <<'EOF'
import glob, os, sys
table = max(glob.glob(os.path.join(sys.argv[1], '*.sst')), key=os.path.getsize)
if sys.argv[2] == 'gone':
    os.remove(table)
else:
    with open(table, 'r+b') as f:
        f.seek(os.path.getsize(table) // 2)
        b = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([b[0] ^ 0x40]))
EOF
}

declare -A best_bytes
keep_bytes() { # NAME BYTES: the bytes of NAME's fastest run (they differ little run to run)
  if [[ -z "${best_bytes[$1]:-}" || ${best_s[$1]} == "$3" ]]; then best_bytes[$1]="$2"; fi
}
for run in $(seq "$repeat"); do
  for kind in block gone; do
    rm -rf "$laptop"; cp -a "$work/pristine" "$laptop"
    damage "$kind"
    measure "repair: $kind" "$casfs" fsck --repo "$laptop" --repair "$url"
    got="$(grep -o 'fetched [0-9]* objects ([0-9]* bytes)' "$work/last.log" | grep -o '([0-9]*' | tr -d '(')"
    s="$(cut -d' ' -f1 "$work/time")"
    keep_bytes "repair: $kind" "$got" "$s"
    "$casfs" fsck --repo "$laptop" >/dev/null || fail "the laptop is not whole after 'repair: $kind'"
  done
  new_laptop "$work/fresh"
  measure "new repository, pulled whole" "$casfs" pull --repo "$work/fresh" "$url" --switch
  got="$(grep -o '[0-9]* bytes received' "$work/last.log" | grep -o '^[0-9]*')"
  keep_bytes "new repository, pulled whole" "$got" "$(cut -d' ' -f1 "$work/time")"
done

echo
echo "best of $repeat (wall, peak RSS, CPU; bytes received):"
for name in "repair: block" "repair: gone" "new repository, pulled whole"; do
  printf '%s %12s bytes\n' "$(best_row "$name")" "${best_bytes[$name]}"
done
whole_b="${best_bytes[new repository, pulled whole]}"
whole_s="${best_s[new repository, pulled whole]}"
for kind in block gone; do
  awk -v b="${best_bytes[repair: $kind]}" -v wb="$whole_b" -v s="${best_s[repair: $kind]}" -v ws="$whole_s" -v k="$kind" \
    'BEGIN { printf "repair (%s) / pulled whole: bytes %.4fx, time %.2fx\n", k, b / wb, s / ws }'
done
