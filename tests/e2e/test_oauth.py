"""OAuth sign-in against a stand-in Salesforce on 127.0.0.1: the OAuth app form, the waiting
dialog, consent, the keyport:// callback through a second instance, Done; a replayed callback in
the paste field, Cancel; a refusal at the provider, Try again, Esc; and a loopback redirect. No
token reaches the page, web storage or an IPC answer."""

import json
import urllib.parse
import urllib.request

import pytest
from selenium.webdriver.common.keys import Keys

from support.standins import Salesforce, approve

STANDIN = "standin_salesforce"
LOOPBACK = "standin_salesforce_loopback"
CLIENT_SECRET = "E2E_CLIENT_SECRET_3f9a"
CONNECT = '[data-testid="oauth-connect"]'
WAITING = '[data-dialog="oauth-wait"]'
BANNER = '[data-testid="callback-error"]'


@pytest.fixture(scope="module")
def salesforce(keyport):
    with Salesforce() as standin:
        keyport.add_connector(STANDIN, standin.connector(STANDIN, "Stand-in Salesforce"))
        keyport.add_connector(LOOPBACK, standin.connector(LOOPBACK, "Stand-in Salesforce loopback", ["loopback"]))
        yield standin


@pytest.fixture(scope="module")
def window(launch, vault, salesforce):
    return launch()


def connect_enabled(window, what):
    window.wait(CONNECT, lambda els: bool(els) and els[0].get_dom_attribute("disabled") is None, what=what)[0].click()
    window.wait(WAITING, timeout=30, what=f"the waiting dialog after {what}")


def close_sheet(window):
    window.close_sheet()
    window.wait_gone('[data-testid="connector-sheet"]', what="the sheet to close")


def refused_as_used(window, what):
    """Waits for the page's banner refusing a late callback as oauth.state_used."""
    return window.wait(BANNER, lambda els: any("oauth.state_used" in e.text for e in els), timeout=30, what=what)


def test_the_oauth_app_is_set(window):
    window.open_connect_dialog(STANDIN)
    window.wait('[data-testid="oauth-app-form"]', what="the OAuth app form")
    assert window.find(CONNECT).get_dom_attribute("disabled") is not None, \
        "Connect is disabled until an OAuth app is set"
    hint = window.wait('[data-testid="oauth-connect-hint"]',
                       lambda els: bool(els) and "client ID" in window.content(els[0]),
                       timeout=10, what="the hint under a disabled Connect")
    assert "client ID" in window.content(hint[0]), "a hint says why Connect is disabled"
    uris = window.content(window.find('[data-testid="oauth-redirect-uris"]'))
    assert "keyport://oauth/callback" in uris, "the form shows the redirect URI to register"
    window.find('[data-testid="oauth-client-id"]').send_keys("e2e-standin-client")
    window.find('[data-testid="oauth-client-secret"]').send_keys(CLIENT_SECRET)
    window.screenshot("e2e-oauth-app.png")
    window.click('[data-testid="oauth-app-save"]')
    summary = window.wait('[data-testid="oauth-app-client-id"]', timeout=30, what="the saved OAuth app")
    assert summary[0].text == "e2e-standin-client", "the saved app shows its client ID"
    assert not window.leaks(CLIENT_SECRET), "the client secret is gone from the page once saved"
    app_answer = window.ipc_answer("oauth_app_set")
    assert app_answer.get("has_client_secret") is True and "E2E_CLIENT_SECRET" not in json.dumps(app_answer), \
        "the shell says a secret is stored, without echoing it"
    # Saving the same app again with the secret field left empty keeps the stored secret (the
    # stand-in is a public client like Keyport's Salesforce app, so it is never sent anyway).
    window.click('[data-testid="oauth-app-change"]')
    window.wait('[data-testid="oauth-app-form"]', what="the OAuth app form again")
    window.click('[data-testid="oauth-app-save"]')
    window.wait('[data-testid="oauth-app-summary"]', lambda els: bool(els) and "Stored in your vault" in els[0].text,
                timeout=30, what="the app saved again, its secret kept")
    assert window.ipc_answer("oauth_app_set").get("has_client_secret") is True, \
        "saving again without a secret keeps the stored one"
    window.screenshot("e2e-oauth-app-set.png")


