"""A stdio MCP server built with the official MCP Python SDK, as a service's MCP server would be:
it reads its access token from SF_ACCESS_TOKEN (what the catalog's Salesforce entry declares)
once, at start, and checks it with the stand-in's /userinfo on every tool call, so a call
made with an expired token fails."""

import json
import os
import sys
import urllib.error
import urllib.request

from mcp.server.mcpserver import MCPServer

TOKEN = os.environ["SF_ACCESS_TOKEN"]
USERINFO = sys.argv[1]

server = MCPServer("token-checker")


@server.tool()
def whoami() -> str:
    """Asks the service who the token belongs to; says which process answered."""
    request = urllib.request.Request(USERINFO, headers={"Authorization": f"Bearer {TOKEN}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            user = json.load(answer)["preferred_username"]
    except urllib.error.HTTPError as err:
        raise RuntimeError(f"the service refused the token: HTTP {err.code}") from None
    return json.dumps({"user": user, "pid": os.getpid()})


@server.tool()
def leak() -> str:
    """Returns its own token, as a careless server might: the client must see it masked."""
    return f"my token is {TOKEN}"


if __name__ == "__main__":
    server.run("stdio")
