#!/usr/bin/env bash
# `make bench`, the desktop's memory after scheduled work (issue 13): run by scripts/bench.sh
# inside scripts/secret-service.sh, so the app unlocks from its keyring slot after first paint
# and its scheduler runs, as at a person's login. 1,000 API-key connections to a stand-in check
# endpoint on 127.0.0.1 are each checked every minute; the app's resident memory is read after
# first paint, after the first minute (the unlock and the first round of checks) and after
# MINUTES (at least 2) of that work.
set -euo pipefail
app=$1
vault_bench=$2
dir=$3
minutes=$4
n=1000
mkdir -p "$dir"
app_pid=""
server_pid=""
trap '[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null; [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; true' EXIT

# The check endpoint: accepts every key, counts the checks.
python3 - "$dir/port" "$dir/checks" <<'PY' &
import http.server, sys, threading
count = 0
lock = threading.Lock()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        global count
        with lock:
            count += 1
            open(sys.argv[2], "w").write(str(count))
        body = b'{"scopes": ["mail.send"]}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write(str(server.server_address[1]))
server.serve_forever()
PY
server_pid=$!
for _ in $(seq 50); do [ -s "$dir/port" ] && break; sleep 0.1; done
"$vault_bench" desktop-vault "$dir/vault" "$n" "http://127.0.0.1:$(cat "$dir/port")"

rss() { awk '/VmRSS/ {print $2}' "/proc/$app_pid/status"; }
checks() { cat "$dir/checks" 2>/dev/null || echo 0; }
KEYPORT_DATA_DIR="$dir/vault" "$app" >"$dir/app.log" 2>&1 &
app_pid=$!
for _ in $(seq 300); do grep -q ': ready ' "$dir/app.log" && break; sleep 0.1; done
grep -q ': ready ' "$dir/app.log" || { echo "  the app never painted:"; tail -5 "$dir/app.log"; exit 1; }
first=$(rss)
# The first minute: the keyring unlock, the first plan and the first round of checks.
sleep 60
warm=$(rss)
checks_warm=$(checks)
sleep $(((minutes - 1) * 60))
after=$(rss)
checks_after=$(checks)
python3 - "$first" "$warm" "$after" "$checks_warm" "$checks_after" "$minutes" "$n" <<'PY'
import sys
first, warm, after, c0, c1, minutes, n = (float(x) for x in sys.argv[1:])
hours = c1 / n * 15 / 60
print(f"  after first paint {first / 1024:.1f} MiB; after the first minute ({c0:.0f} checks) "
      f"{warm / 1024:.1f} MiB; after {minutes:.0f} min ({c1:.0f} checks = {hours:.2f} h of the "
      f"default 15-minute checks) {after / 1024:.1f} MiB")
growth = (after - warm) / warm * 100
ok = "ok" if growth < 5 else "MISSED"
print(f"  growth from the first minute to the end {growth:+.1f}% (goal: none beyond noise, < 5%: {ok}); "
      f"from first paint {(after - first) / first * 100:+.1f}% (the scheduler's start, the unlock and its HTTP client included)")
if c1 - c0 < n:
    sys.exit(f"  only {c1 - c0:.0f} checks ran after the first minute: the scheduler did not do the work")
PY
