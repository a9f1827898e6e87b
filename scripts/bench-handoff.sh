#!/usr/bin/env bash
# Part of `make bench`, run inside scripts/secret-service.sh: `keyport token` and
# `keyport exec -- true` end to end, unlocking through the vault's keyring slot as an MCP client's
# helper does (goal < 20 ms each), beside libsecret's own `secret-tool lookup` (one secret from
# the same Secret Service: the floor for anything that keeps its key there), in the same run.
# usage: bench-handoff.sh BIN_DIR DATA_DIR
set -euo pipefail
bin=$1
data=$2
mkdir -p -m 700 "$data"
KEYPORT_PASSPHRASE=bench-handoff-passphrase "$bin/keyport" --data-dir "$data" vault init >/dev/null
id=$(printf 'sk_test_51BenchHandOffKey0123456789' |
  KEYPORT_PASSPHRASE=bench-handoff-passphrase "$bin/keyport" --data-dir "$data" connect stripe --api-key-stdin --no-verify |
  grep -o '([0-9a-f-]\{36\})' | tr -d '()')
commands=("$bin/keyport --data-dir $data token $id" "$bin/keyport --data-dir $data exec $id -- true")
if command -v secret-tool >/dev/null; then
  printf 'reference value' | secret-tool store --label='keyport bench' keyport-bench reference
  commands+=("secret-tool lookup keyport-bench reference")
fi
# Python's `keyring get` (the E2E venv's keyring, SecretStorage backend), when make bench made it.
py=$(dirname "$0")/../target/e2e-venv/bin/python
if "$py" -c 'import keyring' 2>/dev/null; then
  printf 'reference value' | "$py" -m keyring set keyport-bench-python reference
  commands+=("$py -m keyring get keyport-bench-python reference")
fi
hyperfine -N --warmup 3 --runs 30 --export-json "$data/handoff.json" "${commands[@]}" >/dev/null
python3 - "$data/handoff.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    name = r["command"].split(" -- ")[0].split()
    if name[0] == "secret-tool":
        what, goal = "secret-tool lookup (reference)", ""
    elif name[1:3] == ["-m", "keyring"]:
        what, goal = "Python's keyring get (reference)", ""
    else:
        what = " ".join(["keyport", name[3]] + (["-- true"] if name[3] == "exec" else []))
        goal = f"  (goal < 20 ms: {'ok' if r['median'] < 0.020 else 'MISSED'})"
    print(f"  {what}: mean {r['mean']*1e3:.1f} ms  median {r['median']*1e3:.1f} ms  min {r['min']*1e3:.1f} ms{goal}")
PY
