"""A connection's "Use with" panel (issue 14): in a HOME of its own holding a Claude Desktop
config and a Cursor config whose server has a key written in plain text, the panel lists both
clients, shows the diff of the entry Keyport would add to Claude Desktop, and Add writes it (a
valid file that runs `keyport exec --mcp` by its absolute path, with no secret). The plain-text
key shows as a finding without its value, in the page and in every IPC answer; Fix checks it
with the stand-in service, stores it in the vault, and the Cursor file no longer holds it.
Then each row says which AI tools use it and the Delete confirm names them; Settings › AI tools
lists every client Found or Not found with its Keyport entries, and Remove shows the diff, then
takes the entry out (the file still parses, holds no secret, and a backup is kept); the wizard's
Done step offers Use with AI tools…, which opens the dialog for the new connection."""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from selenium.webdriver.common.keys import Keys

from support.standins import SendGrid
from support.window import PASSPHRASE

IDENT = "standin_mail"
NAME = "Mail (e2e)"
# The stand-in's key, found in plain text in Cursor's file. Not a SendGrid-shaped `SG.` key:
# that prefix names the built-in SendGrid, whose check would go to the real service; a variable
# only this connector declares names the stand-in instead.
KEY = "e2e-mail-key-7f3a9c2d41b8"
VARIABLE = "E2E_MAIL_KEY"
# The connection's own key (stored unchecked; the panel needs no secret of it).
OWN_KEY = "e2e-mail-own-key-0b9e4d"
SERVER = "mail"
SERVER_ARGS = ["-y", "e2e-mail-mcp"]


@pytest.fixture(scope="module")
def home():
    path = Path(tempfile.mkdtemp(prefix="keyport-e2e-home-"))
    claude = path / ".config" / "Claude" / "claude_desktop_config.json"
    claude.parent.mkdir(parents=True)
    claude.write_text(json.dumps({"mcpServers": {"filesystem": {
        "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", str(path)]}}}, indent=2))
    cursor = path / ".cursor" / "mcp.json"
    cursor.parent.mkdir(parents=True)
    cursor.write_text(json.dumps({"mcpServers": {SERVER: {
        "command": "npx", "args": SERVER_ARGS, "env": {VARIABLE: KEY}}}}, indent=2))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def app_env(data_dir, home):
    """The app sees the test's HOME: the clients' files are read and written there."""
    return dict(os.environ, KEYPORT_DATA_DIR=str(data_dir), HOME=str(home))


@pytest.fixture(scope="module")
def mail(keyport):
    with SendGrid() as standin:
        standin.GOOD_KEY = KEY
        toml = standin.connector(IDENT, "Stand-in Mail").replace(
            'name = "SENDGRID_API_KEY"', f'name = "{VARIABLE}"')
        assert f'name = "{VARIABLE}"' in toml, "the stand-in declares its own variable"
        toml += (
            "\n[[mcp_servers]]\n"
            f'name = "{SERVER}"\n'
            'command = "npx"\n'
            f"args = {json.dumps(SERVER_ARGS)}\n"
            f'env = ["{VARIABLE}"]\n'
            'readme = "https://example.com/e2e-mail-mcp"\n'
        )
        keyport.add_connector(IDENT, toml)
        yield standin


@pytest.fixture(scope="module")
def connection_id(keyport, vault, mail):
    env = dict(os.environ, KEYPORT_PASSPHRASE=PASSPHRASE)
    made = subprocess.run([str(keyport.binary), "--data-dir", str(keyport.data_dir), "connect", IDENT,
                           "--name", NAME, "--api-key-stdin", "--no-verify"],
                          input=OWN_KEY, capture_output=True, text=True, timeout=60, env=env)
    assert made.returncode == 0, made.stderr
    return json.loads(keyport.run("connections", "list", "--json").stdout)[0]["id"]


@pytest.fixture(scope="module")
def window(launch, connection_id):
    return launch()


DIALOG = '[data-testid="use-with-dialog"]'


def client(ident):
    return f'{DIALOG} [data-testid="use-with-client"][data-client="{ident}"]'


