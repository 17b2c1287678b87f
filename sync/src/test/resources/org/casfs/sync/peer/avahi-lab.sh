#!/bin/bash
# Runs Debian's avahi-daemon (with a private D-Bus system bus) for an interop test, inside the
# network namespace the test made, in a private mount namespace so /run/dbus and
# /run/avahi-daemon of the host are never touched. Usage (as root):
#   ip netns exec NS unshare -m --propagation private bash avahi-lab.sh IFACE PUBLISH_NAME PORT TXT...
# Publishes PUBLISH_NAME as _casfs._tcp with the TXT pairs, then prints `avahi-browse -rtp
# _casfs._tcp` results (prefixed "BROWSE ") every second until stdin closes. Every process it
# starts is stopped by its own pid on exit.
set -eu
IFACE=$1; NAME=$2; PORT=$3; shift 3
WORK=$(mktemp -d /tmp/casfs-avahi.XXXXXX)
DBUS_PID=; AVAHI_PID=; PUB_PID=
cleanup() {
  for p in $PUB_PID $AVAHI_PID $DBUS_PID; do kill "$p" 2>/dev/null || true; done
  sleep 0.2
  for p in $PUB_PID $AVAHI_PID $DBUS_PID; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
mkdir -p /run/dbus /run/avahi-daemon
mount -t tmpfs casfs-dbus /run/dbus
mount -t tmpfs casfs-avahi /run/avahi-daemon
cat > "$WORK/avahi.conf" <<CONF
[server]
use-ipv4=yes
use-ipv6=no
allow-interfaces=$IFACE
enable-dbus=yes
[wide-area]
enable-wide-area=no
[publish]
publish-hinfo=no
publish-workstation=no
CONF
# --nofork keeps the bus our own child, so it is reaped here and not left as a zombie.
dbus-daemon --system --nofork --nopidfile &
DBUS_PID=$!
i=0
until [ -S /run/dbus/system_bus_socket ]; do
  i=$((i + 1)); [ $i -lt 100 ] || { echo "FAILED dbus-daemon did not start"; exit 1; }
  sleep 0.05
done
avahi-daemon --no-drop-root --no-chroot --no-rlimits --no-proc-title -f "$WORK/avahi.conf" \
  > "$WORK/avahi.log" 2>&1 &
AVAHI_PID=$!
i=0
until grep -q 'Server startup complete' "$WORK/avahi.log"; do
  i=$((i + 1)); [ $i -lt 100 ] || { echo "FAILED avahi-daemon did not start"; cat "$WORK/avahi.log"; exit 1; }
  sleep 0.1
done
echo "AVAHI started pid $AVAHI_PID"
avahi-publish -s "$NAME" _casfs._tcp "$PORT" "$@" > "$WORK/publish.log" 2>&1 &
PUB_PID=$!
# Browse once a second until the test closes our stdin (read: >128 on timeout, 1 on EOF).
while true; do
  # bounded: a resolve that never completes must not keep the loop from reading stdin
  timeout 5 avahi-browse -rtp _casfs._tcp 2>/dev/null | sed 's/^/BROWSE /' || true
  echo "ROUND"
  rc=0; read -r -t 1 _ || rc=$?
  if [ $rc -ne 0 ] && [ $rc -le 128 ]; then break; fi
done
