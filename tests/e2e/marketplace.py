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
its connect offers "Store without checking". Then the wizard for the other types: the type chooser
and the step line (Snowflake), Google key files by their path (a cut-off one refused at the field
with its code, a good one showing its service account and project, its private key never in the
page or an IPC answer), a database login against a real
redis-server started here (a wrong password refused at its field, a pasted redis:// URL filling
the fields with its password moved into the password field, the right one checked, stored and
tested), and a service account against a stand-in Microsoft Entra + Azure Resource Manager on
127.0.0.1 (a wrong client secret refused, the right one checked); no password, secret or token
reaches the page, web storage or an IPC answer. Screenshots go to target/screenshots/. Any failed
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
        # WebKitWebDriver returns the last painted frame: let the page paint what the checks
        # just saw (two animation frames), and the 200 ms dialog animation end, first.
        self.s("POST", "/execute/async", {"script": "const done = arguments[arguments.length - 1];"
               " requestAnimationFrame(() => requestAnimationFrame(() => done(true)));", "args": []})
        time.sleep(0.3)
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
    wd.type(wd.find_all('[data-testid="field-secret"]')[0], SENTINEL)
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
    rows = wd.wait_all('[data-testid="connection-row"]', lambda els: bool(els) and "SendGrid" in wd.content(els[0]),
                       what="the connection row")
    check(len(rows) == 1, "the Connections page lists the new connection")
    check("SendGrid" in wd.content(rows[0]), "the row names the connector")
    check(not page_leaks(wd, SENTINEL), "the list holds no secret")
    wd.screenshot("e2e-connections.png")

    print("Lock and unlock")
    wd.click(wd.find_all('[data-testid="vault-state"] button')[0])
    wd.wait_all('[data-testid="vault-state"]',
                lambda els: bool(els) and "locked" in wd.text(els[0]).lower() and "unlocked" not in wd.text(els[0]).lower(),
                what="the locked state")
    wd.click(wd.find_all('[data-testid="vault-state"] button')[0])
    wd.wait_all('[data-testid="unlock"]', what="the unlock screen")
    wd.type(wd.find_all('[data-testid="unlock-passphrase"]')[0], "not the passphrase")
    wd.click(wd.find_all('[data-testid="unlock-submit"]')[0])
    wd.wait_all('[data-testid="unlock"]', lambda els: bool(els) and "vault.wrong_passphrase" in wd.text(els[0]),
                timeout=30, what="the wrong-passphrase error")
    wd.screenshot("e2e-unlock-wrong.png")
    field = wd.find_all('[data-testid="unlock-passphrase"]')[0]
    # Empty the field the way the page sees it (WebDriver's clear fires no input event).
    wd.execute("arguments[0].value = ''; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
                {"element-6066-11e4-a52e-4f735466cecf": field})
    wd.type(field, E2E_PASSPHRASE)
    wd.click(wd.find_all('[data-testid="unlock-submit"]')[0])
    state = wd.wait_all('[data-testid="vault-state"]', lambda els: bool(els) and "unlocked" in wd.text(els[0]).lower(),
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


class JsonHandler(http.server.BaseHTTPRequestHandler):
    """What every stand-in's handler shares: no request log, and JSON answers."""

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

        class Handler(JsonHandler):

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

        class Handler(JsonHandler):

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
    secret = wd.wait_all('[data-testid="field-secret"]', what="the key field")[0]
    wd.type(secret, WRONG_KEY)
    wd.click(wd.find_all('[data-testid="connect-submit"]')[0])
    refused = wd.wait_all('[data-testid="field-refused"][data-field="secret"]', timeout=30,
                          what="the inline key refusal")
    check(wd.attr(refused[0], "data-code") == "provider.key_rejected",
          "the refused key is shown on the key field as provider.key_rejected")
    check("401" in wd.text(refused[0]), f"the message names the HTTP status ({wd.text(refused[0])!r})")
    secret = wd.find_all('[data-testid="field-secret"]')[0]
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

    no_answer_holds(wd, before, (GOOD_KEY, WRONG_KEY), {"connect_credential", "connection_test"},
                    "either key")


def no_answer_holds(wd, before, secrets, commands, what):
    """No command answered since log entry `before` held any of `secrets` (THREATS.md row 9), and
    the recorder saw `commands` meanwhile."""
    log = wd.execute("return window.__ipcLog || [];")[before:]
    seen = {e["cmd"] for e in log}
    check(commands <= seen, f"the recorder saw {', '.join(sorted(commands))}")
    leaks = [e["cmd"] for e in log for k in secrets if k in (e.get("answer") or "")]
    check(not leaks, f"no answer sent to the webview held {what} (leaked by: {leaks})")


ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


def value_of(wd, el):
    return wd.execute("return arguments[0].value;", {ELEMENT: el})


def set_field(wd, el, text):
    """Replaces a field's text the way the page sees it: emptied with an input event (WebDriver's
    clear fires none), then typed."""
    wd.execute("arguments[0].value = ''; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
               {ELEMENT: el})
    if text:
        wd.type(el, text)


def field(wd, key):
    return wd.wait_all(f'[data-testid="connect-dialog"] [data-testid="field-{key}"]', what=f"the {key} field")[0]


def dialog_a11y(wd):
    """UI.md section 7 in the open dialog: every control has a visible <label for>, every
    aria-describedby names elements that exist, and the dialog fits the window with a scrolling
    body."""
    found = wd.execute("""
        const d = document.querySelector('[data-testid="connect-dialog"]');
        const controls = [...d.querySelectorAll('input:not([type=radio]), select, textarea')];
        const unlabelled = controls.filter(c => {
            const l = d.querySelector('label[for="' + c.id + '"]');
            return !l || !l.textContent.trim() || l.getBoundingClientRect().height === 0;
        }).map(c => c.id || c.outerHTML.slice(0, 60));
        const dangling = controls.flatMap(c => (c.getAttribute('aria-describedby') || '').split(' ')
            .filter(id => id && !document.getElementById(id)));
        const radios = [...d.querySelectorAll('input[type=radio]')].filter(r => !r.closest('label'));
        const body = d.querySelector('.dialog-body');
        return {unlabelled, dangling, radios: radios.length,
                height: d.getBoundingClientRect().height, window: window.innerHeight,
                width: d.getBoundingClientRect().width,
                scrolls: getComputedStyle(body).overflowY};""")
    check(not found["unlabelled"], f"every field in the dialog has a visible label ({found['unlabelled']})")
    check(not found["dangling"], f"every aria-describedby points at text on the page ({found['dangling']})")
    check(found["radios"] == 0, "every radio sits in its label")
    check(found["height"] <= found["window"] - 48 + 0.5,
          f"the dialog fits the window less 48 px ({found['height']:.0f} of {found['window']})")
    check(found["width"] <= 640.5, f"the dialog is at most 640 px wide ({found['width']:.0f})")
    check(found["scrolls"] == "auto", "the dialog body scrolls")


def focus_moves_to(wd, element_id, timeout=5.0):
    """Whether focus lands on the element with `element_id` within `timeout` (focus may move a
    task after the render)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if wd.execute("return document.activeElement && document.activeElement.id;") == element_id:
            return True
        time.sleep(0.05)
    return False


# ---------- The wizard for every connection type ----------

def type_chooser_flow(wd):
    """A connector with two types (Snowflake: service account and API key): the chooser, the step
    line, each type's fields, Esc closing the dialog with focus back on Connect; Google key files
    by their path: a cut-off one refused at the field, a good one named by what it says about
    itself, its private key never reaching the page."""
    print("Wizard: the type chooser")
    open_standin_dialog(wd, "snowflake")
    chooser = wd.wait_all('[data-testid="type-choice"]', what="the type chooser")
    radios = wd.find_all('[data-testid="type-choice"] input[type="radio"]')
    check([wd.attr(r, "value") for r in radios] == ["service_account", "api_key"],
          "Snowflake offers a service account and an API key, in its own order")
    check(wd.execute("return arguments[0].checked;", {ELEMENT: radios[0]}), "the first type is chosen")
    check("Private key" in wd.content(chooser[0]), "each choice names what it asks for")
    steps = wd.find_all('[data-testid="connect-dialog"] [data-testid="wizard-steps"]')
    check(bool(steps) and "Step 2 of 4" in wd.content(steps[0]),
          f"two types: the step line reads Step 2 of 4 ({wd.content(steps[0]) if steps else None!r})")
    current = wd.find_all('[data-testid="wizard-steps"] [aria-current="step"]')
    check(len(current) == 1 and wd.content(current[0]).strip() == "Details", "the current step, Details, is aria-current")
    check([wd.content(li).strip() for li in wd.find_all('[data-testid="wizard-steps"] li')]
          == ["Type", "Details", "Verify", "Done"], "the steps are Type, Details, Verify, Done")
    key = field(wd, "key_file")
    check(wd.execute("return arguments[0].tagName + ':' + arguments[0].type;", {ELEMENT: key}) == "INPUT:text",
          "the private key is asked for as a key file's path, not pasted")
    label = wd.find_all('[data-testid="connect-dialog"] label[for="field-key_file"]')
    check(bool(label) and wd.content(label[0]).startswith("Key file"), "labelled Key file")
    check("rsa_key.p8" in wd.content(wd.find_all('[data-field="key_file"] .field-help')[0]),
          "the help under it is the field's own")
    check(bool(wd.find_all('[data-field="key_file"] [data-testid="key-file-choose"]')),
          "with Choose file… beside it for the system's file chooser")
    check(bool(wd.find_all('[data-testid="field-account"]')) and bool(wd.find_all('[data-testid="field-user"]')),
          "the account and user settings come with it")
    dialog_a11y(wd)
    wd.screenshot("e2e-wizard-type-chooser.png")
    wd.click(wd.find_all('[data-testid="type-api_key"]')[0])
    wd.wait_all('[data-testid="connect-dialog"] [data-testid="field-secret"]', what="the API key form")
    check(not wd.find_all('[data-testid="field-key_file"]'), "another type replaces the fields")
    check(wd.text(wd.find_all('[data-testid="connect-dialog"] .dialog-subtitle')[0]) == "API key",
          "the subtitle names the chosen type")
    wd.key("\ue00c")
    wd.wait_all('[data-testid="connect-dialog"]', lambda els: not els, what="Esc to close the wizard")
    opener = wd.wait_all('[data-testid="connector-sheet"] [data-testid="connect-button"]',
                         lambda els: bool(els) and wd.execute("return document.activeElement === arguments[0];",
                                                              {ELEMENT: els[0]}),
                         timeout=5, what="focus back on the sheet's Connect button")
    check(bool(opener), "focus returns to the sheet's Connect button")
    wd.click(wd.find_all('[data-testid="connector-sheet"] button[aria-label="Close details"]')[0])

    print("Wizard: Google key files by their path")
    files = tempfile.mkdtemp(prefix="keyport-e2e-keys-")
    broken = os.path.join(files, "cut-off.json")
    with open(broken, "w") as f:
        f.write('{"type": "service_account", "project_id": "e2e"')
    good = os.path.join(files, "keyport-e2e.json")
    with open(good, "w") as f:
        json.dump({"type": "service_account", "project_id": "keyport-e2e",
                   "private_key_id": "e2e", "private_key": GCP_PRIVATE_KEY,
                   "client_email": "keyport-e2e@keyport-e2e.iam.gserviceaccount.com",
                   "token_uri": "https://oauth2.googleapis.com/token"}, f)
    before = len(wd.execute("return window.__ipcLog || [];"))
    try:
        open_standin_dialog(wd, "gcp")
        check(not wd.find_all('[data-testid="type-choice"]'), "one type: no chooser")
        steps = wd.find_all('[data-testid="wizard-steps"]')
        check(bool(steps) and "Step 1 of 3" in wd.content(steps[0]), "one type: Step 1 of 3, no Type step")
        key = field(wd, "key_file")
        set_field(wd, key, broken)
        wd.key("\ue004")  # Tab: the path is committed and the core reads the file
        refused = wd.wait_all('[data-testid="field-refused"][data-field="key_file"]', timeout=30,
                              what="the key file refusal at its field")
        check(wd.attr(refused[0], "data-code") == "service_account.invalid",
              "a cut-off key file is service_account.invalid, shown at the path as soon as it is typed")
        check("cut off" in wd.content(refused[0]), "the message says what is wrong with the file")
        check("Code: service_account.invalid" in wd.content(refused[0]), "with its code")
        key = field(wd, "key_file")
        check(wd.attr(key, "aria-invalid") == "true", "the path is marked invalid")
        check(wd.attr(refused[0], "id") in (wd.attr(key, "aria-describedby") or "").split(),
              "the refusal is the field's description")
        wd.click(wd.find_all('[data-testid="connect-submit"]')[0])
        deadline = time.monotonic() + 30
        while not [e for e in wd.execute("return window.__ipcLog || [];")[before:]
                   if e["cmd"] == "connect_credential" and e.get("answer")]:
            if time.monotonic() > deadline:
                raise AssertionError("connect_credential did not answer")
            time.sleep(0.1)
        check("service_account.invalid" in ipc_answer(wd, "connect_credential").get("code", ""),
              "Connect with the cut-off file is refused by the core as service_account.invalid")
        refused = wd.wait_all('[data-testid="field-refused"][data-field="key_file"]', timeout=30,
                              what="the key file refusal after Connect")
        check(wd.attr(refused[0], "data-code") == "service_account.invalid",
              "Connect sends the path and the core refuses the same file at the field")
        sent = [e for e in wd.execute("return window.__ipcLog || [];")[before:] if e["cmd"] == "connect_credential"]
        args = json.loads(sent[-1]["args"]) if sent else {}
        check(args.get("keyFile") == broken and "key_json" not in args.get("secrets", {}),
              f"connect_credential got the path as keyFile and no key_json secret ({args.get('secrets')})")
        check(value_of(wd, field(wd, "key_file")) == broken, "the path is kept so it can be fixed")
        check(not page_leaks(wd, '"project_id": "e2e"'), "the file's contents are not in the page")
        wd.screenshot("e2e-wizard-key-file-invalid.png")

        set_field(wd, field(wd, "key_file"), good)
        wd.key("\ue004")
        facts = wd.wait_all('[data-field="key_file"] [data-testid="key-facts"]', timeout=30,
                            what="what the good key file says about itself")
        text = wd.content(facts[0])
        check("keyport-e2e@keyport-e2e.iam.gserviceaccount.com" in text and "Service account" in text,
              f"the facts name the service account ({text!r})")
        check("Project" in text and "keyport-e2e" in text, "and the project")
        check(not wd.find_all('[data-testid="field-refused"][data-field="key_file"]'),
              "the older refusal is gone once a good file is read")
        check(wd.attr(field(wd, "key_file"), "aria-invalid") is None, "the path is no longer marked invalid")
        described = wd.attr(field(wd, "key_file"), "aria-describedby") or ""
        check("field-key_file-note" in described.split(), "the facts describe the field")
        dialog_a11y(wd)
        wd.screenshot("e2e-wizard-key-file-facts.png")
        marker = GCP_PRIVATE_KEY.splitlines()[1]
        check(not page_leaks(wd, marker), "the private key is nowhere in the page or web storage")
        no_answer_holds(wd, before, (marker, "BEGIN PRIVATE KEY"), {"key_file_describe", "connect_credential"},
                        "the key file's private key")
        log = wd.execute("return window.__ipcLog || [];")[before:]
        check(not [e for e in log if marker in (e.get("args") or "")],
              "and no call the page made carried it: only the path crossed")
        wd.click(wd.find_all('[data-testid="connect-dialog"] button[aria-label="Close"]')[0])
        wd.wait_all('[data-testid="connect-dialog"]', lambda els: not els, what="Close to close the wizard")
        wd.click(wd.find_all('[data-testid="connector-sheet"] button[aria-label="Close details"]')[0])
    finally:
        shutil.rmtree(files, ignore_errors=True)


# A dummy private key for the good key file: the core reads the file, the page must never see it.
GCP_PRIVATE_KEY = ("-----BEGIN PRIVATE KEY-----\n"
                   "MIIE_E2E_GCP_DUMMY_PRIVATE_KEY_BODY_5b9e0c\n"
                   "-----END PRIVATE KEY-----\n")


REDIS_PASSWORD = "e2e-redis-pw-8c3f1a"
REDIS_WRONG = "e2e-redis-wrong-77d0"


class Redis:
    """A throwaway redis-server on 127.0.0.1 with a password and no persistence."""

    def __init__(self):
        self.port = free_port()
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--requirepass", REDIS_PASSWORD, "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(64):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise AssertionError("redis-server did not start")
            time.sleep(0.1)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def database_flow(wd, redis):
    """The database wizard against the real Redis: Fields entry, a wrong password refused at the
    password field, the right one checked and stored, then the row and its health on Connections."""
    print("Database wizard: Redis by field, a wrong password first")
    before = len(wd.execute("return window.__ipcLog || [];"))
    open_standin_dialog(wd, "redis")
    entry = wd.wait_all('[data-testid="db-entry-choice"] input[type="radio"]', what="the Fields / URL choice")
    check([wd.attr(r, "value") for r in entry] == ["fields", "url"], "the login is entered by field or as a URL")
    check(wd.execute("return arguments[0].checked;", {ELEMENT: entry[0]}), "by field is the default")
    check(value_of(wd, field(wd, "port")) == "6379", "the port starts at Redis's default")
    tls = field(wd, "tls")
    check(wd.execute("return arguments[0].tagName;", {ELEMENT: tls}) == "SELECT", "the TLS mode is a select")
    check(wd.execute("return [...arguments[0].options].map(o => o.value);", {ELEMENT: tls}) ==
          ["none", "secure", "insecure"] and value_of(wd, tls) == "none",
          "of the catalog's TLS modes, the first chosen")
    check(wd.attr(field(wd, "password"), "type") == "password", "the password is a password field")
    asked = len(wd.execute("return window.__ipcLog || [];"))
    wd.click(wd.find_all('[data-testid="connect-submit"]')[0])
    missing = wd.wait_all('[data-testid="connect-dialog"] [data-field="host"] [data-testid="field-missing"]',
                          what="the empty host marked")
    check("Enter Host" in wd.content(missing[0]), "an empty required field says what to enter")
    check(focus_moves_to(wd, "field-host"), "and takes the focus")
    check(len(wd.execute("return window.__ipcLog || [];")) == asked, "nothing is sent with a field missing")
    set_field(wd, field(wd, "host"), "127.0.0.1")
    set_field(wd, field(wd, "port"), "70000")
    wd.click(wd.find_all('[data-testid="connect-submit"]')[0])
    bad = wd.wait_all('[data-testid="field-refused"][data-field="port"]', timeout=30, what="the bad port at its field")
    check(wd.attr(bad[0], "data-code") == "connection.invalid", "a port out of range is connection.invalid, at the port")
    set_field(wd, field(wd, "port"), str(redis.port))
    wd.type(field(wd, "password"), REDIS_WRONG)
    dialog_a11y(wd)
    wd.screenshot("e2e-wizard-database-fields.png")
    wd.click(wd.find_all('[data-testid="connect-submit"]')[0])
    refused = wd.wait_all('[data-testid="field-refused"][data-field="password"]', timeout=30,
                          what="the wrong password refused at its field")
    check(wd.attr(refused[0], "data-code") == "db.auth_failed", "a wrong password is db.auth_failed")
    password = field(wd, "password")
    check(wd.attr(password, "aria-invalid") == "true", "the password field is marked invalid")
    check(wd.attr(refused[0], "id") in (wd.attr(password, "aria-describedby") or "").split(),
          "the refusal is the password field's description")
    check(value_of(wd, password) == "", "the password field is cleared for retyping")
    check(value_of(wd, field(wd, "host")) == "127.0.0.1" and value_of(wd, field(wd, "port")) == str(redis.port),
          "host and port are kept")
    check(focus_moves_to(wd, "field-password"), "focus is on the password field")
    check(not page_leaks(wd, REDIS_WRONG), "the wrong password is nowhere in the page")
    dialog_a11y(wd)
    wd.screenshot("e2e-wizard-database-error.png")

    print("Database wizard: a server that does not answer")
    closed = free_port()
    set_field(wd, field(wd, "port"), str(closed))
    wd.type(field(wd, "password"), REDIS_PASSWORD)
    wd.click(wd.find_all('[data-testid="connect-submit"]')[0])
    offer = wd.wait_all('[data-testid="store-unchecked"]', timeout=30, what='"Store without checking" for a closed port')
    shown = wd.find_all('[data-testid="connect-dialog"] [data-testid="form-error"]')
    check(bool(shown) and wd.attr(shown[0], "data-code") == "db.unreachable",
          "a closed port is db.unreachable, under the form")
    check(f"127.0.0.1:{closed}" in wd.content(shown[0]) or str(closed) in wd.content(shown[0]),
          f"the message names host and port ({wd.content(shown[0])!r})")
    check(bool(offer) and value_of(wd, field(wd, "password")) == REDIS_PASSWORD,
          "Store without checking is offered, the password still in its field")
    check(not page_leaks(wd, REDIS_PASSWORD), "and only there")
    wd.screenshot("e2e-wizard-database-unreachable.png")
    set_field(wd, field(wd, "port"), str(redis.port))
    set_field(wd, field(wd, "password"), "")
    # The smallest window (900 x 600): the dialog still fits with its buttons, the body scrolls.
    wd.s("POST", "/window/rect", {"width": 900, "height": 600})
    wd.wait_all('[data-testid="connect-dialog"]', lambda els: wd.execute("return window.innerHeight;") <= 620,
                timeout=10, what="the window at 900 x 600")
    dialog_a11y(wd)
    footer = wd.execute("""const f = document.querySelector('[data-testid="connect-dialog"] .dialog-footer');
        const r = f.getBoundingClientRect(); return r.bottom <= window.innerHeight && r.height > 0;""")
    check(footer, "the dialog's buttons stay on screen at 900 x 600")
    wd.screenshot("e2e-wizard-database-small-window.png")
    wd.s("POST", "/window/rect", {"width": 1280, "height": 800})
    wd.wait_all('[data-testid="connect-dialog"]', lambda els: wd.execute("return window.innerHeight;") >= 780,
                timeout=10, what="the window back at 1280 x 800")

    print("Database wizard: the URL entry, then the right password")
    wd.click(wd.find_all('[data-testid="db-entry-url"]')[0])
    url = field(wd, "url")
    check(wd.attr(url, "type") == "password", "URL entry is one password-type field (the URL holds the password)")
    check(not wd.find_all('[data-testid="field-host"]'), "and replaces the login fields")
    wd.screenshot("e2e-wizard-database-url.png")
    wd.click(wd.find_all('[data-testid="db-entry-fields"]')[0])
    check(value_of(wd, field(wd, "host")) == "127.0.0.1", "back to Fields, the host is still there")

    print("Database wizard: a connection URL pasted as the host fills the fields")
    set_field(wd, field(wd, "host"), "")
    set_field(wd, field(wd, "port"), "6379")
    host = field(wd, "host")
    taken = wd.execute("""const el = arguments[0]; el.focus();
        const data = new DataTransfer(); data.setData('text/plain', arguments[1]);
        const e = new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true});
        return !el.dispatchEvent(e);""", {ELEMENT: host}, f"redis://:{REDIS_PASSWORD}@127.0.0.1:{redis.port}/0")
    check(taken, "the page takes the pasted URL instead of inserting it")
    wd.execute("arguments[0].blur();", {ELEMENT: host})
    filled = wd.wait_all('[data-testid="connect-dialog"] [data-field="host"] [data-testid="url-filled"]',
                         what="the note that the URL filled the fields")
    check("Filled in from the URL" in wd.content(filled[0]), "the Host field says the URL filled the fields")
    check(value_of(wd, field(wd, "host")) == "127.0.0.1", "the Host input holds only the host")
    check(value_of(wd, field(wd, "port")) == str(redis.port) and value_of(wd, field(wd, "database")) == "0"
          and value_of(wd, field(wd, "user")) == "" and value_of(wd, field(wd, "tls")) == "none",
          "port, database number, user and TLS mode come from the URL")
    check(wd.execute("return arguments[0].value.length;", {ELEMENT: field(wd, "password")}) == len(REDIS_PASSWORD),
          "the URL's password is in the password field")
    check(not page_leaks(wd, REDIS_PASSWORD), "and nowhere else in the page")
    dialog_a11y(wd)
    wd.screenshot("e2e-wizard-database-url-filled.png")
    wd.click(wd.find_all('[data-testid="connect-submit"]')[0])
    done = wd.wait_all('[data-testid="connect-done"]', timeout=30, what="Done after the right password")
    check("Redis connected" in wd.text(done[0]), f"the Done step says Redis connected ({wd.text(done[0])!r})")
    view = ipc_answer(wd, "connect_credential")
    check(view.get("verified") is True and view.get("connection_type") == "database",
          "a checked database connection was stored")
    check(focus_moves_to(wd, "connect-title"), "focus moves to the Done title")
    check(not page_leaks(wd, REDIS_PASSWORD), "the password is nowhere in the page once stored")
    wd.screenshot("e2e-wizard-database-done.png")

    print("Database wizard: the connection and its health")
    wd.click(wd.find_all('[data-testid="open-connection"]')[0])
    row_css = f'[data-testid="connection-row"][data-connection-id="{view["id"]}"]'
    row = wd.wait_all(row_css, what="the Redis row")[0]
    check("127.0.0.1" in wd.content(row), "the row names the host")
    check(len([r for r in wd.find_all('[data-testid="connection-row"]') if "Redis" in wd.content(r)]) == 1,
          "only the accepted login was stored")
    badge = wd.find_all(f'{row_css} [data-testid="health"]')
    check(bool(badge) and wd.attr(badge[0], "data-health") in {"healthy", "unknown"}, "the row has a health badge")
    wd.click(wd.find_all(f'{row_css} [data-testid="test"]')[0])
    badge = wd.wait_all(f'{row_css} [data-testid="health"]',
                        lambda els: bool(els) and wd.attr(els[0], "data-health") == "healthy"
                        and not wd.find_all(f'{row_css} [data-testid="test"][aria-busy="true"]'),
                        timeout=30, what="the healthy badge after testing Redis")
    check("Healthy" in wd.content(badge[0]), "Test reaches the real Redis with the stored password: Healthy")
    check(not page_leaks(wd, REDIS_PASSWORD), "the Connections page holds no password")
    wd.screenshot("e2e-wizard-database-connections.png")
    no_answer_holds(wd, before, (REDIS_PASSWORD, REDIS_WRONG), {"connect_credential", "connection_test"},
                    "the Redis password")


AZURE_TENANT = "8f70baf1-1f6e-46a2-a1ff-238dac1ebfb7"
AZURE_CLIENT = "291bba3f-e0a5-47bc-a099-3bdcb2a50a05"
AZURE_SECRET = "e2e~AzureSecret.5b9dQ"
AZURE_WRONG = "e2e~WrongSecret.0c44x"
AZURE_SCOPE = "https://management.azure.com/.default"


class AzureStandIn:
    """Microsoft Entra's client-credentials grant and Azure Resource Manager's subscription list
    on 127.0.0.1 (learn.microsoft.com entra/identity-platform/v2-oauth2-client-creds-grant-flow,
    rest/api/resources/subscriptions/list): `POST /{tenant}/oauth2/v2.0/token` issues a token for
    the right client secret (held back a moment, so the busy state shows) and answers a wrong one
    with Entra's documented 401; `GET /subscriptions` answers 200 to an issued token only."""

    def __init__(self):
        self.lock = threading.Lock()
        self.issued = set()
        self.grants = []     # "ok" / the refusal, per token request
        self.checks = []     # True / False per subscription list, whether the token was issued
        standin = self

        class Handler(JsonHandler):

            def do_POST(self):
                parts = urllib.parse.urlsplit(self.path).path.split("/")
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                if len(parts) != 5 or parts[2:] != ["oauth2", "v2.0", "token"]:
                    return self.reply(404, {"error": "not_found"})
                status, body = standin.token(parts[1], form)
                self.reply(status, body)

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                if url.path != "/subscriptions":
                    return self.reply(404, {"error": {"code": "NotFound", "message": "not found"}})
                auth = self.headers.get("Authorization", "")
                with standin.lock:
                    ok = auth.startswith("Bearer ") and auth[len("Bearer "):] in standin.issued
                    standin.checks.append(ok)
                if not ok:
                    return self.reply(401, {"error": {"code": "InvalidAuthenticationToken",
                                                      "message": "The access token is invalid."}})
                self.reply(200, {"value": [{
                    "id": "/subscriptions/00000000-0000-0000-0000-00000000e2e0",
                    "subscriptionId": "00000000-0000-0000-0000-00000000e2e0",
                    "displayName": "E2E subscription", "state": "Enabled"}],
                    "count": {"type": "Total", "value": 1}})

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def token(self, tenant, form):
        def refuse(status, error, description, code):
            self.grants.append(error)
            return status, {"error": error, "error_description": description, "error_codes": [code],
                            "timestamp": time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime()),
                            "trace_id": "e2e-trace", "correlation_id": "e2e-correlation"}
        if form.get("grant_type") != "client_credentials":
            return refuse(400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.", 70003)
        if tenant != AZURE_TENANT:
            return refuse(400, "invalid_request", f"AADSTS90002: Tenant '{tenant}' not found.", 90002)
        if form.get("client_id") != AZURE_CLIENT:
            return refuse(400, "unauthorized_client", "AADSTS700016: Application not found in the directory.", 700016)
        if form.get("scope") != AZURE_SCOPE:
            return refuse(400, "invalid_scope", "AADSTS1002012: The provided value for scope is not valid.", 1002012)
        if form.get("client_secret") != AZURE_SECRET:
            return refuse(401, "invalid_client",
                          f"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in "
                          f"the request is the client secret value, not the client secret ID, for a secret "
                          f"added to app '{AZURE_CLIENT}'.", 7000215)
        time.sleep(1.5)
        token = "eyJ0eXAiOiJKV1QiE2E." + os.urandom(16).hex()
        with self.lock:
            self.issued.add(token)
            self.grants.append("ok")
        return 200, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token}

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def azure_standin_connector(port):
    """catalog/azure.toml as the custom connector `standin_azure`: its token endpoint, check and
    API base on the stand-in (same paths)."""
    base = f"http://127.0.0.1:{port}"
    out = []
    top = True
    with open(os.path.join(ROOT, "catalog", "azure.toml")) as f:
        for line in f.read().splitlines():
            top = top and not line.startswith("[")
            if top and line.startswith("id = "):
                line = 'id = "standin_azure"'
            elif top and line.startswith("name = "):
                line = 'name = "Stand-in Azure"'
            elif line.startswith(("token_url = ", "url = ", "api_base_url = ")):
                for host in ("https://login.microsoftonline.com", "https://management.azure.com"):
                    line = line.replace(f'"{host}', f'"{base}')
            out.append(line)
    text = "\n".join(out) + "\n"
    for what in (f"{base}/{{tenant}}/oauth2/v2.0/token", f"{base}/subscriptions?"):
        assert what in text, f"azure.toml no longer has {what}"
    return text