def test_the_panel_lists_the_clients_found_here(window, connection_id):
    window.unlock()
    window.click('[data-testid="nav-connections"]')
    window.wait(f'[data-testid="connection-row"][data-connection-id="{connection_id}"] [data-testid="use-with"]',
                what="the row's Use with button")[0].click()
    window.wait(DIALOG, what="the Use with dialog")
    found = window.wait(f'{DIALOG} [data-testid="use-with-client"]', lambda els: len(els) == 2,
                        what="the two clients found in the test's HOME")
    assert [c.get_dom_attribute("data-client") for c in found] == ["claude-desktop", "cursor"]
    assert "Not set up for this connection" in window.content(window.find(client("cursor"))), \
        "Cursor's file does not run this connection yet"
    missing = window.content(window.find('[data-testid="use-with-not-found"]'))
    for name in ("Claude Code", "VS Code", "Windsurf", "Codex"):
        assert name in missing, f"{name} is listed as not found"
    a11y = window.js(
        "const d = document.querySelector(arguments[0]);"
        "return [d.getAttribute('role'), d.getAttribute('aria-modal'),"
        " document.getElementById(d.getAttribute('aria-labelledby')).textContent];", DIALOG)
    assert a11y == ["dialog", "true", f"Use {NAME} with an AI tool"], a11y
    assert window.focus_moves_to("use-with-title"), "focus starts on the dialog's title"
    window.screenshot("use-with-clients.png")


def test_choosing_a_client_shows_the_diff(window, connection_id, keyport):
    window.click(client("claude-desktop"))
    diff = window.wait(f'{DIALOG} [data-testid="use-with-diff"]', what="the diff of the entry")[0]
    text = window.content(diff)
    assert f'"{SERVER}"' in text and '"--mcp"' in text and f'"{connection_id}"' in text, text
    assert str(keyport.binary.resolve()) in text, "the entry runs keyport by its absolute path"
    added = window.all(f'{DIALOG} [data-testid="use-with-diff"] .diff-add')
    assert added, "added lines are marked"
    window.screenshot("use-with-diff.png")


def test_add_writes_the_entry(window, connection_id, keyport, home):
    window.click(f'{DIALOG} [data-testid="use-with-add-button"]')
    done = window.wait(f'{DIALOG} [data-testid="use-with-added"]', what="the Add's result line")[0]
    path = home / ".config" / "Claude" / "claude_desktop_config.json"
    assert f"Added {SERVER} in {path}" in window.content(done)
    text = path.read_text()
    servers = json.loads(text)["mcpServers"]
    assert servers[SERVER] == {
        "command": str(keyport.binary.resolve()),
        "args": ["exec", "--mcp", connection_id, "--", "npx", *SERVER_ARGS],
    }, servers[SERVER]
    assert "filesystem" in servers, "the other entry is kept"
    assert KEY not in text and OWN_KEY not in text, "the file holds no secret"
    backups = list(path.parent.glob("claude_desktop_config.json.keyport-backup-*"))
    assert len(backups) == 1, "a backup of the old file is kept"
    window.wait(client("claude-desktop"), lambda els: bool(els) and els[0].get_dom_attribute("data-configured") == "true",
                what="Claude Desktop to run this connection")
    assert f"Runs this connection as {SERVER}" in window.content(window.find(client("claude-desktop")))
    window.wait(f'{DIALOG} [data-testid="use-with-add-button"][aria-disabled="true"]', what="nothing more to add")
    window.screenshot("use-with-added.png")


def test_the_plain_text_key_shows_without_its_value(window, home):
    findings = window.wait(f'{DIALOG} [data-testid="use-with-finding"]', what="the finding in Cursor's file")
    assert len(findings) == 1
    text = window.content(findings[0])
    assert f"env {VARIABLE}" in text and SERVER in text and str(home / ".cursor" / "mcp.json") in text, text
    assert "Cursor" in text
    assert not window.leaks(KEY), "the key is nowhere in the page"
    window.no_answer_holds(0, [KEY, OWN_KEY], {"mcp_use_with", "mcp_plan", "mcp_add"}, "a key")
    window.find(f'{DIALOG} [data-testid="use-with-secrets"]').location_once_scrolled_into_view
    window.screenshot("use-with-finding.png")


