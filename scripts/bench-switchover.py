"""Part of `make bench` (issue 14): the pause an MCP client sees while `keyport exec --mcp` switches
its server over to a fresh token. The official MCP Python SDK's stdio client calls a tool every
50 ms through `keyport exec --mcp` for SECONDS; the server (the E2E's token checker) checks its
token with the stand-in Salesforce, whose access tokens last LIFETIME seconds, so the server is
replaced every few seconds. Printed: the server's own start (spawn to `initialize` answered,
without Keyport), the median call, and the longest call around each switch-over.
Goal: the longest such call under the server's own start + 100 ms.

usage: bench-switchover.py KEYPORT_BINARY"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio
from mcp import ClientSession, StdioServerParameters, stdio_client

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from support.keyport import Keyport  # noqa: E402
from support.standins import Salesforce, connect_with_cli  # noqa: E402

SERVER = ROOT / "tests" / "e2e" / "support" / "mcp_token_server.py"
PASSPHRASE = "bench-switchover-passphrase"
LIFETIME = 8  # seconds an access token lasts
SECONDS = 40  # how long the client keeps calling
STARTS = 5  # timed starts of the bare server


async def server_start(token, userinfo):
    """Seconds from spawning the bare server to its answer to `initialize`."""
    params = StdioServerParameters(command=sys.executable, args=[str(SERVER), userinfo],
                                   env={"SF_ACCESS_TOKEN": token, "PATH": os.environ["PATH"]})
    started = time.monotonic()
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            return time.monotonic() - started


async def session_calls(keyport, connection, userinfo):
    """(seconds, pid) of every call of one session through `keyport exec --mcp`."""
    params = StdioServerParameters(
        command=str(keyport.binary),
        args=["--data-dir", str(keyport.data_dir), "exec", "--mcp", connection, "--",
              sys.executable, str(SERVER), userinfo],
        env={"KEYPORT_PASSPHRASE": PASSPHRASE, "PATH": os.environ["PATH"]},
    )
    calls = []
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            deadline = time.monotonic() + SECONDS
            while time.monotonic() < deadline:
                started = time.monotonic()
                result = await session.call_tool("whoami", {})
                took = time.monotonic() - started
                if result.is_error:
                    raise SystemExit(f"a call failed: {result.content[0].text}")
                calls.append((took, json.loads(result.content[0].text)["pid"]))
                await anyio.sleep(0.05)
    return calls


def main():
    binary = Path(sys.argv[1]).resolve()
    with tempfile.TemporaryDirectory(prefix="keyport-bench-switch-") as tmp:
        data = Path(tmp) / "data"
        data.mkdir(mode=0o700)
        keyport = Keyport(binary, data)
        keyport.init_vault(PASSPHRASE)
        env = dict(os.environ, KEYPORT_PASSPHRASE=PASSPHRASE)
        with Salesforce(lifetime=LIFETIME, rotate=True) as standin:
            keyport.add_connector("standin_salesforce_bench", standin.connector(
                "standin_salesforce_bench", "Stand-in CRM for the bench", ["loopback"]))
            connection = connect_with_cli(keyport, standin, "standin_salesforce_bench",
                                          "Stand-in CRM for the bench", "bench-client", env)
            userinfo = f"{standin.base}/services/oauth2/userinfo"
            token = subprocess.run([str(binary), "--data-dir", str(data), "token", connection],
                                   env=env, capture_output=True, text=True, check=True).stdout.strip()
            starts = [anyio.run(server_start, token, userinfo) for _ in range(STARTS)]
            calls = anyio.run(session_calls, keyport, connection, userinfo)
    start = statistics.median(starts)
    took = [t for t, _ in calls]
    # A switch-over's calls: the first answered by the new server and the two before it (the
    # old server answers while the new one is brought up).
    around = []
    for i in range(1, len(calls)):
        if calls[i][1] != calls[i - 1][1]:
            around.append(max(took[max(0, i - 2):i + 1]))
    if not around:
        raise SystemExit("no switch-over happened: the token outlived the run")
    longest = max(around)
    goal = start + 0.100
    print(f"  server's own start: median {start * 1e3:.1f} ms of {STARTS}")
    slowest = max(range(len(took)), key=took.__getitem__)
    print(f"  {len(calls)} calls: median {statistics.median(took) * 1e3:.1f} ms, "
          f"longest {took[slowest] * 1e3:.1f} ms (call {slowest + 1}); "
          f"{len(around)} switch-overs, the longest call around one {longest * 1e3:.1f} ms "
          f"(goal < {goal * 1e3:.0f} ms: {'ok' if longest < goal else 'MISSED'})")


if __name__ == "__main__":
    main()
