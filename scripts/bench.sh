#!/usr/bin/env bash
# `make bench`: times `keyport catalog list --json` as a whole process (goal < 20 ms) and the
# desktop app from `main` to the Marketplace's first paint (goal < 0.6 s). Run inside
# scripts/headless.sh so the app has a display and a session bus.
set -euo pipefail
bin=${1:-target/release}
runs=${BENCH_RUNS:-15}
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT

echo "== keyport catalog list --json (whole process)"
hyperfine --warmup 5 --runs 100 --export-json "$data/cli.json" \
  "$bin/keyport --data-dir $data catalog list --json" >/dev/null
python3 - "$data/cli.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"  mean {r['mean']*1e3:.2f} ms  median {r['median']*1e3:.2f} ms  min {r['min']*1e3:.2f} ms  (goal < 20 ms)")
PY

echo "== desktop start to first paint of the Marketplace ($runs runs)"
times=()
for _ in $(seq "$runs"); do
  line=$(KEYPORT_EXIT_AFTER_PAINT=1 KEYPORT_DATA_DIR="$data" timeout 30 "$bin/keyport-desktop" 2>&1 | grep -o 'first paint [0-9.]* ms' || true)
  [ -n "$line" ] && times+=("$(echo "$line" | awk '{print $3}')")
done
printf '%s\n' "${times[@]}" | python3 -c '
import statistics, sys
t = [float(x) for x in sys.stdin.read().split()]
if not t:
    sys.exit("  no run reported a first paint")
print(f"  median {statistics.median(t):.0f} ms  min {min(t):.0f} ms  max {max(t):.0f} ms  over {len(t)} runs  (goal < 600 ms)")
'