def test_fix_moves_it_into_the_vault(window, keyport, home, mail):
    window.click(f'{DIALOG} [data-testid="use-with-fix"]')
    result = window.wait(f'{DIALOG} [data-testid="use-with-fixed"] li', timeout=30, what="the Fix's result")[0]
    assert window.content(result).startswith("Moved "), window.content(result)
    assert "checked with the service" in window.content(result)
    window.wait(f'{DIALOG} [data-testid="use-with-no-findings"]', what="no finding left")
    assert "good" in mail.seen, "the key was checked with the stand-in before it was stored"
    text = (home / ".cursor" / "mcp.json").read_text()
    assert KEY not in text, "Cursor's file no longer holds the key"
    entry = json.loads(text)["mcpServers"][SERVER]
    moved = [c for c in json.loads(keyport.run("connections", "list", "--json").stdout) if c["name"] != NAME]
    assert len(moved) == 1, f"the key is a connection of its own ({moved})"
    assert entry["args"][:3] == ["exec", "--mcp", moved[0]["id"]], entry
    assert VARIABLE not in entry.get("env", {}), entry
    assert not window.leaks(KEY)
    window.no_answer_holds(0, [KEY, OWN_KEY], {"mcp_fix"}, "a key")
    window.screenshot("use-with-fixed.png")


def test_esc_closes_and_focus_returns_to_the_row(window, connection_id):
    window.key(Keys.ESCAPE)
    window.wait_gone(DIALOG, what="the dialog to close on Esc")
    button = f'[data-testid="connection-row"][data-connection-id="{connection_id}"] [data-testid="use-with"]'
    window.until(lambda: window.has_focus(window.find(button)), what="focus back on the row's Use with")


def row(connection_id):
    return f'[data-testid="connection-row"][data-connection-id="{connection_id}"]'


def test_each_row_says_which_ai_tools_use_it(window, connection_id, keyport):
    moved = [c for c in json.loads(keyport.run("connections", "list", "--json").stdout) if c["name"] != NAME]
    window.wait(f'{row(connection_id)} [data-testid="used-by"]',
                lambda els: bool(els) and window.content(els[0]) == "Used by Claude Desktop",
                what="the row to say Claude Desktop uses it")
    window.wait(f'{row(moved[0]["id"])} [data-testid="used-by"]',
                lambda els: bool(els) and window.content(els[0]) == "Used by Cursor",
                what="the fixed key's row to say Cursor uses it")
    window.no_answer_holds(0, [KEY, OWN_KEY], {"mcp_used_by"}, "a key")
    window.screenshot("ai-tools-rows.png")


def test_the_delete_confirm_names_the_tools_that_stop_working(window, connection_id):
    window.click(f'{row(connection_id)} [data-testid="delete"]')
    text = window.content(window.wait('[data-testid="delete-dialog"] [data-testid="delete-text"]',
                                      what="the delete confirm")[0])
    assert "Claude Desktop uses it and stops working." in text, text
    assert "stays valid at Stand-in Mail until you revoke it there" in text, \
        f"an API key is not revoked by Keyport, and the confirm says so ({text!r})"
    window.screenshot("ai-tools-delete-confirm.png")
    window.key(Keys.ESCAPE)
    window.wait_gone('[data-testid="delete-dialog"]', what="the confirm to close on Esc")
    assert window.all(row(connection_id)), "nothing was deleted"


SECTION = '[data-testid="settings-ai-tools"]'


def tool(ident):
    return f'{SECTION} [data-testid="ai-tool"][data-client="{ident}"]'


def test_settings_lists_every_ai_tool_found_or_not(window, home):
    window.click('[data-testid="nav-settings"]')
    window.wait(f'{SECTION} [data-testid="ai-tool"]', lambda els: len(els) == 6, what="the six AI tools")
    for ident in ("claude-desktop", "cursor"):
        assert window.find(tool(ident)).get_dom_attribute("data-found") == "true", ident
        assert window.content(window.find(f'{tool(ident)} [data-testid="ai-tool-state"]')) == "Found"
    for ident in ("claude-code", "vscode", "windsurf", "codex"):
        assert window.find(tool(ident)).get_dom_attribute("data-found") == "false", ident
        assert window.content(window.find(f'{tool(ident)} [data-testid="ai-tool-state"]')) == "Not found"
    path = window.content(window.find(f'{tool("claude-desktop")} [data-testid="ai-tool-path"]'))
    assert path == str(home / ".config" / "Claude" / "claude_desktop_config.json"), path
    entry = window.content(window.find(f'{tool("claude-desktop")} [data-testid="ai-tool-entry"]'))
    assert f"{SERVER} runs {NAME}" in entry, entry
    assert window.all(f'{tool("cursor")} [data-testid="ai-tool-entry"][data-server="{SERVER}"]'), \
        "Cursor's fixed entry runs through keyport"
    assert window.all(f'{SECTION} [data-testid="ai-tools-no-secrets"]'), "no plain-text secret is left"
    assert not window.leaks(KEY) and not window.leaks(OWN_KEY)
    window.no_answer_holds(0, [KEY, OWN_KEY], {"mcp_ai_tools"}, "a key")
    window.find(SECTION).location_once_scrolled_into_view
    window.screenshot("ai-tools-settings.png")


