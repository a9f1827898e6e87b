"""Ask before use (issue 14) in the real app: turned on in Settings, then each `keyport token`
a script runs for that connection waits for the person's answer in the app's dialog. Deny (the
focused button, and Esc) hands nothing out; Allow once hands it out this time; Always for this
program hands it out now and later with no question. The key never reaches the page."""

import json
import os
import subprocess

import pytest
from selenium.webdriver.common.keys import Keys

from support.window import PASSPHRASE

KEY = "sk_test_e2e_ask_before_use_7Qm2xR"
DIALOG = '[data-testid="ask-dialog"]'


@pytest.fixture(scope="module")
def connection_id(keyport, vault):
    made = subprocess.run([str(keyport.binary), "--data-dir", str(keyport.data_dir), "connect", "stripe",
                           "--name", "Payments", "--api-key-stdin", "--no-verify"],
                          input=KEY, capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, KEYPORT_PASSPHRASE=PASSPHRASE))
    assert made.returncode == 0, made.stderr
    return json.loads(keyport.run("connections", "list", "--json").stdout)[0]["id"]


@pytest.fixture(scope="module")
def window(launch, connection_id):
    window = launch()
    window.unlock()
    return window


def ask_for_token(keyport, ident):
    """`keyport token ID` as a script runs it; it waits for the app's answer."""
    return subprocess.Popen([str(keyport.binary), "--data-dir", str(keyport.data_dir), "token", ident],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, KEYPORT_PASSPHRASE=PASSPHRASE, KEYPORT_ASK_SECONDS="50"))


def ended(process):
    out, err = process.communicate(timeout=60)
    return process.returncode, out, err


def this_program():
    """What the kernel says this test's executable is: the asker `keyport token` names."""
    return os.readlink(f"/proc/{os.getpid()}/exe")


def test_turned_on_in_settings(window, keyport, connection_id):
    window.click('[data-testid="nav-settings"]')
    switch = window.wait(f'[data-connection-id="{connection_id}"] [data-testid="ask-before-use"]',
                         what="the connection's Ask before use switch")[0]
    assert not switch.is_selected()
    window.js("arguments[0].closest('label').click();", switch)
    window.wait(f'[data-connection-id="{connection_id}"] [data-testid="ask-before-use"]',
                lambda els: bool(els) and els[0].is_selected(), what="the switch on")
    listed = json.loads(keyport.run("connections", "list", "--json").stdout)
    assert listed[0]["ask_before_use"] is True, "the core stored the choice"
    window.screenshot("e2e-ask-settings.png")


def test_a_program_asks_and_deny_is_the_default(window, keyport, connection_id):
    asking = ask_for_token(keyport, connection_id)
    dialog = window.wait(DIALOG, timeout=30, what="the question for the program")[0]
    assert dialog.get_dom_attribute("data-connection-id") == connection_id
    assert window.content(window.find('[data-testid="ask-program"]')) == this_program()
    title = window.content(window.find("#ask-title"))
    assert title == "Allow a program to use Payments?", title
    deny = window.find('[data-testid="ask-deny"]')
    assert window.until(lambda: window.has_focus(deny), "focus on Deny"), "Enter cannot allow by accident"
    assert not window.leaks(KEY), "the key is not in the page"
    window.screenshot("e2e-ask-dialog.png")
    deny.click()
    window.wait_gone(DIALOG, what="the question once answered")
    code, out, err = ended(asking)
    assert code == 1 and out == ""
    assert "the person chose Deny" in err, err


def test_esc_denies(window, keyport, connection_id):
    asking = ask_for_token(keyport, connection_id)
    window.wait(DIALOG, timeout=30, what="the question")
    window.until(lambda: window.has_focus(window.find('[data-testid="ask-deny"]')), "focus on Deny")
    window.key(Keys.ESCAPE)
    window.wait_gone(DIALOG, what="the question after Esc")
    code, _, err = ended(asking)
    assert code == 1 and "the person chose Deny" in err, err


def test_allow_once_then_always(window, keyport, connection_id):
    since = len(window.ipc_log())
    asking = ask_for_token(keyport, connection_id)
    window.wait(DIALOG, timeout=30, what="the question")
    window.click('[data-testid="ask-once"]')
    window.wait_gone(DIALOG, what="the question once allowed")
    assert ended(asking)[:2] == (0, KEY + "\n")

    # Once was this time only: asked again, then allowed always.
    asking = ask_for_token(keyport, connection_id)
    window.wait(DIALOG, timeout=30, what="the question again")
    window.click('[data-testid="ask-always"]')
    window.wait_gone(DIALOG, what="the question once allowed always")
    assert ended(asking)[:2] == (0, KEY + "\n")

    # Always: no question.
    again = keyport.run("token", connection_id, env=dict(os.environ, KEYPORT_PASSPHRASE=PASSPHRASE))
    assert (again.returncode, again.stdout) == (0, KEY + "\n"), again.stderr
    assert not window.all(DIALOG)
    window.no_answer_holds(since, [KEY], {"ask_answer"}, "the key")
    assert not window.leaks(KEY)


def test_a_locked_app_unlocks_before_it_allows(window, keyport, connection_id):
    # Asking off and on again forgets the program allowed always.
    env = dict(os.environ, KEYPORT_PASSPHRASE=PASSPHRASE)
    for flag in ("--no-ask", "--ask"):
        assert keyport.run("connections", "set", connection_id, flag, env=env).returncode == 0
    window.click('[data-testid="sidebar-lock"]')
    window.wait('[data-testid="vault-state"][data-state="locked"]', what="the locked app")
    asking = ask_for_token(keyport, connection_id)
    window.wait(f'{DIALOG} [data-testid="ask-locked"]', timeout=30, what="the question, saying it is locked")
    assert not window.all('[data-testid="ask-once"]'), "a locked app offers no Allow"
    window.screenshot("e2e-ask-locked.png")
    window.click('[data-testid="ask-unlock"]')
    window.wait_gone(DIALOG, what="the question, put aside for the unlock")
    window.wait('[data-testid="unlock"]', what="the unlock screen")
    window.submit_passphrase()
    window.wait(f'{DIALOG} [data-testid="ask-once"]', timeout=30, what="the question back, unlocked")
    window.click('[data-testid="ask-once"]')
    window.wait_gone(DIALOG, what="the question once allowed")
    assert ended(asking)[:2] == (0, KEY + "\n")