def service_account_flow(wd, azure):
    """The service-account wizard against the stand-in Azure: a wrong client secret refused,
    the right one checked and stored."""
    print("Service-account wizard: a wrong client secret first")
    before = len(wd.execute("return window.__ipcLog || [];"))
    open_standin_dialog(wd, "standin_azure")
    check(not wd.find_all('[data-testid="type-choice"]'), "Azure has one type: no chooser")
    set_field(wd, field(wd, "tenant"), AZURE_TENANT)
    set_field(wd, field(wd, "client_id"), AZURE_CLIENT)
    secret = field(wd, "client_secret")
    check(wd.attr(secret, "type") == "password", "the client secret is a password field")
    wd.type(secret, AZURE_WRONG)
    dialog_a11y(wd)
    wd.screenshot("e2e-wizard-service-account.png")
    wd.click(wd.find_all('[data-testid="connect-submit"]')[0])
    shown = wd.wait_all('[data-testid="connect-dialog"] [data-testid="form-error"]', timeout=30,
                        what="the refusal of the wrong secret")
    check(wd.attr(shown[0], "data-code") == "service_account.rejected",
          f"a wrong client secret is service_account.rejected ({wd.attr(shown[0], 'data-code')})")
    text = wd.content(shown[0])
    check("invalid client" in text.lower() or "invalid_client" in text.lower(),
          f"the message says the client was refused ({text!r})")
    check(azure.grants == ["invalid_client"], f"Entra was asked once and refused ({azure.grants})")
    check(not azure.checks, "no check call without a token")
    check(value_of(wd, field(wd, "client_secret")) == AZURE_WRONG,
          "the secret stays in its field to be corrected (tenant or client ID may be what is wrong)")
    check(value_of(wd, field(wd, "tenant")) == AZURE_TENANT, "the settings are kept")
    check(not page_leaks(wd, AZURE_WRONG), "the wrong secret is nowhere in the page")
    wd.screenshot("e2e-wizard-service-account-error.png")

    print("Service-account wizard: the right secret")
    set_field(wd, field(wd, "client_secret"), AZURE_SECRET)
    wd.click(wd.find_all('[data-testid="connect-submit"]')[0])
    busy = wd.wait_all('[data-testid="connect-submit"]',
                       lambda els: bool(els) and "Checking with Stand-in Azure" in wd.text(els[0]),
                       timeout=10, what="the busy label while Entra answers")
    check(bool(busy), "the button says Checking with Stand-in Azure… while the core checks")
    steps = wd.find_all('[data-testid="wizard-steps"]')
    check(bool(steps) and wd.attr(steps[0], "data-step") == "verify" and "Step 2 of 3" in wd.content(steps[0]),
          "meanwhile the step line reads Step 2 of 3, Verify")
    check(wd.attr(field(wd, "client_secret"), "disabled") is not None, "the fields are disabled meanwhile")
    done = wd.wait_all('[data-testid="connect-done"]', timeout=30, what="Done after the right secret")
    check("checked with stand-in azure" in wd.text(done[0]).lower(), f"Done says it was checked ({wd.text(done[0])!r})")
    title = wd.content(wd.find_all('[data-testid="connect-done"] h2')[0])
    check(title.startswith("Stand-in Azure connected as ") and AZURE_TENANT in title,
          f"the title names the account, here the tenant ({title!r})")
    steps = wd.find_all('[data-testid="wizard-steps"]')
    current = wd.find_all('[data-testid="wizard-steps"] [aria-current="step"]')
    check(bool(steps) and "Step 3 of 3" in wd.content(steps[0]) and [wd.content(c).strip() for c in current] == ["Done"],
          "the step line reads Step 3 of 3 with Done current")
    view = ipc_answer(wd, "connect_credential")
    check(view.get("verified") is True and view.get("connection_type") == "service_account",
          "a checked service-account connection was stored")
    check(azure.grants == ["invalid_client", "ok"] and azure.checks == [True],
          f"a token was issued and the subscription list called with it ({azure.grants}, {azure.checks})")
    check(not page_leaks(wd, AZURE_SECRET), "the client secret is nowhere in the page once stored")
    check(not any(page_leaks(wd, t) for t in azure.issued), "nor is the access token")
    wd.screenshot("e2e-wizard-service-account-done.png")
    no_answer_holds(wd, before, (AZURE_SECRET, AZURE_WRONG, *azure.issued), {"connect_credential"},
                    "the client secret or the token")
    wd.click(wd.find_all('[data-testid="open-connection"]')[0])
    row_css = f'[data-testid="connection-row"][data-connection-id="{view["id"]}"]'
    wd.wait_all(row_css, what="the Azure row")
    focused = wd.wait_all(row_css, lambda els: bool(els) and wd.execute(
        "return document.activeElement === arguments[0];", {ELEMENT: els[0]}), timeout=5,
        what="focus on the new connection's row")
    check(bool(focused), "Open connection shows the Connections page with the new row focused")
    wd.screenshot("e2e-wizard-open-connection.png")


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
    hint = wd.wait_all('[data-testid="oauth-connect-hint"]', lambda els: bool(els) and "client ID" in wd.content(els[0]),
                       timeout=10, what="the hint under a disabled Connect")
    check("client ID" in wd.content(hint[0]), "a hint says why Connect is disabled")
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
    azure = None
    redis = None
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
        steps = wd.wait_all('[data-testid="setup-steps"] li', lambda els: bool(els) and prefix in wd.text(els[0]),
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
        # The stand-in Azure for the service-account wizard, and a real Redis for the database one.
        azure = AzureStandIn()
        azure_file = os.path.join(data_dir, "standin_azure.toml")
        with open(azure_file, "w") as f:
            f.write(azure_standin_connector(azure.port))
        added = subprocess.run([os.path.join(ROOT, "target", "debug", "keyport"), "--data-dir", data_dir,
                                "catalog", "add", azure_file], capture_output=True, text=True)
        check(added.returncode == 0, f"the stand-in Azure is added as a custom connector {added.stderr.strip()}")
        redis = Redis()
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
        type_chooser_flow(wd)
        database_flow(wd, redis)
        service_account_flow(wd, azure)
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
        if azure:
            azure.stop()
        if redis:
            redis.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except AssertionError as err:
        print(f"E2E FAILED: {err}", file=sys.stderr)
        sys.exit(1)
