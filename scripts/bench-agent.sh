#!/usr/bin/env bash
# `make bench`, the scheduler's part (issue 13): the idle cost of `keyport agent` holding 1,000
# scheduled connections (goal: under 0.1% of one core over 60 s), and its resident memory.
# The connections are seeded through the library (benches/vault.rs `seed`) and marked checked a
# moment ago, so every job is due later and the agent only sleeps, renews its lease and re-reads
# the clock, as it would on a quiet machine.
set -euo pipefail
bin=${1:-target/release}
n=${AGENT_BENCH_CONNECTIONS:-1000}
window=${AGENT_BENCH_SECONDS:-60}
scripts=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$scripts")
data=$(mktemp -d)
agent=""
trap '[ -n "$agent" ] && kill "$agent" 2>/dev/null; rm -rf "$data"' EXIT

echo "== keyport agent idle with $n scheduled connections"
"${CARGO:-cargo}" bench --manifest-path "$root/Cargo.toml" -p keyport --bench vault --no-run \
  --message-format=json >"$data/build.json" 2>"$data/build.log" || { cat "$data/build.log" >&2; exit 1; }
vault_bench=$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    try: m = json.loads(line)
    except ValueError: continue
    if m.get("target", {}).get("name") == "vault" and m.get("executable"): print(m["executable"])
' "$data/build.json" | tail -1)
"$vault_bench" seed "$data/vault" "$n" | grep seeded
# Checked a moment ago: the first checks fall due in 15 minutes, not during the window.
python3 - "$data/vault/vault.db" <<'PY'
import sqlite3, sys, datetime
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE connections SET health_status = 'healthy', last_health_check = ?", (now,))
db.commit()
PY
KEYPORT_PASSPHRASE="correct horse battery staple" "$bin/keyport" --data-dir "$data/vault" agent \
  2>"$data/agent.err" &
agent=$!
# Let it unlock (one PBKDF2) and plan every job before the window opens.
for _ in $(seq 100); do
  "$bin/keyport" --data-dir "$data/vault" jobs status --json 2>/dev/null | grep -q '"host":{' && break
  sleep 0.2
done
sleep 3
ticks() { awk '{print $14 + $15}' "/proc/$agent/stat"; }
hz=$(getconf CLK_TCK)
before=$(ticks)
sleep "$window"
after=$(ticks)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$agent/status")
jobs=$("$bin/keyport" --data-dir "$data/vault" jobs status --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["jobs"]))')
python3 - "$before" "$after" "$hz" "$window" "$rss" "$jobs" <<'PY'
import sys
before, after, hz, window, rss, jobs = (float(x) for x in sys.argv[1:])
cpu = (after - before) / hz
share = cpu / window * 100
ok = "ok" if share < 0.1 else "MISSED"
print(f"  {int(jobs)} jobs scheduled; CPU {cpu:.3f} s over {window:.0f} s = {share:.3f}% of one core "
      f"(goal < 0.1%: {ok}); resident memory {rss / 1024:.1f} MiB")
PY
