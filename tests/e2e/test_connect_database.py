"""The database wizard against a real redis-server started here: the login by fields (an empty
host and a bad port caught, a wrong password refused at its field, a closed port offered Store
without checking), the smallest window, the URL entry, a redis:// URL pasted as the host filling
the fields with its password moved into the password field, the right password checked and
stored, then the row and its health on Connections. The password never reaches the page, web
storage or an IPC answer."""

import pytest

from support.driver import free_port
from support.standins import Redis

PASSWORD = Redis.PASSWORD
WRONG_PASSWORD = Redis.WRONG_PASSWORD
SUBMIT = '[data-testid="connect-submit"]'


@pytest.fixture(scope="module")
def redis():
    with Redis() as server:
        yield server


@pytest.fixture(scope="module")
def window(launch, vault):
    return launch()


def test_the_login_by_fields_catches_a_missing_host_and_a_bad_port(window):
    window.open_connect_dialog("redis")
    entry = window.wait('[data-testid="db-entry-choice"] input[type="radio"]', what="the Fields / URL choice")
    assert [r.get_dom_attribute("value") for r in entry] == ["fields", "url"], \
        "the login is entered by field or as a URL"
    assert window.js("return arguments[0].checked;", entry[0]), "by field is the default"
    assert window.value(window.field("port")) == "6379", "the port starts at Redis's default"
    tls = window.field("tls")
    assert window.js("return arguments[0].tagName;", tls) == "SELECT", "the TLS mode is a select"
    assert window.js("return [...arguments[0].options].map(o => o.value);", tls) == ["none", "secure", "insecure"] \
        and window.value(tls) == "none", "of the catalog's TLS modes, the first chosen"
    assert window.field("password").get_dom_attribute("type") == "password", "the password is a password field"
    asked = len(window.ipc_log())
    window.click(SUBMIT)
    missing = window.wait('[data-testid="connect-dialog"] [data-field="host"] [data-testid="field-missing"]',
                          what="the empty host marked")
    assert "Enter Host" in window.content(missing[0]), "an empty required field says what to enter"
    assert window.focus_moves_to("field-host"), "and takes the focus"
    assert len(window.ipc_log()) == asked, "nothing is sent with a field missing"
    window.set_value(window.field("host"), "127.0.0.1")
    window.set_value(window.field("port"), "70000")
    window.click(SUBMIT)
    bad = window.wait('[data-testid="field-refused"][data-field="port"]', timeout=30, what="the bad port at its field")
    assert bad[0].get_dom_attribute("data-code") == "connection.invalid", \
        "a port out of range is connection.invalid, at the port"


def test_a_wrong_password_is_refused_at_its_field(window, redis):
    window.set_value(window.field("port"), str(redis.port))
    window.field("password").send_keys(WRONG_PASSWORD)
    window.dialog_a11y()
    window.screenshot("e2e-wizard-database-fields.png")
    window.click(SUBMIT)
    refused = window.wait('[data-testid="field-refused"][data-field="password"]', timeout=30,
                          what="the wrong password refused at its field")
    assert refused[0].get_dom_attribute("data-code") == "db.auth_failed", "a wrong password is db.auth_failed"
    password = window.field("password")
    assert password.get_dom_attribute("aria-invalid") == "true", "the password field is marked invalid"
    assert refused[0].get_dom_attribute("id") in (password.get_dom_attribute("aria-describedby") or "").split(), \
        "the refusal is the password field's description"
    assert window.value(password) == "", "the password field is cleared for retyping"
    assert window.value(window.field("host")) == "127.0.0.1" \
        and window.value(window.field("port")) == str(redis.port), "host and port are kept"
    assert window.focus_moves_to("field-password"), "focus is on the password field"
    assert not window.leaks(WRONG_PASSWORD), "the wrong password is nowhere in the page"
    window.dialog_a11y()
    window.screenshot("e2e-wizard-database-error.png")


def test_a_server_that_does_not_answer(window, redis):
    closed = free_port()
    window.set_value(window.field("port"), str(closed))
    window.field("password").send_keys(PASSWORD)
    window.click(SUBMIT)
    offer = window.wait('[data-testid="store-unchecked"]', timeout=30,
                        what='"Store without checking" for a closed port')
    shown = window.all('[data-testid="connect-dialog"] [data-testid="form-error"]')
    assert shown and shown[0].get_dom_attribute("data-code") == "db.unreachable", \
        "a closed port is db.unreachable, under the form"
    assert f"127.0.0.1:{closed}" in window.content(shown[0]) or str(closed) in window.content(shown[0]), \
        f"the message names host and port ({window.content(shown[0])!r})"
    assert offer and window.value(window.field("password")) == PASSWORD, \
        "Store without checking is offered, the password still in its field"
    assert not window.leaks(PASSWORD), "and only there"
    window.screenshot("e2e-wizard-database-unreachable.png")
    window.set_value(window.field("port"), str(redis.port))
    window.set_value(window.field("password"), "")


