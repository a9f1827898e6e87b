#!/usr/bin/env python3
"""End-to-end test of the real desktop app: built binary, real window under Xvfb, driven through
tauri-driver (WebDriver) inside a D-Bus session. Run by `make e2e` via scripts/headless.sh.

Checks: the Marketplace shows 50 cards; the Databases filter shows 5; searching "sales" shows
Salesforce; opening a card shows its setup instructions; a second launch with a keyport:// URL
reaches the first instance (which refuses it, since no sign-in is waiting); the vault flow; and an
OAuth sign-in against a stand-in Salesforce on 127.0.0.1 (OAuth app form, waiting dialog, consent,
the keyport:// callback through a second instance, Done, the paste field with a replayed callback,
Cancel); then live key checks against a stand-in SendGrid key service on 127.0.0.1 (a refused key
inline, a checked key, Test on the Connections page). The real SendGrid cannot be reached here, so
its connect offers "Store without checking". Screenshots go to target/screenshots/. Any failed
check exits non-zero."""

import base64
import hashlib
import http.client
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
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

    def key(self, key):
        """Presses and releases one key (WebDriver code point, e.g. \ue00c for Escape) wherever
        focus is."""
        self.s("POST", "/actions", {"actions": [{"type": "key", "id": "keyboard", "actions": [
            {"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}]}]})
        self.s("DELETE", "/actions")

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
    # The real SendGrid cannot be reached from here: the live check says so and offers to store
    # the key unchecked, the key still in the form's field only.
    offer = wd.wait_all('[data-testid="store-unchecked"]', timeout=60,
                        what='"Store without checking" after an unreachable SendGrid')
    shown = wd.find_all('[data-testid="connect-dialog"] [data-testid="form-error"]')
    check(bool(shown) and wd.attr(shown[0], "data-code") == "provider.unavailable",
          "an unreachable service is shown as provider.unavailable")
    check(not page_leaks(wd, SENTINEL), "the key waits in the field, not in the page's HTML")
    wd.screenshot("e2e-connect-unavailable.png")
    wd.click(offer[0])
    done = wd.wait_all('[data-testid="connect-done"]', timeout=30, what="the Done step")
    check("connected" in wd.text(done[0]).lower(), "the Done step says connected")
    check("stored unchecked" in wd.text(done[0]).lower(), "the Done step says the key was stored unchecked")
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


# ---------- A stand-in Salesforce for the OAuth sign-in ----------

def b64url_sha256(text):
    digest = hashlib.sha256(text.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class StandIn:
    """Salesforce's web server flow on 127.0.0.1 (help.salesforce.com remoteaccess_oauth_web_server_flow):
    /authorize approves at once and redirects with a code, /token checks the code, the redirect URI
    and the PKCE S256 verifier and answers Salesforce's documented JSON (no expires_in), /userinfo
    answers 200 only to the access token it issued."""

    def __init__(self):
        self.lock = threading.Lock()
        self.codes = {}          # code -> what /authorize saw
        self.issued = set()      # access tokens
        self.refresh = set()     # refresh tokens
        self.exchanges = []      # outcomes of /token
        self.userinfo_ok = 0
        standin = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status, body=None, headers=()):
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                if body is not None:
                    self.send_header("Content-Type", "application/json;charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                if url.path == "/services/oauth2/authorize":
                    location = standin.consent(query)
                    return self.reply(302, None, [("Location", location)])
                if url.path == "/services/oauth2/userinfo":
                    auth = self.headers.get("Authorization", "")
                    token = auth[len("Bearer "):] if auth.startswith("Bearer ") else None
                    with standin.lock:
                        ok = token in standin.issued
                        if ok:
                            standin.userinfo_ok += 1
                    if not ok:
                        return self.reply(401, [{"errorCode": "INVALID_SESSION_ID",
                                                 "message": "Session expired or invalid"}])
                    return self.reply(200, {"sub": f"{standin.base}/id/00DSTANDIN/005STANDIN",
                                            "user_id": "005STANDIN", "organization_id": "00DSTANDIN",
                                            "preferred_username": "e2e@standin.example",
                                            "email": "e2e@standin.example"})
                return self.reply(404, {"error": "not_found"})

            def do_POST(self):
                url = urllib.parse.urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                if url.path == "/services/oauth2/token":
                    status, body = standin.token(form)
                    return self.reply(status, body)
                if url.path == "/services/oauth2/revoke":
                    return self.reply(200, None)
                return self.reply(404, {"error": "not_found"})

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def consent(self, query):
        """The person approves: a code bound to this state, challenge, client and redirect."""
        code = "aPrxE2E" + os.urandom(12).hex()
        with self.lock:
            self.codes[code] = {"client_id": query.get("client_id"),
                                "redirect_uri": query.get("redirect_uri"),
                                "challenge": query.get("code_challenge"),
                                "method": query.get("code_challenge_method"),
                                "used": False}
        back = urllib.parse.urlencode({"code": code, "state": query.get("state", "")})
        return f"{query.get('redirect_uri')}?{back}"

    def token(self, form):
        def refuse(why):
            self.exchanges.append(why)
            return 400, {"error": "invalid_grant", "error_description": why}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        with self.lock:
            seen = self.codes.get(form.get("code"))
            if seen is None or seen["used"]:
                return refuse("invalid authorization code")
            seen["used"] = True
            if form.get("redirect_uri") != seen["redirect_uri"]:
                return refuse("redirect_uri mismatch")
            if form.get("client_id") != seen["client_id"]:
                return refuse("client identifier invalid")
            verifier = form.get("code_verifier")
            if seen["method"] != "S256" or not verifier or b64url_sha256(verifier) != seen["challenge"]:
                return refuse("invalid code verifier")
            access = "00DSTANDIN!E2E_ACCESS_" + os.urandom(16).hex()
            refresh = "5Aep861E2E_REFRESH_" + os.urandom(16).hex()
            self.issued.add(access)
            self.refresh.add(refresh)
            self.exchanges.append("ok")
        return 200, {"access_token": access, "refresh_token": refresh,
                     "instance_url": self.base, "id": f"{self.base}/id/00DSTANDIN/005STANDIN",
                     "token_type": "Bearer", "issued_at": str(int(time.time() * 1000)),
                     "signature": base64.b64encode(os.urandom(32)).decode(),
                     "scope": "api id refresh_token"}


def standin_connector(base, ident="standin_salesforce", name="Stand-in Salesforce", redirect=None):
    """catalog/salesforce.toml as the custom connector `ident`, every endpoint on the stand-in
    (same paths), as tests/support/standin.rs does for the contract tests; `redirect` replaces
    the redirect kinds."""
    out = []
    with open(os.path.join(ROOT, "catalog", "salesforce.toml")) as f:
        for line in f.read().splitlines():
            if line.startswith("id = "):
                line = f'id = "{ident}"'
            elif line.startswith("name = "):
                line = f'name = "{name}"'
            elif redirect and line.startswith("redirect = "):
                line = f"redirect = {json.dumps(redirect)}"
            elif '"https://' in line and any(line.startswith(k) for k in
                                             ("authorization_url", "token_url", "revocation_url", "url =")):
                at = line.index('"https://')
                rest = line[at + len('"https://'):]
                slash = rest.find("/")
                line = line[:at] + '"' + base + (rest[slash:] if slash >= 0 else '"')
            out.append(line)
    return "\n".join(out) + "\n"


# ---------- A stand-in SendGrid key service for the live key check ----------

GOOD_KEY = "SG.e2e-good"
WRONG_KEY = "SG.e2e-wrong-key-5d2a"


class KeyStandIn:
    """SendGrid's `GET /v3/scopes` (the key check of catalog/sendgrid.toml) on 127.0.0.1: 200 with
    the key's scopes for `Authorization: Bearer SG.e2e-good`, else SendGrid's documented 401. The
    good answer is held back a moment so the busy states can be seen."""

    def __init__(self):
        self.lock = threading.Lock()
        self.seen = []   # "good" / "bad" per check received
        standin = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if urllib.parse.urlsplit(self.path).path != "/v3/scopes":
                    return self.reply(404, {"errors": [{"field": None, "message": "not found"}]})
                good = self.headers.get("Authorization", "") == f"Bearer {GOOD_KEY}"
                with standin.lock:
                    standin.seen.append("good" if good else "bad")
                if not good:
                    return self.reply(401, {"errors": [{"field": None, "message": "authorization required"}]})
                time.sleep(1.5)
                return self.reply(200, {"scopes": ["mail.send"]})

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def key_standin_connector(port):
    """catalog/sendgrid.toml as the custom connector `standin_sendgrid`, its check on the stand-in."""
    out = []
    top = True  # the top-level id and name come before any [section]; a later `name` is a header's
    with open(os.path.join(ROOT, "catalog", "sendgrid.toml")) as f:
        for line in f.read().splitlines():
            top = top and not line.startswith("[")
            if top and line.startswith("id = "):
                line = 'id = "standin_sendgrid"'
            elif top and line.startswith("name = "):
                line = 'name = "Stand-in SendGrid"'
            elif line == 'url = "https://{api_host}/v3/scopes"':
                line = f'url = "http://127.0.0.1:{port}/v3/scopes"'
            out.append(line)
    text = "\n".join(out) + "\n"
    assert f"127.0.0.1:{port}/v3/scopes" in text, "the SendGrid check line was not found"
    return text


def key_check_flow(wd, keys):
    """Live key checks through the real app against the stand-in key service."""
    print("Key check: a refused key stays in the form, nothing stored")
    before = len(wd.execute("return window.__ipcLog || [];"))
    open_standin_dialog(wd, "standin_sendgrid")
    secret = wd.wait_all('[data-testid="connect-secret"]', what="the key field")[0]
    wd.type(secret, WRONG_KEY)
    wd.click(wd.find_all('[data-testid="connect-submit"]')[0])
    refused = wd.wait_all('[data-testid="secret-error"]', timeout=30, what="the inline key refusal")
    check(wd.attr(refused[0], "data-code") == "provider.key_rejected",
          "the refused key is shown on the key field as provider.key_rejected")
    check("401" in wd.text(refused[0]), f"the message names the HTTP status ({wd.text(refused[0])!r})")
    secret = wd.find_all('[data-testid="connect-secret"]')[0]
    check(wd.attr(secret, "aria-invalid") == "true", "the key field is marked invalid")
    check(wd.execute("return arguments[0].value;", {"element-6066-11e4-a52e-4f735466cecf": secret}) == "",
          "the key field is cleared for retyping")
    check(bool(wd.find_all('[data-testid="connect-dialog"] form')), "the form stays open")
    check(keys.seen == ["bad"], f"the stand-in was asked once, with the wrong key ({keys.seen})")
    check(not page_leaks(wd, WRONG_KEY), "the refused key is nowhere in the page")
    wd.screenshot("e2e-key-rejected.png")

    print("Key check: the right key is checked, then stored")
    wd.type(secret, GOOD_KEY)
    wd.click(wd.find_all('[data-testid="connect-submit"]')[0])
    busy = wd.wait_all('[data-testid="connect-submit"]',
                       lambda els: bool(els) and "Checking with Stand-in SendGrid" in wd.text(els[0]),
                       timeout=10, what="the busy label while checking")
    check(bool(busy), "the submit button says Checking with Stand-in SendGrid… while it checks")
    done = wd.wait_all('[data-testid="connect-done"]', timeout=30, what="Done after a checked key")
    text = wd.text(done[0])
    check("checked with stand-in sendgrid" in text.lower(), f"the Done step says the key was checked ({text!r})")
    view = ipc_answer(wd, "connect_credential")
    check(view.get("verified") is True, "the stored connection is marked verified")
    check(not page_leaks(wd, GOOD_KEY), "the key is nowhere in the page once stored")
    wd.screenshot("e2e-key-checked.png")

    print("Key check: Test on the Connections page")
    wd.click(wd.find_all('[data-testid="open-connection"]')[0])
    ident = view["id"]
    row_css = f'[data-testid="connection-row"][data-connection-id="{ident}"]'
    wd.wait_all(row_css, what="the checked connection's row")
    rows = wd.find_all('[data-testid="connection-row"]')
    check(len([r for r in rows if "Stand-in SendGrid" in wd.content(r)]) == 1,
          "only the checked key was stored (the refused one left no row)")
    test = wd.find_all(f'{row_css} [data-testid="test"]')[0]
    # By keyboard: focus the button and press Enter.
    wd.execute("arguments[0].focus();", {"element-6066-11e4-a52e-4f735466cecf": test})
    check(wd.execute("return document.activeElement === arguments[0];",
                     {"element-6066-11e4-a52e-4f735466cecf": test}), "the Test button takes keyboard focus")
    asked = len(keys.seen)
    wd.key("\ue007")
    wd.wait_all(f'{row_css} [data-testid="test"][aria-busy="true"] .spinner', timeout=5,
                what="the spinner while the test runs")
    badge = wd.wait_all(f'{row_css} [data-testid="health"]',
                        lambda els: bool(els) and wd.attr(els[0], "data-health") == "healthy"
                        and not wd.find_all(f'{row_css} [data-testid="test"][aria-busy="true"]'),
                        timeout=30, what="the healthy badge after Test")
    check("Healthy" in wd.content(badge[0]), "the row's badge reads Healthy after Test")
    check(len(keys.seen) == asked + 1 and keys.seen[-1] == "good", "Test asked the service with the stored key")
    tested = ipc_answer(wd, "connection_test")
    check(tested.get("health_status") == "healthy" and tested.get("last_health_check"),
          "connection_test answered the recorded health")
    wd.screenshot("e2e-connections-test.png")

    log = wd.execute("return window.__ipcLog || [];")[before:]
    commands = {e["cmd"] for e in log}
    check({"connect_credential", "connection_test"} <= commands, "the recorder saw connect and test")
    check(not [e["cmd"] for e in log for k in (GOOD_KEY, WRONG_KEY) if k in (e.get("answer") or "")],
          "no answer sent to the webview held either key")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def approve(authorization_url):
    """Drives the stand-in's consent page as the browser would; returns where it redirects."""
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(authorization_url, timeout=10)
    except urllib.error.HTTPError as err:
        if err.code == 302:
            return err.headers["Location"]
        raise
    raise AssertionError("the stand-in's authorize endpoint did not redirect")


def ipc_answer(wd, command):
    """The last recorded answer to `command`, parsed."""
    log = wd.execute("return window.__ipcLog || [];")
    answers = [e for e in log if e["cmd"] == command and e.get("answer")]
    check(bool(answers), f"the page called {command} and got an answer")
    return json.loads(answers[-1]["answer"])


def open_standin_dialog(wd, ident="standin_salesforce"):
    """Marketplace › the stand-in's card › Connect, through Unlock when the vault is locked."""
    wd.click(wd.wait_all('[data-testid="nav-marketplace"]')[0])
    clear = wd.find_all('button[aria-label="Clear search"]')
    if clear:
        wd.click(clear[0])
    wd.click(wd.wait_all(f'[data-testid="connector-card"][data-connector-id="{ident}"]')[0])
    wd.click(wd.wait_all('[data-testid="connector-sheet"] [data-testid="connect-button"]',
                         what="the sheet's Connect button for an OAuth connector")[0])
    shown = wd.wait_all('[data-testid="connect-dialog"], [data-testid="unlock"]',
                        what="the connect dialog or the unlock screen")
    if wd.attr(shown[0], "data-testid") == "unlock":
        wd.type(wd.find_all('[data-testid="unlock-passphrase"]')[0], E2E_PASSPHRASE)
        wd.click(wd.find_all('[data-testid="unlock-submit"]')[0])
    wd.wait_all(f'[data-testid="connect-dialog"][data-connector-id="{ident}"]', timeout=30,
                what="the stand-in's connect dialog")


def oauth_flow(wd, app, standin):
    check(wd.execute(IPC_RECORDER), "every command the page invokes is recorded again after the restart")
    print("OAuth: set the OAuth app")
    open_standin_dialog(wd)
    wd.wait_all('[data-testid="oauth-app-form"]', what="the OAuth app form")
    connect = wd.find_all('[data-testid="oauth-connect"]')[0]
    check(wd.attr(connect, "disabled") is not None, "Connect is disabled until an OAuth app is set")
    hint = wd.find_all('[data-testid="oauth-connect-hint"]')
    check(bool(hint) and "client ID" in wd.text(hint[0]), "a hint says why Connect is disabled")
    uris = wd.content(wd.find_all('[data-testid="oauth-redirect-uris"]')[0])
    check("keyport://oauth/callback" in uris, "the form shows the redirect URI to register")
    wd.type(wd.find_all('[data-testid="oauth-client-id"]')[0], "e2e-standin-client")
    wd.type(wd.find_all('[data-testid="oauth-client-secret"]')[0], "E2E_CLIENT_SECRET_3f9a")
    wd.screenshot("e2e-oauth-app.png")
    wd.click(wd.find_all('[data-testid="oauth-app-save"]')[0])
    summary = wd.wait_all('[data-testid="oauth-app-client-id"]', timeout=30, what="the saved OAuth app")
    check(wd.text(summary[0]) == "e2e-standin-client", "the saved app shows its client ID")
    check(not page_leaks(wd, "E2E_CLIENT_SECRET_3f9a"), "the client secret is gone from the page once saved")
    app_answer = ipc_answer(wd, "oauth_app_set")
    check(app_answer.get("has_client_secret") is True and "E2E_CLIENT_SECRET" not in json.dumps(app_answer),
          "the shell says a secret is stored, without echoing it")
    # Saving the same app again with the secret field left empty keeps the stored secret (the
    # stand-in is a public client like Keyport's Salesforce app, so it is never sent anyway).
    wd.click(wd.find_all('[data-testid="oauth-app-change"]')[0])
    wd.wait_all('[data-testid="oauth-app-form"]', what="the OAuth app form again")
    wd.click(wd.find_all('[data-testid="oauth-app-save"]')[0])
    wd.wait_all('[data-testid="oauth-app-summary"]', lambda els: bool(els) and "Stored in your vault" in wd.text(els[0]),
                timeout=30, what="the app saved again, its secret kept")
    check(ipc_answer(wd, "oauth_app_set").get("has_client_secret") is True,
          "saving again without a secret keeps the stored one")
    wd.screenshot("e2e-oauth-app-set.png")

    print("OAuth: Connect, wait, approve, come back by deep link")
    wd.click(wd.wait_all('[data-testid="oauth-connect"]', lambda els: bool(els) and wd.attr(els[0], "disabled") is None,
                         what="Connect enabled")[0])
    wait = wd.wait_all('[data-dialog="oauth-wait"]', timeout=30, what="the waiting dialog")
    title = wd.text(wd.find_all('[data-dialog="oauth-wait"] h2')[0])
    check(title == "Waiting for Stand-in Salesforce…", f"the waiting dialog is titled {title!r}")
    check("127.0.0.1" in wd.text(wait[0]), "it names the host the browser signs in at")
    wd.screenshot("e2e-oauth-waiting.png")
    started = ipc_answer(wd, "oauth_start")
    auth_url = started["authorization_url"]
    check(auth_url.startswith(standin.base + "/services/oauth2/authorize?"),
          "oauth_start answered the stand-in's authorization URL")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(auth_url).query))
    check(query.get("code_challenge_method") == "S256" and "code_verifier" not in query,
          "the sign-in uses PKCE S256 and the verifier stays in the core")
    callback = approve(auth_url)
    check(callback.startswith("keyport://oauth/callback?code="), "the stand-in redirects to keyport://")
    second = subprocess.run([app, callback], capture_output=True, text=True, timeout=30)
    check(second.returncode == 0, "the second launch hands the callback over and exits 0")
    done = wd.wait_all('[data-testid="connect-done"]', timeout=30, what="the Done step")
    check("connected" in wd.text(done[0]).lower(), "the dialog shows Done")
    check(standin.exchanges == ["ok"], f"the code was exchanged once with the right verifier ({standin.exchanges})")
    check(standin.userinfo_ok >= 1, "the core checked the token against /userinfo")
    wd.screenshot("e2e-oauth-done.png")

    print("OAuth: the connection, and no token in the webview")
    wd.click(wd.find_all('[data-testid="open-connection"]')[0])
    rows = wd.wait_all('[data-testid="connection-row"]',
                       lambda els: any("Stand-in Salesforce" in wd.content(e) for e in els),
                       timeout=30, what="the stand-in connection on the Connections page")
    check(any("Stand-in Salesforce" in wd.content(e) for e in rows), "the Connections page lists the stand-in connection")
    wd.screenshot("e2e-oauth-connections.png")
    log = wd.execute("return window.__ipcLog || [];")
    tokens = list(standin.issued) + list(standin.refresh)
    leaks = [e["cmd"] for e in log for t in tokens
             if t in (e.get("answer") or "") or t in (e.get("args") or "")]
    check(not leaks, f"no IPC answer held the stand-in's access or refresh token (leaked by: {leaks})")
    check(not any(page_leaks(wd, t) for t in tokens), "no token is in the page or web storage")

    print("OAuth: a replayed callback in the paste field, then Cancel")
    open_standin_dialog(wd)
    wd.click(wd.wait_all('[data-testid="oauth-connect"]', lambda els: bool(els) and wd.attr(els[0], "disabled") is None,
                         what="Connect enabled for the second sign-in")[0])
    wd.wait_all('[data-dialog="oauth-wait"]', timeout=30, what="the second waiting dialog")
    second_start = ipc_answer(wd, "oauth_start")
    check(second_start["flow_id"] != started["flow_id"], "a second sign-in is a new flow")
    wd.click(wd.find_all('[data-testid="oauth-paste-toggle"]')[0])
    field = wd.wait_all('[data-testid="oauth-paste"]', what="the paste field")[0]
    wd.type(field, callback)
    wd.click(wd.find_all('[data-testid="oauth-paste-submit"]')[0])
    err = wd.wait_all('[data-testid="oauth-paste-error"]', timeout=30, what="the paste error")
    check("oauth.state_used" in wd.text(err[0]), "a replayed callback is refused as oauth.state_used")
    check(wd.execute("return arguments[0].value;", {"element-6066-11e4-a52e-4f735466cecf":
                     wd.find_all('[data-testid="oauth-paste"]')[0]}) == "",
          "the paste field is cleared on submit")
    check(not page_leaks(wd, urllib.parse.parse_qs(urllib.parse.urlsplit(callback).query)["code"][0]),
          "the pasted code is not kept in the page")
    check(standin.exchanges == ["ok"], "the replay never reached the token endpoint")
    wd.screenshot("e2e-oauth-paste-used.png")
    wd.click(wd.find_all('[data-testid="oauth-cancel"]')[0])
    wd.wait_all('[data-testid="connect-dialog"]', lambda els: not els, what="the dialog to close on Cancel")
    late = approve(second_start["authorization_url"])
    subprocess.run([app, late], capture_output=True, text=True, timeout=30)
    banner = wd.wait_all('[data-testid="callback-error"]',
                         lambda els: any("oauth.state_used" in wd.text(e) for e in els),
                         timeout=30, what="the refusal of a cancelled sign-in's callback")
    check(bool(banner), "Cancel ended the flow: its late callback is refused as oauth.state_used")
    check(standin.exchanges == ["ok"], "the cancelled flow's code was never exchanged")
    wd.click(wd.find_all('[data-testid="connector-sheet"] button[aria-label="Close details"]')[0])
    wd.wait_all('[data-testid="connector-sheet"]', lambda els: not els, what="the sheet to close")
    wd.click(wd.find_all('[data-testid="callback-error"] .button-quiet')[0])

    print("OAuth: a refusal at the provider, Try again, then Esc")
    open_standin_dialog(wd)
    wd.click(wd.wait_all('[data-testid="oauth-connect"]', lambda els: bool(els) and wd.attr(els[0], "disabled") is None,
                         what="Connect enabled for the third sign-in")[0])
    wd.wait_all('[data-dialog="oauth-wait"]', timeout=30, what="the third waiting dialog")
    third = ipc_answer(wd, "oauth_start")
    state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(third["authorization_url"]).query))["state"]
    denied = "keyport://oauth/callback?" + urllib.parse.urlencode(
        {"error": "access_denied", "error_description": "end-user denied authorization", "state": state})
    subprocess.run([app, denied], capture_output=True, text=True, timeout=30)
    failed = wd.wait_all('[data-testid="oauth-failed"]', timeout=30, what="the failed step")
    check(wd.attr(failed[0], "data-code") == "oauth.denied", "the waiting dialog shows the refusal as oauth.denied")
    check("declined" in wd.text(failed[0]), "with a sentence saying what happened")
    check(not wd.find_all('[data-testid="callback-error"]'), "the dialog took its own refusal (no page banner)")
    wd.screenshot("e2e-oauth-failed.png")
    wd.click(wd.find_all('[data-testid="oauth-retry"]')[0])
    wd.wait_all('[data-dialog="oauth-wait"]', timeout=30, what="the waiting dialog after Try again")
    fourth = ipc_answer(wd, "oauth_start")
    check(fourth["flow_id"] != third["flow_id"], "Try again starts a new sign-in")
    wd.key("\ue00c")
    wd.wait_all('[data-testid="connect-dialog"]', lambda els: not els, what="Esc to close the waiting dialog")
    late = approve(fourth["authorization_url"])
    subprocess.run([app, late], capture_output=True, text=True, timeout=30)
    banner = wd.wait_all('[data-testid="callback-error"]',
                         lambda els: any("oauth.state_used" in wd.text(e) for e in els),
                         timeout=30, what="the refusal of the callback after Esc")
    check(bool(banner), "Esc cancelled the flow in the core too")
    check(standin.exchanges == ["ok"], "only the first sign-in's code was ever exchanged")
    wd.click(wd.find_all('[data-testid="connector-sheet"] button[aria-label="Close details"]')[0])
    wd.wait_all('[data-testid="connector-sheet"]', lambda els: not els, what="the sheet to close")

    print("OAuth: a loopback redirect (the shell's own wait)")
    ident = "standin_salesforce_loopback"
    open_standin_dialog(wd, ident)
    wd.type(wd.wait_all('[data-testid="oauth-client-id"]', what="the loopback stand-in's app form")[0],
            "e2e-loopback-client")
    wd.click(wd.find_all('[data-testid="oauth-app-save"]')[0])
    wd.wait_all('[data-testid="oauth-app-summary"]', timeout=30, what="the loopback app saved")
    uris = wd.content(wd.find_all('[data-testid="oauth-redirect-uris"]')[0])
    check("http://127.0.0.1/oauth/callback" in uris, "a loopback connector shows the loopback redirect to register")
    wd.click(wd.find_all('[data-testid="oauth-connect"]')[0])
    wd.wait_all('[data-dialog="oauth-wait"]', timeout=30, what="the loopback waiting dialog")
    started = ipc_answer(wd, "oauth_start")
    check(started["redirect"] == "loopback", "the sign-in waits on loopback")
    back = approve(started["authorization_url"])
    check(back.startswith("http://127.0.0.1:") and "/oauth/callback?code=" in back,
          "the stand-in redirects to the flow's loopback listener")
    with urllib.request.urlopen(back, timeout=30) as resp:
        page = resp.read().decode()
    check("Back to Keyport" in page, "the listener answers the browser with a short page")
    done = wd.wait_all('[data-testid="connect-done"]', timeout=30, what="Done after the loopback redirect")
    check("connected" in wd.text(done[0]).lower(), "the loopback completion reaches the waiting dialog")
    check(standin.exchanges == ["ok", "ok"], f"the loopback code was exchanged once ({standin.exchanges})")
    wd.click(wd.find_all('[data-testid="open-connection"]')[0])
    rows = wd.wait_all('[data-testid="connection-row"]',
                       lambda els: any("loopback" in wd.content(e) for e in els),
                       timeout=30, what="the loopback connection on the Connections page")
    check(len(rows) == 3, f"the Connections page lists both OAuth connections beside the API key ({len(rows)} rows)")
    log = wd.execute("return window.__ipcLog || [];")
    tokens = list(standin.issued) + list(standin.refresh)
    check(not [e for e in log for t in tokens if t in (e.get("answer") or "")],
          "still no token in any IPC answer")


def main():
    app = os.path.abspath(sys.argv[1])
    data_dir = tempfile.mkdtemp(prefix="keyport-e2e-")
    os.environ["KEYPORT_DATA_DIR"] = data_dir
    expected = json.loads(subprocess.run(
        [os.path.join(ROOT, "target", "debug", "keyport"), "catalog", "show", "salesforce", "--json"],
        check=True, capture_output=True, text=True).stdout)

    os.makedirs(os.path.join(ROOT, "target"), exist_ok=True)
    log = open(os.path.join(ROOT, "target", "e2e-driver.log"), "w")
    standin = None
    keys = None
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
        # The stand-in Salesforce, added while the app is down (custom connectors load at start).
        standin = StandIn()
        connector = os.path.join(data_dir, "standin_salesforce.toml")
        with open(connector, "w") as f:
            f.write(standin_connector(standin.base))
        subprocess.run([os.path.join(ROOT, "target", "debug", "keyport"), "--data-dir", data_dir,
                        "catalog", "add", connector], check=True, capture_output=True, text=True)
        loopback = os.path.join(data_dir, "standin_salesforce_loopback.toml")
        with open(loopback, "w") as f:
            f.write(standin_connector(standin.base, "standin_salesforce_loopback",
                                      "Stand-in Salesforce loopback", ["loopback"]))
        subprocess.run([os.path.join(ROOT, "target", "debug", "keyport"), "--data-dir", data_dir,
                        "catalog", "add", loopback], check=True, capture_output=True, text=True)
        # The stand-in SendGrid key service, for the live key checks.
        keys = KeyStandIn()
        sendgrid = os.path.join(data_dir, "standin_sendgrid.toml")
        with open(sendgrid, "w") as f:
            f.write(key_standin_connector(keys.port))
        subprocess.run([os.path.join(ROOT, "target", "debug", "keyport"), "--data-dir", data_dir,
                        "catalog", "add", sendgrid], check=True, capture_output=True, text=True)
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
        for dismiss in wd.find_all('[data-testid="callback-error"] .button-quiet'):
            wd.click(dismiss)

        oauth_flow(wd, app, standin)
        key_check_flow(wd, keys)
        print("E2E passed")
    except AssertionError:
        # What the window showed when it went wrong, for whoever reads the CI log.
        try:
            wd.screenshot("e2e-failure.png")
            # The commands the page invoked, by name only (arguments may hold a passphrase).
            calls = [e["cmd"] for e in wd.execute("return window.__ipcLog || [];")]
            print(f"  commands invoked since the recorder started: {calls}")
        except Exception:
            pass
        raise
    finally:
        wd.quit()
        driver.stop()
        if standin:
            standin.stop()
        if keys:
            keys.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except AssertionError as err:
        print(f"E2E FAILED: {err}", file=sys.stderr)
        sys.exit(1)