def test_sign_in_comes_back_by_deep_link(window, salesforce, open_link, scenario):
    connect_enabled(window, "Connect enabled")
    wait = window.all(WAITING)
    title = window.find(f'{WAITING} h2').text
    assert title == "Waiting for Stand-in Salesforce…", f"the waiting dialog is titled {title!r}"
    assert "127.0.0.1" in wait[0].text, "it names the host the browser signs in at"
    window.screenshot("e2e-oauth-waiting.png")
    scenario.started = started = window.ipc_answer("oauth_start")
    auth_url = started["authorization_url"]
    assert auth_url.startswith(salesforce.base + "/services/oauth2/authorize?"), \
        "oauth_start answered the stand-in's authorization URL"
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(auth_url).query))
    assert query.get("code_challenge_method") == "S256" and "code_verifier" not in query, \
        "the sign-in uses PKCE S256 and the verifier stays in the core"
    scenario.callback = callback = approve(auth_url)
    assert callback.startswith("keyport://oauth/callback?code="), "the stand-in redirects to keyport://"
    second = open_link(callback)
    assert second.returncode == 0, "the second launch hands the callback over and exits 0"
    done = window.wait('[data-testid="connect-done"]', timeout=30, what="the Done step")
    assert "connected" in done[0].text.lower(), "the dialog shows Done"
    assert salesforce.exchanges == ["ok"], \
        f"the code was exchanged once with the right verifier ({salesforce.exchanges})"
    assert salesforce.userinfo_ok >= 1, "the core checked the token against /userinfo"
    window.screenshot("e2e-oauth-done.png")


def test_no_token_reaches_the_webview(window, salesforce):
    window.click('[data-testid="open-connection"]')
    rows = window.wait('[data-testid="connection-row"]',
                       lambda els: any("Stand-in Salesforce" in window.content(e) for e in els),
                       timeout=30, what="the stand-in connection on the Connections page")
    assert any("Stand-in Salesforce" in window.content(e) for e in rows), \
        "the Connections page lists the stand-in connection"
    window.screenshot("e2e-oauth-connections.png")
    tokens = list(salesforce.issued) + list(salesforce.refresh)
    leaks = [e["cmd"] for e in window.ipc_log() for t in tokens
             if t in (e.get("answer") or "") or t in (e.get("args") or "")]
    assert not leaks, f"no IPC answer held the stand-in's access or refresh token (leaked by: {leaks})"
    assert not any(window.leaks(t) for t in tokens), "no token is in the page or web storage"


def test_a_replayed_callback_then_cancel(window, salesforce, open_link, scenario):
    window.open_connect_dialog(STANDIN)
    connect_enabled(window, "Connect enabled for the second sign-in")
    second_start = window.ipc_answer("oauth_start")
    assert second_start["flow_id"] != scenario.started["flow_id"], "a second sign-in is a new flow"
    window.click('[data-testid="oauth-paste-toggle"]')
    window.wait('[data-testid="oauth-paste"]', what="the paste field")[0].send_keys(scenario.callback)
    window.click('[data-testid="oauth-paste-submit"]')
    err = window.wait('[data-testid="oauth-paste-error"]', timeout=30, what="the paste error")
    assert "oauth.state_used" in err[0].text, "a replayed callback is refused as oauth.state_used"
    assert window.value(window.find('[data-testid="oauth-paste"]')) == "", "the paste field is cleared on submit"
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(scenario.callback).query)["code"][0]
    assert not window.leaks(code), "the pasted code is not kept in the page"
    assert salesforce.exchanges == ["ok"], "the replay never reached the token endpoint"
    window.screenshot("e2e-oauth-paste-used.png")
    window.click('[data-testid="oauth-cancel"]')
    window.wait_gone('[data-testid="connect-dialog"]', what="the dialog to close on Cancel")
    open_link(approve(second_start["authorization_url"]))
    banner = refused_as_used(window, "the refusal of a cancelled sign-in's callback")
    assert banner, "Cancel ended the flow: its late callback is refused as oauth.state_used"
    assert salesforce.exchanges == ["ok"], "the cancelled flow's code was never exchanged"
    close_sheet(window)
    window.click(f'{BANNER} .button-quiet')