def test_the_dialog_fits_the_smallest_window(window):
    """900 x 600: the dialog still fits with its buttons, the body scrolls."""
    window.driver.set_window_rect(width=900, height=600)
    window.wait('[data-testid="connect-dialog"]', lambda els: window.js("return window.innerHeight;") <= 620,
                timeout=10, what="the window at 900 x 600")
    window.dialog_a11y()
    footer = window.js("""const f = document.querySelector('[data-testid="connect-dialog"] .dialog-footer');
        const r = f.getBoundingClientRect(); return r.bottom <= window.innerHeight && r.height > 0;""")
    assert footer, "the dialog's buttons stay on screen at 900 x 600"
    window.screenshot("e2e-wizard-database-small-window.png")
    window.driver.set_window_rect(width=1280, height=800)
    window.wait('[data-testid="connect-dialog"]', lambda els: window.js("return window.innerHeight;") >= 780,
                timeout=10, what="the window back at 1280 x 800")


def test_the_url_entry(window):
    window.click('[data-testid="db-entry-url"]')
    url = window.field("url")
    assert url.get_dom_attribute("type") == "password", \
        "URL entry is one password-type field (the URL holds the password)"
    assert not window.all('[data-testid="field-host"]'), "and replaces the login fields"
    window.screenshot("e2e-wizard-database-url.png")
    window.click('[data-testid="db-entry-fields"]')
    assert window.value(window.field("host")) == "127.0.0.1", "back to Fields, the host is still there"


def test_a_url_pasted_as_the_host_fills_the_fields(window, redis, scenario):
    window.set_value(window.field("host"), "")
    window.set_value(window.field("port"), "6379")
    host = window.field("host")
    taken = window.js("""const el = arguments[0]; el.focus();
        const data = new DataTransfer(); data.setData('text/plain', arguments[1]);
        const e = new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true});
        return !el.dispatchEvent(e);""", host, f"redis://:{PASSWORD}@127.0.0.1:{redis.port}/0")
    assert taken, "the page takes the pasted URL instead of inserting it"
    window.js("arguments[0].blur();", host)
    filled = window.wait('[data-testid="connect-dialog"] [data-field="host"] [data-testid="url-filled"]',
                         what="the note that the URL filled the fields")
    assert "Filled in from the URL" in window.content(filled[0]), "the Host field says the URL filled the fields"
    assert window.value(window.field("host")) == "127.0.0.1", "the Host input holds only the host"
    assert window.value(window.field("port")) == str(redis.port) and window.value(window.field("database")) == "0" \
        and window.value(window.field("user")) == "" and window.value(window.field("tls")) == "none", \
        "port, database number, user and TLS mode come from the URL"
    assert window.js("return arguments[0].value.length;", window.field("password")) == len(PASSWORD), \
        "the URL's password is in the password field"
    assert not window.leaks(PASSWORD), "and nowhere else in the page"
    window.dialog_a11y()
    window.screenshot("e2e-wizard-database-url-filled.png")
    window.click(SUBMIT)
    done = window.wait('[data-testid="connect-done"]', timeout=30, what="Done after the right password")
    assert "Redis connected" in done[0].text, f"the Done step says Redis connected ({done[0].text!r})"
    scenario.view = view = window.ipc_answer("connect_credential")
    assert view.get("verified") is True and view.get("connection_type") == "database", \
        "a checked database connection was stored"
    assert window.focus_moves_to("connect-title"), "focus moves to the Done title"
    assert not window.leaks(PASSWORD), "the password is nowhere in the page once stored"
    window.screenshot("e2e-wizard-database-done.png")


def test_the_connection_and_its_health(window, scenario):
    window.click('[data-testid="open-connection"]')
    row_css = f'[data-testid="connection-row"][data-connection-id="{scenario.view["id"]}"]'
    row = window.wait(row_css, what="the Redis row")[0]
    assert "127.0.0.1" in window.content(row), "the row names the host"
    assert len([r for r in window.all('[data-testid="connection-row"]') if "Redis" in window.content(r)]) == 1, \
        "only the accepted login was stored"
    badge = window.all(f'{row_css} [data-testid="health"]')
    assert badge and badge[0].get_dom_attribute("data-health") in {"healthy", "unknown"}, "the row has a health badge"
    window.click(f'{row_css} [data-testid="test"]')
    badge = window.wait(f'{row_css} [data-testid="health"]',
                        lambda els: bool(els) and els[0].get_dom_attribute("data-health") == "healthy"
                        and not window.all(f'{row_css} [data-testid="test"][aria-busy="true"]'),
                        timeout=30, what="the healthy badge after testing Redis")
    assert "Healthy" in window.content(badge[0]), "Test reaches the real Redis with the stored password: Healthy"
    assert not window.leaks(PASSWORD), "the Connections page holds no password"
    window.screenshot("e2e-wizard-database-connections.png")


def test_the_password_never_reached_the_webview(window):
    window.no_answer_holds(0, (PASSWORD, WRONG_PASSWORD), {"connect_credential", "connection_test"},
                           "the Redis password")
