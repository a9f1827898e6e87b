"""An API key checked live against a stand-in SendGrid key service on 127.0.0.1: a refused key
stays in the form and nothing is stored; the right key is checked, then stored; Test on the
Connections page asks the service again. Neither key reaches the page or an IPC answer."""

import pytest
from selenium.webdriver.common.keys import Keys

from support.standins import SendGrid

IDENT = SendGrid.IDENT
GOOD_KEY = SendGrid.GOOD_KEY
WRONG_KEY = SendGrid.WRONG_KEY


@pytest.fixture(scope="module")
def window(launch, vault, sendgrid):
    return launch()


def test_a_refused_key_stays_in_the_form(window, sendgrid):
    window.open_connect_dialog(IDENT)
    window.wait('[data-testid="field-secret"]', what="the key field")[0].send_keys(WRONG_KEY)
    window.click('[data-testid="connect-submit"]')
    refused = window.wait('[data-testid="field-refused"][data-field="secret"]', timeout=30,
                          what="the inline key refusal")
    assert refused[0].get_dom_attribute("data-code") == "provider.key_rejected", \
        "the refused key is shown on the key field as provider.key_rejected"
    assert "401" in refused[0].text, f"the message names the HTTP status ({refused[0].text!r})"
    secret = window.find('[data-testid="field-secret"]')
    assert secret.get_dom_attribute("aria-invalid") == "true", "the key field is marked invalid"
    assert window.value(secret) == "", "the key field is cleared for retyping"
    assert window.all('[data-testid="connect-dialog"] form'), "the form stays open"
    assert sendgrid.seen == ["bad"], f"the stand-in was asked once, with the wrong key ({sendgrid.seen})"
    assert not window.leaks(WRONG_KEY), "the refused key is nowhere in the page"
    window.screenshot("e2e-key-rejected.png")


def test_the_right_key_is_checked_then_stored(window, scenario):
    window.find('[data-testid="field-secret"]').send_keys(GOOD_KEY)
    window.click('[data-testid="connect-submit"]')
    busy = window.wait('[data-testid="connect-submit"]',
                       lambda els: bool(els) and "Checking with Stand-in SendGrid" in els[0].text,
                       timeout=10, what="the busy label while checking")
    assert busy, "the submit button says Checking with Stand-in SendGrid… while it checks"
    done = window.wait('[data-testid="connect-done"]', timeout=30, what="Done after a checked key")
    text = done[0].text
    assert "checked with stand-in sendgrid" in text.lower(), f"the Done step says the key was checked ({text!r})"
    scenario.view = view = window.ipc_answer("connect_credential")
    assert view.get("verified") is True, "the stored connection is marked verified"
    assert not window.leaks(GOOD_KEY), "the key is nowhere in the page once stored"
    window.screenshot("e2e-key-checked.png")


def test_test_on_the_connections_page(window, sendgrid, scenario):
    window.click('[data-testid="open-connection"]')
    row_css = f'[data-testid="connection-row"][data-connection-id="{scenario.view["id"]}"]'
    window.wait(row_css, what="the checked connection's row")
    rows = window.all('[data-testid="connection-row"]')
    assert len([r for r in rows if "Stand-in SendGrid" in window.content(r)]) == 1, \
        "only the checked key was stored (the refused one left no row)"
    test = window.find(f'{row_css} [data-testid="test"]')
    # By keyboard: focus the button and press Enter.
    window.js("arguments[0].focus();", test)
    assert window.has_focus(test), "the Test button takes keyboard focus"
    asked = len(sendgrid.seen)
    window.key(Keys.ENTER)
    window.wait(f'{row_css} [data-testid="test"][aria-busy="true"] .spinner', timeout=5,
                what="the spinner while the test runs")
    badge = window.wait(f'{row_css} [data-testid="health"]',
                        lambda els: bool(els) and els[0].get_dom_attribute("data-health") == "healthy"
                        and not window.all(f'{row_css} [data-testid="test"][aria-busy="true"]'),
                        timeout=30, what="the healthy badge after Test")
    assert "Healthy" in window.content(badge[0]), "the row's badge reads Healthy after Test"
    assert len(sendgrid.seen) == asked + 1 and sendgrid.seen[-1] == "good", "Test asked the service with the stored key"
    tested = window.ipc_answer("connection_test")
    assert tested.get("health_status") == "healthy" and tested.get("last_health_check"), \
        "connection_test answered the recorded health"
    window.screenshot("e2e-connections-test.png")


def test_neither_key_reached_the_webview(window):
    window.no_answer_holds(0, (GOOD_KEY, WRONG_KEY), {"connect_credential", "connection_test"}, "either key")