def test_esc_cancels_a_remove_and_focus_returns_to_its_button(window, home):
    path = home / ".cursor" / "mcp.json"
    before = path.read_text()
    button = f'{tool("cursor")} [data-testid="ai-tool-entry"][data-server="{SERVER}"] [data-testid="ai-tool-remove"]'
    window.click(button)
    window.wait('[data-testid="ai-tool-remove-dialog"] [data-testid="ai-tool-remove-diff"]',
                what="the Remove dialog's diff")
    a11y = window.js(
        "const d = document.querySelector('[data-testid=\"ai-tool-remove-dialog\"]');"
        "return [d.getAttribute('role'), d.getAttribute('aria-modal'),"
        " document.getElementById(d.getAttribute('aria-labelledby')).textContent];")
    assert a11y == ["dialog", "true", f"Remove {SERVER} from Cursor?"], a11y
    assert window.find('[data-testid="settings"]').get_dom_attribute("inert") is not None, \
        "the page behind the dialog is inert"
    window.key(Keys.ESCAPE)
    window.wait_gone('[data-testid="ai-tool-remove-dialog"]', what="the dialog to close on Esc")
    window.until(lambda: window.has_focus(window.find(button)), what="focus back on the Remove button")
    assert path.read_text() == before, "a cancelled Remove writes nothing"


def test_remove_shows_the_diff_then_takes_the_entry_out(window, connection_id, home):
    path = home / ".config" / "Claude" / "claude_desktop_config.json"
    window.click(f'{tool("claude-desktop")} [data-testid="ai-tool-remove"]')
    dialog = '[data-testid="ai-tool-remove-dialog"]'
    window.wait(dialog, what="the Remove dialog")
    assert window.focus_moves_to("ai-tool-remove-title"), "focus starts on the dialog's title"
    diff = window.wait(f'{dialog} [data-testid="ai-tool-remove-diff"]', what="the diff of the removal")[0]
    removed = "".join(window.content(d) for d in window.all(f'{dialog} .diff-del'))
    assert f'"{SERVER}"' in removed and connection_id in removed, window.content(diff)
    assert not window.all(f'{dialog} .diff-add'), "a removal adds nothing"
    window.screenshot("ai-tools-remove-diff.png")

    # The entry changes after the diff was shown: Remove is refused and nothing is written; the
    # dialog shows the change as it is now, and Remove then makes that one.
    doc = json.loads(path.read_text())
    doc["mcpServers"][SERVER]["args"].append("--changed-meanwhile")
    path.write_text(json.dumps(doc, indent=2))
    before = path.read_text()
    window.click(f'{dialog} [data-testid="ai-tool-remove-confirm"]')
    refused = window.wait(f'{dialog} [data-testid="form-error"]', what="the refusal")[0]
    assert refused.get_dom_attribute("data-code") == "mcp.changed", window.content(refused)
    assert path.read_text() == before, "a file changed since the diff is not written"
    window.wait(f'{dialog} [data-testid="ai-tool-remove-diff"]',
                lambda els: bool(els) and "--changed-meanwhile" in window.content(els[0]),
                what="the diff read again")

    window.click(f'{dialog} [data-testid="ai-tool-remove-confirm"]')
    window.wait_gone(dialog, what="the dialog to close once removed")
    done = window.wait(f'{SECTION} [data-testid="ai-tool-removed"]', what="the Remove's result line")[0]
    assert f"Removed {SERVER} from {path}" in window.content(done)
    text = path.read_text()
    servers = json.loads(text)["mcpServers"]
    assert SERVER not in servers and "filesystem" in servers, servers
    assert KEY not in text and OWN_KEY not in text
    backups = list(path.parent.glob("claude_desktop_config.json.keyport-backup-*"))
    assert len(backups) == 2, "the Add's backup and the Remove's"
    assert any(b.read_text() == before for b in backups), "the file before the removal is kept"
    window.wait(f'{tool("claude-desktop")} [data-testid="ai-tool-entry"]', lambda els: not els,
                what="the entry gone from the list")
    window.no_answer_holds(0, [KEY, OWN_KEY], {"mcp_remove_plan", "mcp_remove"}, "a key")

    # Connections is where a connection is added to a tool; its row no longer names Claude Desktop.
    window.click(f'{SECTION} [data-testid="ai-tools-open-connections"]')
    window.wait(row(connection_id), what="the Connections page")
    window.until(lambda: not window.all(f'{row(connection_id)} [data-testid="used-by"]'),
                 what="the row to say no AI tool uses it")


