#!/usr/bin/env bash
# `make run`: starts the desktop app. With no display it runs under Xvfb, saves a screenshot of
# the Marketplace to target/screenshots/marketplace.png, says so, and keeps running.
set -euo pipefail
if [ "${1:-}" != --headless ]; then
  app=$1
  if [ -n "${DISPLAY:-}" ]; then
    [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || exec dbus-run-session -- "$app"
    exec "$app"
  fi
  exec "$(dirname "$0")/headless.sh" "$0" --headless "$app"
fi
app=$2
mkdir -p target/screenshots
log=$(mktemp)
"$app" 2> >(tee "$log" >&2) &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 300); do
  grep -q ": ready " "$log" && break
  kill -0 "$pid" 2>/dev/null || { echo "keyport-desktop exited early" >&2; exit 1; }
  sleep 0.1
done
sleep 0.5
import -window root target/screenshots/marketplace.png
echo
echo "Keyport is running headless on display $DISPLAY (no DISPLAY was set)."
echo "A screenshot of the Marketplace is in target/screenshots/marketplace.png."
echo "Press Ctrl+C to stop."
wait "$pid"
