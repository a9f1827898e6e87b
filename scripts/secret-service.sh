#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring Secret Service,
# so the vault's keyring slot is tested against the real thing (TOOLCHAIN.md). The keyring's
# files live in a throwaway data dir (HOME stays: cargo and rustup live there).
set -euo pipefail
if [ -z "${KEYPORT_IN_SECRET_SESSION:-}" ]; then
  export KEYPORT_IN_SECRET_SESSION=1
  exec dbus-run-session -- "$0" "$@"
fi
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export XDG_DATA_HOME="$home"
mkdir -p "$XDG_DATA_HOME/keyrings"
eval "$(echo -n "keyport-test-login" | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null
export KEYPORT_TEST_SECRET_SERVICE=1
"$@"
