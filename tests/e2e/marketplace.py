#!/usr/bin/env python3
"""End-to-end test of the real desktop app: built binary, real window under Xvfb, driven through
tauri-driver (WebDriver) inside a D-Bus session. Run by `make e2e` via scripts/headless.sh.

Checks: the Marketplace shows 50 cards; the Databases filter shows 5; searching "sales" shows
Salesforce; opening a card shows its setup instructions; a second launch with a keyport:// URL
reaches the first instance (which refuses it, since no sign-in is waiting). Screenshots go to
target/screenshots/. Any failed check exits non-zero."""

import base64
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHOTS = os.path.join(ROOT, "target", "screenshots")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebDriver:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.session = None

    def call(self, method, path, body=None, timeout=60, resend=True):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        # tauri-driver proxies to WebKitWebDriver over a pooled connection that WebKitWebDriver
        # sometimes closes between requests; the request then never reached it, so it is
        # safe to send again.
        for attempt in range(4):
            try:
                with urllib.request.urlopen(req, timeout=timeout) as resp:
                    return json.loads(resp.read() or b"{}").get("value")
            except urllib.error.HTTPError as err:
                raise AssertionError(f"{method} {path}: HTTP {err.code}: {err.read()[:500]!r}") from None
            except (ConnectionError, http.client.RemoteDisconnected):
                if attempt == 3 or not resend:
                    raise
                time.sleep(0.2)

    def s(self, method, path, body=None):
        return self.call(method, f"/session/{self.session}{path}", body)

    def start(self, app, args=()):
        options = {"application": app, "args": list(args)}
        caps = {"capabilities": {"alwaysMatch": {"tauri:options": options}}}
        # Creating a session launches the app: never send that twice.
        value = self.call("POST", "/session", caps, timeout=90, resend=False)
        self.session = value["sessionId"]
        self.s("POST", "/timeouts", {"implicit": 0})

    def find_all(self, css):
        found = self.s("POST", "/elements", {"using": "css selector", "value": css})
        return [next(iter(e.values())) for e in found]

    def wait_all(self, css, predicate=lambda els: len(els) > 0, timeout=20.0, what=None):
        deadline = time.monotonic() + timeout
        els = []
        while time.monotonic() < deadline:
            els = self.find_all(css)
            if predicate(els):
                return els
            time.sleep(0.1)
        first = ""
        if els:
            try:
                first = f", the first reading {self.text(els[0])!r}"
            except AssertionError:
                pass
        raise AssertionError(f"timed out waiting for {what or css} (last saw {len(els)} elements{first})")

    def click(self, el):
        self.s("POST", f"/element/{el}/click", {})

    def text(self, el):
        return self.s("GET", f"/element/{el}/text")

    def attr(self, el, name):
        return self.s("GET", f"/element/{el}/attribute/{name}")

    def type(self, el, text):
        self.s("POST", f"/element/{el}/value", {"text": text})

    def clear(self, el):
        self.s("POST", f"/element/{el}/clear", {})

    def content(self, el):
        """The element's textContent (WebKitWebDriver's visible text skips clipped children)."""
        return self.execute("return arguments[0].textContent;",
                            {"element-6066-11e4-a52e-4f735466cecf": el})

    def execute(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def screenshot(self, name):
        os.makedirs(SHOTS, exist_ok=True)
        png = base64.b64decode(self.s("GET", "/screenshot"))
        path = os.path.join(SHOTS, name)
        with open(path, "wb") as f:
            f.write(png)
        print(f"  screenshot: {os.path.relpath(path, ROOT)}")

    def quit(self):
        if self.session:
            try:
                self.s("DELETE", "")
            except Exception:  # the app may already be gone
                pass


class Driver:
    """tauri-driver, restarted when starting a session fails. On a loaded 2-core machine
    WebKitWebDriver sometimes drops the very first session while the app is still starting;
    that is the harness, not the app, so the launch is tried again (the app's own failures
    show up in every later check)."""

    def __init__(self, log):
        self.log = log
        self.proc = None
        self.port = None

    def _start(self):
        self.port = free_port()
        # The app's own output arrives through tauri-driver: keep it in a file (an unread
        # pipe would fill up and stall the app).
        self.proc = subprocess.Popen(["tauri-driver", "--port", str(self.port)],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        probe = WebDriver(self.port)
        for _ in range(100):
            try:
                probe.call("GET", "/status", timeout=2, resend=False)
                return
            except Exception:
                time.sleep(0.1)
        raise AssertionError("tauri-driver did not start")

    def stop(self, strays=False):
        if self.proc:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            self.proc = None
        if strays:
            # What a failed session start left behind, so the next try starts clean.
            subprocess.run(["pkill", "-x", "WebKitWebDriver"], capture_output=True)
            subprocess.run(["pkill", "-x", "keyport-desktop"], capture_output=True)

    def launch(self, app, args=()):
        for attempt in range(3):
            if self.proc is None:
                self._start()
            wd = WebDriver(self.port)
            try:
                wd.start(app, args)
                return wd
            except (AssertionError, OSError, http.client.HTTPException) as err:
                print(f"  (session start failed: {err}; restarting tauri-driver)")
                self.stop(strays=True)
                time.sleep(1)
        raise AssertionError("could not start a WebDriver session with the app")


def card_ids(wd):
    return [wd.attr(c, "data-connector-id") for c in wd.find_all('[data-testid="connector-card"]')]


def check(condition, message):
    if not condition:
        raise AssertionError(message)
    print(f"  ok: {message}")


SENTINEL = "sk_test_E2E_SENTINEL_7c1f"
E2E_PASSPHRASE = "e2e passphrase for the vault"


def page_leaks(wd, needle):
    """Whether `needle` is anywhere in the page's HTML or web storage (UI.md section 9)."""
    return wd.execute(
        "const n = arguments[0];"
        "const inStorage = s => Object.keys(s).some(k => k.includes(n) || (s.getItem(k) || '').includes(n));"
        "return document.documentElement.outerHTML.includes(n)"
        " || inStorage(window.localStorage) || inStorage(window.sessionStorage);",
        needle)


# Records every command the page invokes from now on, with its arguments and its answer
# (THREATS.md row 9). The page looks `window.__TAURI__.core` up on every call, so swapping in a
# recording copy catches all later calls; the shell's events carry no secrets by design and are
# not recorded.
IPC_RECORDER = """
const tauri = window.__TAURI__;
const real = tauri.core.invoke;
window.__ipcLog = [];
const invoke = function (cmd, args, options) {
  const entry = {cmd, args: JSON.stringify(args === undefined ? null : args)};
  window.__ipcLog.push(entry);
  return real.call(this, cmd, args, options).then(
    answer => { entry.answer = JSON.stringify(answer === undefined ? null : answer); return answer; },
    error => { entry.answer = JSON.stringify(error === undefined ? null : error); throw error; });
};
window.__TAURI__ = Object.assign({}, tauri, {core: Object.assign({}, tauri.core, {invoke})});
return window.__TAURI__.core.invoke === invoke;
"""


def check_ipc_answers(wd, needle, allowed):
    """No command's answer held `needle`, except those named in `allowed` (a deliberate reveal)."""
    log = wd.execute("return window.__ipcLog || [];")
    commands = {e["cmd"] for e in log}
    check({"connect_credential", "connections_list", "connection_reveal"} <= commands,
          f"the recorder saw the session's commands ({len(log)} calls, {len(commands)} commands)")
    leaks = [e["cmd"] for e in log if needle in (e.get("answer") or "") and e["cmd"] not in allowed]
    check(not leaks, f"no answer sent to the webview held the secret (leaked by: {leaks})")
    revealed = [e for e in log if e["cmd"] in allowed and needle in (e.get("answer") or "")]
    check(len(revealed) == 1, "the secret reached the webview once, in the reveal after the passphrase")


def vault_flow(wd):
    check(wd.execute(IPC_RECORDER), "every command the page invokes is recorded from here on")
    print("First run: create the vault")
    wd.click(wd.wait_all('[data-testid="nav-connections"]')[0])
    wd.wait_all('[data-testid="first-run"]', what="the first-run screen")
    wd.type(wd.find_all('[data-testid="passphrase"]')[0], E2E_PASSPHRASE)
    wd.type(wd.find_all('[data-testid="passphrase-repeat"]')[0], E2E_PASSPHRASE)
    wd.screenshot("e2e-first-run.png")
    wd.click(wd.find_all('[data-testid="create-vault"]')[0])
    wd.wait_all('[data-testid="connections"]', timeout=30, what="the Connections page after creating the vault")
    check(not page_leaks(wd, E2E_PASSPHRASE), "the passphrase is gone from the page once submitted")

    print("Connect an API key from the Marketplace")
    wd.click(wd.find_all('[data-testid="nav-marketplace"]')[0])
    # WebDriver's element clear fires no input event; the search's own Clear button does.
    clear = wd.find_all('button[aria-label="Clear search"]')
    if clear:
        wd.click(clear[0])
    wd.click(wd.wait_all('[data-testid="connector-card"][data-connector-id="sendgrid"]')[0])
    wd.click(wd.wait_all('[data-testid="connect-button"]')[0])
    wd.wait_all('[data-testid="connect-dialog"]', what="the connect dialog")
    wd.type(wd.find_all('[data-testid="connect-secret"]')[0], SENTINEL)
    wd.screenshot("e2e-connect-form.png")
    wd.click(wd.find_all('[data-testid="connect-submit"]')[0])
    done = wd.wait_all('[data-testid="connect-done"]', timeout=30, what="the Done step")
    check("connected" in wd.text(done[0]).lower(), "the Done step says connected")
    check(not page_leaks(wd, SENTINEL), "the API key is nowhere in the page or web storage")
    wd.screenshot("e2e-connect-done.png")

    print("Connections page")
    wd.click(wd.find_all('[data-testid="open-connection"]')[0])
    rows = wd.wait_all('[data-testid="connection-row"]', lambda els: "SendGrid" in wd.content(els[0]),
                       what="the connection row")
    check(len(rows) == 1, "the Connections page lists the new connection")
    check("SendGrid" in wd.content(rows[0]), "the row names the connector")
    check(not page_leaks(wd, SENTINEL), "the list holds no secret")
    wd.screenshot("e2e-connections.png")

    print("Lock and unlock")
    wd.click(wd.find_all('[data-testid="vault-state"] button')[0])
    wd.wait_all('[data-testid="vault-state"]',
                lambda els: "locked" in wd.text(els[0]).lower() and "unlocked" not in wd.text(els[0]).lower(),
                what="the locked state")
    wd.click(wd.find_all('[data-testid="vault-state"] button')[0])
    wd.wait_all('[data-testid="unlock"]', what="the unlock screen")
    wd.type(wd.find_all('[data-testid="unlock-passphrase"]')[0], "not the passphrase")
    wd.click(wd.find_all('[data-testid="unlock-submit"]')[0])
    wd.wait_all('[data-testid="unlock"]', lambda els: "vault.wrong_passphrase" in wd.text(els[0]),
                timeout=30, what="the wrong-passphrase error")
    wd.screenshot("e2e-unlock-wrong.png")
    field = wd.find_all('[data-testid="unlock-passphrase"]')[0]
    # Empty the field the way the page sees it (WebDriver's clear fires no input event).
    wd.execute("arguments[0].value = ''; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
                {"element-6066-11e4-a52e-4f735466cecf": field})
    wd.type(field, E2E_PASSPHRASE)
    wd.click(wd.find_all('[data-testid="unlock-submit"]')[0])
    state = wd.wait_all('[data-testid="vault-state"]', lambda els: "unlocked" in wd.text(els[0]).lower(),
                        timeout=30, what="the unlocked state")
    check("unlocked" in wd.text(state[0]).lower(), "the right passphrase unlocks")

    print("Reveal")
    wd.click(wd.wait_all('[data-testid="nav-connections"]')[0])
    wd.click(wd.wait_all('[data-testid="connection-row"] [data-testid="reveal"]')[0])
    wd.wait_all('[data-testid="reveal-dialog"]', what="the reveal dialog")
    check(not page_leaks(wd, SENTINEL), "nothing is shown before the passphrase")
    wd.type(wd.find_all('[data-testid="reveal-passphrase"]')[0], E2E_PASSPHRASE)
    wd.click(wd.find_all('[data-testid="reveal-submit"]')[0])
    shown = wd.wait_all('[data-testid="reveal-value"]', lambda els: bool(els) and SENTINEL in wd.content(els[0]),
                        timeout=30, what="the revealed value")
    check(SENTINEL in wd.content(shown[0]), "the passphrase reveals the one value")
    wd.screenshot("e2e-reveal.png")
    wd.click(wd.find_all('[data-testid="reveal-hide"]')[0])
    wd.wait_all('[data-testid="reveal-dialog"]', lambda els: not els, what="the reveal dialog to close")
    check(not page_leaks(wd, SENTINEL), "hiding removes the value from the page")
    check_ipc_answers(wd, SENTINEL, {"connection_reveal"})

    print("Settings")
    wd.click(wd.find_all('[data-testid="nav-settings"]')[0])
    wd.wait_all('[data-testid="settings"]', what="the Settings page")
    backend = wd.find_all('[data-testid="keyring-backend"]')
    check(bool(backend), "Settings names the keyring backend")
    wd.screenshot("e2e-settings.png")


def main():
    app = os.path.abspath(sys.argv[1])
    data_dir = tempfile.mkdtemp(prefix="keyport-e2e-")
    os.environ["KEYPORT_DATA_DIR"] = data_dir
    expected = json.loads(subprocess.run(
        [os.path.join(ROOT, "target", "debug", "keyport"), "catalog", "show", "salesforce", "--json"],
        check=True, capture_output=True, text=True).stdout)

    os.makedirs(os.path.join(ROOT, "target"), exist_ok=True)
    log = open(os.path.join(ROOT, "target", "e2e-driver.log"), "w")
    driver = Driver(log)
    wd = driver.launch(app)
    try:

        print("Marketplace")
        cards = wd.wait_all('[data-testid="connector-card"]', lambda els: len(els) >= 50,
                            what="50 connector cards")
        check(len(cards) == 50, "the Marketplace shows 50 cards")
        check(wd.find_all('main h1') and wd.text(wd.find_all("main h1")[0]) == "Marketplace",
              "the page heading reads Marketplace")
        wd.screenshot("e2e-marketplace.png")

        print("Category filter")
        wd.click(wd.wait_all('[data-testid="category-chips"] [data-category="databases"]')[0])
        dbs = wd.wait_all('[data-testid="connector-card"]', lambda els: len(els) == 5,
                          what="5 database cards")
        check(len(dbs) == 5, "the Databases filter shows 5 cards")
        check({"postgresql", "mysql", "mongodb", "redis", "elasticsearch"} == set(card_ids(wd)),
              "they are the five databases")
        wd.screenshot("e2e-databases.png")
        wd.click(wd.find_all('[data-testid="category-chips"] [data-category="all"]')[0])
        wd.wait_all('[data-testid="connector-card"]', lambda els: len(els) == 50, what="all cards again")

        print("Search")
        search = wd.find_all('[data-testid="search"]')[0]
        wd.type(search, "sales")
        found = wd.wait_all('[data-testid="connector-card"]', lambda els: 0 < len(els) < 50,
                            what="search results")
        ids = card_ids(wd)
        check("salesforce" in ids, f'searching "sales" shows Salesforce ({len(found)} results)')
        wd.screenshot("e2e-search-sales.png")

        print("Detail sheet")
        wd.click(wd.find_all('[data-testid="connector-card"][data-connector-id="salesforce"]')[0])
        steps = wd.wait_all('[data-testid="connector-sheet"] [data-testid="setup-steps"] li',
                            what="setup steps in the sheet")
        check(len(steps) == len(expected["setup_instructions"]),
              f"the sheet lists all {len(steps)} setup steps")
        prefix = expected["setup_instructions"][0][:40]
        # The sheet slides in over 200 ms: read the text once it is laid out.
        steps = wd.wait_all('[data-testid="setup-steps"] li', lambda els: prefix in wd.text(els[0]),
                            what="the first step's text")
        check(prefix in wd.text(steps[0]), "the first step is the catalog's own text")
        sheet = wd.find_all('[data-testid="connector-sheet"]')[0]
        check(wd.attr(sheet, "role") == "dialog", "the sheet is a dialog")
        wd.screenshot("e2e-sheet-salesforce.png")

        print("Deep link through a second instance")
        second = subprocess.run([app, "keyport://oauth/callback?code=e2e-code&state=e2e-state"],
                                capture_output=True, text=True, timeout=30)
        check(second.returncode == 0, "the second launch hands its URL over and exits 0")
        banner = wd.wait_all('[data-testid="callback-error"]', what="the callback banner")
        text = wd.text(banner[0])
        check("oauth.state_unknown" in text, "the first instance received the link (no sign-in waiting)")
        check("e2e-code" not in text, "the authorization code is not shown")
        wd.screenshot("e2e-deep-link.png")
        # Close the sheet before going on.
        wd.click(wd.find_all('[data-testid="connector-sheet"] button[aria-label="Close details"]')[0])

        vault_flow(wd)

        print("Deep link at a cold start")
        wd.quit()
        # The first instance must be gone (its single-instance D-Bus name released), or the
        # next launch would hand its link to the dying one.
        deadline = time.monotonic() + 20
        while subprocess.run(["pgrep", "-x", "keyport-desktop"], capture_output=True).returncode == 0:
            if time.monotonic() > deadline:
                raise AssertionError("the first instance did not exit after its session ended")
            time.sleep(0.1)
        wd = driver.launch(app, ["keyport://oauth/callback?error=access_denied&state=cold-start"])
        banner = wd.wait_all('[data-testid="callback-error"]', what="the cold-start callback banner")
        check("oauth.state_unknown" in wd.text(banner[0]),
              "a link that started the app is handled once the page is ready")
        malformed = subprocess.run([app, "keyport://oauth/elsewhere?code=x"],
                                   capture_output=True, text=True, timeout=30)
        check(malformed.returncode == 0, "a malformed link is handed over too")
        shown = wd.wait_all('[data-testid="callback-error"]',
                            lambda els: any("oauth.callback_malformed" in wd.text(e) for e in els),
                            what="the malformed-link banner")
        check(any("oauth.callback_malformed" in wd.text(e) for e in shown),
              "a malformed link is refused as oauth.callback_malformed")
        print("E2E passed")
    except AssertionError:
        # What the window showed when it went wrong, for whoever reads the CI log.
        try:
            wd.screenshot("e2e-failure.png")
        except Exception:
            pass
        raise
    finally:
        wd.quit()
        driver.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except AssertionError as err:
        print(f"E2E FAILED: {err}", file=sys.stderr)
        sys.exit(1)
