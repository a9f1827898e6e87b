"""`keyport exec --mcp` under a real MCP client (issue 14): the official MCP Python SDK's stdio
client starts a stdio MCP server (built with the same SDK) through `keyport exec --mcp`. The
server reads its access token once, at start, and checks it with the stand-in Salesforce on every
tool call; the stand-in's access tokens last 20 seconds and its refresh tokens rotate. For over
a minute every call succeeds, the client initializes once, the answers come from several server
processes (each switch-over brought a fresh one), and no refresh token is spent twice while a
second client of the same connection and a `keyport agent` run beside it. The second client's
entry has no `--mcp`: Keyport tells it is an MCP client from its first request, and its session
too outlives its tokens."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters, stdio_client

from support.standins import Salesforce, connect_with_cli
from support.window import PASSPHRASE, ROOT

STANDIN = "standin_salesforce_mcp"
NAME = "Stand-in CRM for MCP"
LIFETIME = 20  # seconds an access token lasts
SESSION = 75   # seconds each client keeps calling
SERVER = Path(__file__).parent / "support" / "mcp_token_server.py"


@pytest.fixture(scope="module")
def salesforce(keyport, vault):
    with Salesforce(lifetime=LIFETIME, rotate=True) as standin:
        keyport.add_connector(STANDIN, standin.connector(STANDIN, NAME, ["loopback"]))
        env = dict(os.environ, KEYPORT_PASSPHRASE=PASSPHRASE)
        standin.connection = connect_with_cli(keyport, standin, STANDIN, NAME, "e2e-mcp-client", env)
        yield standin


async def calls(keyport, connection, userinfo, seconds, flags):
    """One client session: tool calls for `seconds`, then the careless tool."""
    params = StdioServerParameters(
        command=str(keyport.binary),
        args=["--data-dir", str(keyport.data_dir), "exec", *flags, connection, "--",
              sys.executable, str(SERVER), userinfo],
        env={"KEYPORT_PASSPHRASE": PASSPHRASE, "PATH": os.environ["PATH"]},
    )
    answers, initialized = [], 0
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            initialized += 1
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                started = time.monotonic()
                result = await session.call_tool("whoami", {})
                answers.append((result, time.monotonic() - started))
                await anyio.sleep(0.25)
            leaked = await session.call_tool("leak", {})
    return answers, initialized, leaked


def test_a_session_outlives_its_tokens(keyport, salesforce):
    userinfo = f"{salesforce.base}/services/oauth2/userinfo"
    agent = subprocess.Popen([str(keyport.binary), "--data-dir", str(keyport.data_dir), "agent"],
                             env=dict(os.environ, KEYPORT_PASSPHRASE=PASSPHRASE),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        async def both():
            results = {}

            async def one(name, seconds, flags):
                results[name] = await calls(keyport, salesforce.connection, userinfo, seconds, flags)

            async with anyio.create_task_group() as group:
                group.start_soon(one, "first", SESSION, ["--mcp"])
                group.start_soon(one, "second", SESSION // 2, [])
            return results

        results = anyio.run(both)
    finally:
        agent.send_signal(signal.SIGTERM)
        _, agent_err = agent.communicate(timeout=30)

    timed, initialized, leaked = results["first"]
    answers = [a for a, _ in timed]
    # The figure `make bench` cannot take without a client: the longest a call waited, switch-
    # overs included, beside the median (kept for the note, not asserted: no timed tests).
    took = sorted(t for _, t in timed)
    (ROOT / "target" / "e2e-mcp-calls.txt").write_text(
        f"{len(took)} calls: median {took[len(took) // 2] * 1e3:.1f} ms, longest {took[-1] * 1e3:.1f} ms\n")
    failures = [a for a in answers if a.is_error]
    assert not failures, f"every call succeeds: {failures[:3]}"
    assert initialized == 1
    assert len(answers) > SESSION  # calls went on the whole time
    said = [json.loads(a.content[0].text) for a in answers]
    assert {s["user"] for s in said} == {"e2e@standin.example"}
    servers = [s["pid"] for s in said]
    switches = sum(1 for a, b in zip(servers, servers[1:]) if a != b)
    assert switches >= SESSION // LIFETIME, f"a fresh server took over before each token expired: {servers}"
    assert len(set(servers)) == switches + 1, "no server answered again after it was replaced"

    second, initialized, _ = results["second"]
    assert second and not [a for a, _ in second if a.is_error]
    assert initialized == 1
    pids = [json.loads(a.content[0].text)["pid"] for a, _ in second]
    assert len(set(pids)) >= 2, f"found by its first request, the server was switched too: {pids}"

    # The token a careless server returns reaches the client masked, in a valid message.
    assert leaked.content[0].text == "my token is <concealed by keyport>"

    assert salesforce.reused == [], "no refresh token was spent twice"
    assert salesforce.refreshes and set(salesforce.refreshes) == {"ok"}, salesforce.refreshes
    assert salesforce.userinfo_calls == salesforce.userinfo_ok
    assert agent.returncode == 0, agent_err
