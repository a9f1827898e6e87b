#!/usr/bin/env bash
# Builds a Yew page (ui/, or the floor's benches/floor/ui/) into its dist/ folder, which the Tauri
# shell embeds: the wasm in the `ui-release` profile, wasm-bindgen's ES-module glue, binaryen's
# `wasm-opt -Oz`, the page's stylesheets, and its index.html, which links them by name. This is
# what `trunk build --release` did; trunk itself took some 400 crates and a quarter of an hour to
# install on a fresh 2-core machine, for a job of four commands.
#   scripts/build-page.sh PAGE_DIR BIN   (wasm-bindgen and wasm-opt on PATH; the Makefile's `ui`)
set -euo pipefail
page=$1
bin=$2
cd "$page"

# The wasm-bindgen CLI must match the library the lock file pins, or its glue does not fit.
cargo build --quiet --target wasm32-unknown-unknown --profile ui-release --bin "$bin"
target_dir=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')

# Built aside and swapped in whole, so a failed build never leaves half a page in dist/.
next=$(mktemp -d "$target_dir/page.XXXXXX")
trap 'rm -rf "$next"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$next" --out-name "$bin" \
  "$target_dir/wasm32-unknown-unknown/ui-release/$bin.wasm"
wasm-opt -Oz --output "$next/${bin}_bg.wasm" "$next/${bin}_bg.wasm"
cp index.html ./*.css "$next/"
# Every file index.html names must be there: a typo would otherwise be a blank window.
for name in $(grep -o '="/[^"]*"' index.html | tr -d '="/'); do
  [ -f "$next/$name" ] || { echo "build-page: index.html names $name, which the build did not make" >&2; exit 1; }
done
chmod 755 "$next"
rm -rf dist
mv "$next" dist
trap - EXIT
