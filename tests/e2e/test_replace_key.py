"""A revoked API key replaced in place (issue 13): a key the stand-in SendGrid refuses is found by
the app's own scheduler, the row then needs reconnecting, and its Reconnect opens the connect
dialog for that connection. A key the service also refuses stays refused at its field; the right
one is checked, then stored in the same connection (same id and name, no second row). Neither
key reaches the page."""

import json
import os
import subprocess

import pytest

from support.standins import SendGrid
from support.window import PASSPHRASE

IDENT = SendGrid.IDENT
NAME = "Mail (production)"


@pytest.fixture(scope="module")
def connection_id(keyport, vault, sendgrid):
    env = dict(os.environ, KEYPORT_PASSPHRASE=PASSPHRASE)
    # Stored unchecked: the service has revoked this key.
    made = subprocess_run(keyport, ["connect", IDENT, "--name", NAME, "--api-key-stdin", "--no-verify"],
                          SendGrid.WRONG_KEY, env)
    assert made.returncode == 0, made.stderr
    ident = json.loads(keyport.run("connections", "list", "--json").stdout)[0]["id"]
    # Checked every minute, so the app's scheduler checks it within seconds of the unlock.
    interval = keyport.run("connections", "set", ident, "--health-interval", "1", env=env)
    assert interval.returncode == 0, interval.stderr
    return ident


def subprocess_run(keyport, args, stdin, env):
    """`keyport ARGS` with `stdin` fed in (a key is read from stdin, never from the command line)."""
    return subprocess.run([str(keyport.binary), "--data-dir", str(keyport.data_dir), *args],
                          input=stdin, capture_output=True, text=True, timeout=60, env=env)


@pytest.fixture(scope="module")
def window(launch, connection_id):
    return launch()


def row(ident):
    return f'[data-testid="connection-row"][data-connection-id="{ident}"]'


def test_the_scheduler_finds_the_key_revoked(window, connection_id):
    window.unlock()
    window.click('[data-testid="nav-connections"]')
    window.wait(f'{row(connection_id)}[data-needs-reconnect="true"] [data-testid="reconnect"]', timeout=60,
                what="the scheduler's check to mark the refused key for reconnect")


def test_reconnect_asks_for_the_new_key_of_that_connection(window, connection_id, sendgrid):
    window.click(f'{row(connection_id)} [data-testid="reconnect"]')
    dialog = window.wait('[data-testid="connect-dialog"]', what="the connect dialog in replace mode")[0]
    assert dialog.get_dom_attribute("data-replacing") == connection_id, "it replaces this connection's key"
    assert NAME in window.content(dialog), "its title names the connection"
    assert not window.all('[data-testid="connect-dialog"] [data-testid="field-connection_name"]'), \
        "the name is kept, not asked for"
    window.find('[data-testid="field-secret"]').send_keys("SG.e2e-also-revoked")
    window.click('[data-testid="connect-submit"]')
    refused = window.wait('[data-testid="field-refused"][data-field="secret"]', timeout=30,
                          what="the new key refused at its field")
    assert refused[0].get_dom_attribute("data-code") == "provider.key_rejected"
    window.screenshot("e2e-replace-key-refused.png")


def test_the_right_key_is_stored_in_the_same_connection(window, connection_id, keyport):
    window.find('[data-testid="field-secret"]').send_keys(SendGrid.GOOD_KEY)
    window.click('[data-testid="connect-submit"]')
    window.wait('[data-testid="connect-dialog"]', lambda els: not els, timeout=30,
                what="the dialog to close once the key is stored")
    window.wait(f'{row(connection_id)} [data-testid="health"]',
                lambda els: bool(els) and els[0].get_dom_attribute("data-health") == "healthy",
                timeout=20, what="the row to work again")
    assert not window.all(f'{row(connection_id)}[data-needs-reconnect="true"]')
    listed = json.loads(keyport.run("connections", "list", "--json").stdout)
    assert [(c["id"], c["name"]) for c in listed] == [(connection_id, NAME)], \
        f"the same connection, no second one ({listed})"
    view = window.ipc_answer("connection_replace_secret")
    assert view["id"] == connection_id and view["verified"] is True
    for key in (SendGrid.GOOD_KEY, SendGrid.WRONG_KEY, "SG.e2e-also-revoked"):
        assert not window.leaks(key), f"{key} is nowhere in the page"
    window.screenshot("e2e-replace-key-done.png")