def test_fix_all_moves_a_plain_text_key_found_in_settings(window, home, keyport, mail):
    windsurf = home / ".codeium" / "windsurf" / "mcp_config.json"
    windsurf.parent.mkdir(parents=True)
    windsurf.write_text(json.dumps({"mcpServers": {SERVER: {
        "command": "npx", "args": SERVER_ARGS, "env": {VARIABLE: KEY}}}}, indent=2))
    # The section reads the files each time Settings shows.
    window.click('[data-testid="nav-settings"]')
    window.wait(tool("windsurf"), lambda els: bool(els) and els[0].get_dom_attribute("data-found") == "true",
                what="Windsurf found once its file exists")
    assert window.content(window.find(f'{tool("windsurf")} [data-testid="ai-tool-secrets"]')) \
        == "1 plain-text secret in this file"
    count = window.content(window.find(f'{SECTION} [data-testid="ai-tools-secret-count"]'))
    assert count.startswith("1 credential in plain text."), count
    assert not window.leaks(KEY), "the key is nowhere in the page"
    window.find(f'{tool("windsurf")}').location_once_scrolled_into_view
    window.screenshot("ai-tools-secret-found.png")
    before = len(json.loads(keyport.run("connections", "list", "--json").stdout))
    window.click(f'{SECTION} [data-testid="ai-tools-fix-all"]')
    result = window.wait(f'{SECTION} [data-testid="ai-tools-fixed"] li', timeout=30, what="the Fix all's result")[0]
    assert window.content(result).startswith("Moved "), window.content(result)
    window.wait(f'{SECTION} [data-testid="ai-tools-no-secrets"]', what="no plain-text secret left")
    assert KEY not in windsurf.read_text(), "Windsurf's file no longer holds the key"
    assert len(json.loads(keyport.run("connections", "list", "--json").stdout)) == before + 1
    assert window.all(f'{tool("windsurf")} [data-testid="ai-tool-entry"][data-server="{SERVER}"]'), \
        "the entry now runs through keyport"
    assert not window.leaks(KEY)
    window.no_answer_holds(0, [KEY, OWN_KEY], {"mcp_fix", "mcp_ai_tools"}, "a key")


def test_the_done_step_offers_use_with_ai_tools(window, keyport):
    window.open_connect_dialog(IDENT)
    window.field("secret").send_keys(KEY)
    window.click('[data-testid="connect-submit"]')
    done = window.wait('[data-testid="connect-done"]', timeout=30, what="the Done step")[0]
    new_id = done.get_dom_attribute("data-connection-id")
    buttons = [b.get_dom_attribute("data-testid") for b in window.all('[data-testid="connect-dialog"] footer button')]
    assert buttons == ["done-use-with", "connect-another", "open-connection"], buttons
    assert window.content(window.find('[data-testid="done-use-with"]')) == "Use with AI tools…"
    assert not window.leaks(KEY)
    window.screenshot("ai-tools-done-step.png")
    window.click('[data-testid="done-use-with"]')
    window.wait(f'{DIALOG}[data-connection-id="{new_id}"]', timeout=30,
                what="the new connection's Use with dialog")
    window.wait_gone('[data-testid="connect-dialog"]', what="the wizard to close")
    window.screenshot("ai-tools-done-use-with.png")
    window.key(Keys.ESCAPE)
    window.wait_gone(DIALOG, what="the dialog to close on Esc")