def test_a_refusal_at_the_provider_try_again_then_escape(window, salesforce, open_link):
    window.open_connect_dialog(STANDIN)
    connect_enabled(window, "Connect enabled for the third sign-in")
    third = window.ipc_answer("oauth_start")
    state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(third["authorization_url"]).query))["state"]
    open_link("keyport://oauth/callback?" + urllib.parse.urlencode(
        {"error": "access_denied", "error_description": "end-user denied authorization", "state": state}))
    failed = window.wait('[data-testid="oauth-failed"]', timeout=30, what="the failed step")
    assert failed[0].get_dom_attribute("data-code") == "oauth.denied", \
        "the waiting dialog shows the refusal as oauth.denied"
    assert "declined" in failed[0].text, "with a sentence saying what happened"
    assert not window.all(BANNER), "the dialog took its own refusal (no page banner)"
    window.screenshot("e2e-oauth-failed.png")
    window.click('[data-testid="oauth-retry"]')
    window.wait(WAITING, timeout=30, what="the waiting dialog after Try again")
    fourth = window.ipc_answer("oauth_start")
    assert fourth["flow_id"] != third["flow_id"], "Try again starts a new sign-in"
    window.key(Keys.ESCAPE)
    window.wait_gone('[data-testid="connect-dialog"]', what="Esc to close the waiting dialog")
    open_link(approve(fourth["authorization_url"]))
    banner = refused_as_used(window, "the refusal of the callback after Esc")
    assert banner, "Esc cancelled the flow in the core too"
    assert salesforce.exchanges == ["ok"], "only the first sign-in's code was ever exchanged"
    close_sheet(window)


def test_a_loopback_redirect(window, salesforce):
    """The shell's own wait on 127.0.0.1, for providers that redirect there."""
    window.open_connect_dialog(LOOPBACK)
    window.wait('[data-testid="oauth-client-id"]', what="the loopback stand-in's app form")[0] \
        .send_keys("e2e-loopback-client")
    window.click('[data-testid="oauth-app-save"]')
    window.wait('[data-testid="oauth-app-summary"]', timeout=30, what="the loopback app saved")
    uris = window.content(window.find('[data-testid="oauth-redirect-uris"]'))
    assert "http://127.0.0.1/oauth/callback" in uris, "a loopback connector shows the loopback redirect to register"
    window.click(CONNECT)
    window.wait(WAITING, timeout=30, what="the loopback waiting dialog")
    started = window.ipc_answer("oauth_start")
    assert started["redirect"] == "loopback", "the sign-in waits on loopback"
    back = approve(started["authorization_url"])
    assert back.startswith("http://127.0.0.1:") and "/oauth/callback?code=" in back, \
        "the stand-in redirects to the flow's loopback listener"
    with urllib.request.urlopen(back, timeout=30) as resp:
        page = resp.read().decode()
    assert "Back to Keyport" in page, "the listener answers the browser with a short page"
    done = window.wait('[data-testid="connect-done"]', timeout=30, what="Done after the loopback redirect")
    assert "connected" in done[0].text.lower(), "the loopback completion reaches the waiting dialog"
    assert salesforce.exchanges == ["ok", "ok"], f"the loopback code was exchanged once ({salesforce.exchanges})"
    window.click('[data-testid="open-connection"]')
    rows = window.wait('[data-testid="connection-row"]', lambda els: any("loopback" in window.content(e) for e in els),
                       timeout=30, what="the loopback connection on the Connections page")
    assert len(rows) == 2, f"the Connections page lists both OAuth connections and nothing else ({len(rows)} rows)"
    tokens = list(salesforce.issued) + list(salesforce.refresh)
    assert not [e for e in window.ipc_log() for t in tokens if t in (e.get("answer") or "")], \
        "still no token in any IPC answer"
