"""The services the app talks to during the E2E, on 127.0.0.1: stand-ins that answer as the
providers document (Salesforce's OAuth, SendGrid's key check, Microsoft Entra + Azure Resource
Manager) and a real redis-server; and the catalog entries, rewritten as custom connectors, that
point the app at them."""

import base64
import hashlib
import http.server
import json
import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from .driver import free_port
from .window import ROOT


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

    def form(self):
        length = int(self.headers.get("Content-Length") or 0)
        return dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))


class StandInServer:
    """A stand-in served from a thread while the `with` block runs."""

    def serve(self, handler):
        self.lock = threading.Lock()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def custom_connector(source, ident, name, rewrite, expect=()):
    """catalog/<source>.toml as the custom connector `ident` called `name`, every other line
    through `rewrite`, as tests/support/standin.rs does for the contract tests. `expect` are
    strings the result must hold (the rewritten endpoints), so a changed catalog entry fails here
    rather than sending the app to the real service."""
    out = []
    top = True  # the top-level id and name come before any [section]; a later `name` is a header's
    for line in (ROOT / "catalog" / f"{source}.toml").read_text().splitlines():
        top = top and not line.startswith("[")
        if top and line.startswith("id = "):
            line = f'id = "{ident}"'
        elif top and line.startswith("name = "):
            line = f'name = "{name}"'
        else:
            line = rewrite(line)
        out.append(line)
    text = "\n".join(out) + "\n"
    for what in expect:
        assert what in text, f"catalog/{source}.toml no longer has what the stand-in replaces ({what})"
    return text


# ---------- Salesforce's OAuth web server flow ----------

def b64url_sha256(text):
    digest = hashlib.sha256(text.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class Salesforce(StandInServer):
    """Salesforce's web server flow (help.salesforce.com remoteaccess_oauth_web_server_flow):
    /authorize approves at once and redirects with a code, /token checks the code, the redirect
    URI and the PKCE S256 verifier and answers Salesforce's documented JSON (no expires_in),
    /userinfo answers 200 only to the access token it issued. With `lifetime` (seconds) its
    access tokens carry expires_in and /userinfo refuses them once expired; refresh_token grants
    then issue a new one, or answer invalid_grant once `refuse_refresh` is set (a revoked grant,
    as Salesforce answers it). With `rotate`, each refresh also hands out a new refresh token and
    spends the old one, as a connected app with refresh token rotation does
    (help.salesforce.com connected_app_refresh_token_rotation); a spent one presented again is
    recorded in `reused` and refused."""

    def __init__(self, lifetime=None, rotate=False):
        self.lifetime = lifetime
        self.rotate = rotate
        self.spent = set()       # refresh tokens rotated away
        self.reused = []         # spent refresh tokens presented again
        self.codes = {}          # code -> what /authorize saw
        self.issued = {}         # access token -> when it expires (None: never)
        self.refresh = set()     # refresh tokens
        self.exchanges = []      # outcomes of /token
        self.refreshes = []      # outcomes of refresh_token grants
        self.refuse_refresh = False
        self.userinfo_ok = 0
        self.userinfo_calls = 0
        standin = self

        class Handler(JsonHandler):

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                if url.path == "/services/oauth2/authorize":
                    return self.reply(302, None, [("Location", standin.consent(query))])
                if url.path == "/services/oauth2/userinfo":
                    auth = self.headers.get("Authorization", "")
                    token = auth[len("Bearer "):] if auth.startswith("Bearer ") else None
                    with standin.lock:
                        standin.userinfo_calls += 1
                        expires = standin.issued.get(token, 0)
                        ok = expires is None or expires > time.time()
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
                path = urllib.parse.urlsplit(self.path).path
                form = self.form()
                if path == "/services/oauth2/token":
                    return self.reply(*standin.token(form))
                if path == "/services/oauth2/revoke":
                    return self.reply(200, None)
                return self.reply(404, {"error": "not_found"})

        self.serve(Handler)

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
        if form.get("grant_type") == "refresh_token":
            return self.refreshed(form)
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
            refresh = "5Aep861E2E_REFRESH_" + os.urandom(16).hex()
            self.refresh.add(refresh)
            self.exchanges.append("ok")
            return 200, dict(self.access(), refresh_token=refresh, scope="api id refresh_token")

    def refreshed(self, form):
        """Salesforce's refresh: a new access token, the refresh token kept (no rotation)."""
        with self.lock:
            presented = form.get("refresh_token")
            if presented in self.spent:
                self.reused.append(presented)
            if self.refuse_refresh or presented not in self.refresh:
                self.refreshes.append("refused")
                return 400, {"error": "invalid_grant", "error_description": "expired access/refresh token"}
            self.refreshes.append("ok")
            answer = dict(self.access(), scope="api id refresh_token")
            if self.rotate:
                self.refresh.discard(presented)
                self.spent.add(presented)
                answer["refresh_token"] = "5Aep861E2E_REFRESH_" + os.urandom(16).hex()
                self.refresh.add(answer["refresh_token"])
            return 200, answer

    def access(self):
        """A new access token's answer (the lock held)."""
        access = "00DSTANDIN!E2E_ACCESS_" + os.urandom(16).hex()
        self.issued[access] = time.time() + self.lifetime if self.lifetime else None
        answer = {"access_token": access, "instance_url": self.base,
                  "id": f"{self.base}/id/00DSTANDIN/005STANDIN",
                  "token_type": "Bearer", "issued_at": str(int(time.time() * 1000)),
                  "signature": base64.b64encode(os.urandom(32)).decode()}
        if self.lifetime:
            answer["expires_in"] = self.lifetime
        return answer

    def connector(self, ident, name, redirect=None):
        """catalog/salesforce.toml with every endpoint on the stand-in (same paths); `redirect`
        replaces the redirect kinds."""
        def rewrite(line):
            if redirect and line.startswith("redirect = "):
                return f"redirect = {json.dumps(redirect)}"
            if '"https://' in line and line.startswith(("authorization_url", "token_url", "revocation_url", "url =")):
                at = line.index('"https://')
                rest = line[at + len('"https://'):]
                slash = rest.find("/")
                return line[:at] + '"' + self.base + (rest[slash:] if slash >= 0 else '"')
            return line
        return custom_connector("salesforce", ident, name, rewrite,
                                [f"{self.base}/services/oauth2/{p}" for p in ("authorize", "token", "userinfo")])


def connect_with_cli(keyport, standin, ident, name, client_id, env):
    """A connection to the stand-in made with the CLI's loopback sign-in (`connect --oauth
    --no-browser`, the consent driven as a browser would); returns its id."""
    app = keyport.run("oauth-app", "set", ident, "--client-id", client_id, env=env)
    assert app.returncode == 0, f"keyport oauth-app set: {app.stderr.strip()}"
    connect = subprocess.Popen([str(keyport.binary), "--data-dir", str(keyport.data_dir), "connect", ident,
                                "--oauth", "--no-browser", "--name", name],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        back = approve(connect.stdout.readline().strip())
        with urllib.request.urlopen(back, timeout=30):
            pass
        _, err = connect.communicate(timeout=30)
    finally:
        connect.kill()
    assert connect.returncode == 0, f"keyport connect --oauth: {err.strip()}"
    listed = json.loads(keyport.run("connections", "list", "--json", env=env).stdout)
    return next(c["id"] for c in listed if c["name"] == name)


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


# ---------- SendGrid's key check ----------

class SendGrid(StandInServer):
    """SendGrid's `GET /v3/scopes` (the key check of catalog/sendgrid.toml): 200 with the key's
    scopes for `Authorization: Bearer <GOOD_KEY>`, else SendGrid's documented 401. The good
    answer is held back a moment so the busy states can be seen."""

    IDENT = "standin_sendgrid"
    GOOD_KEY = "SG.e2e-good"
    WRONG_KEY = "SG.e2e-wrong-key-5d2a"

    def __init__(self):
        self.seen = []   # "good" / "bad" per check received
        standin = self

        class Handler(JsonHandler):

            def do_GET(self):
                if urllib.parse.urlsplit(self.path).path != "/v3/scopes":
                    return self.reply(404, {"errors": [{"field": None, "message": "not found"}]})
                good = self.headers.get("Authorization", "") == f"Bearer {standin.GOOD_KEY}"
                with standin.lock:
                    standin.seen.append("good" if good else "bad")
                if not good:
                    return self.reply(401, {"errors": [{"field": None, "message": "authorization required"}]})
                time.sleep(1.5)
                return self.reply(200, {"scopes": ["mail.send"]})

        self.serve(Handler)

    def connector(self, ident, name):
        """catalog/sendgrid.toml with its check on the stand-in."""
        check = f"{self.base}/v3/scopes"
        real = 'url = "https://{api_host}/v3/scopes"'
        return custom_connector("sendgrid", ident, name, lambda line: f'url = "{check}"' if line == real else line,
                                [check])


# ---------- Microsoft Entra's client credentials + Azure Resource Manager ----------

class Azure(StandInServer):
    """Microsoft Entra's client-credentials grant and Azure Resource Manager's subscription list
    (learn.microsoft.com entra/identity-platform/v2-oauth2-client-creds-grant-flow,
    rest/api/resources/subscriptions/list): `POST /{tenant}/oauth2/v2.0/token` issues a token
    for the right client secret (held back a moment, so the busy state shows) and answers a
    wrong one with Entra's documented 401; `GET /subscriptions` answers 200 to an issued token
    only."""

    TENANT = "8f70baf1-1f6e-46a2-a1ff-238dac1ebfb7"
    CLIENT = "291bba3f-e0a5-47bc-a099-3bdcb2a50a05"
    SECRET = "e2e~AzureSecret.5b9dQ"
    WRONG_SECRET = "e2e~WrongSecret.0c44x"
    SCOPE = "https://management.azure.com/.default"

    def __init__(self):
        self.issued = set()
        self.grants = []     # "ok" / the refusal, per token request
        self.checks = []     # True / False per subscription list, whether the token was issued
        standin = self

        class Handler(JsonHandler):

            def do_POST(self):
                parts = urllib.parse.urlsplit(self.path).path.split("/")
                form = self.form()
                if len(parts) != 5 or parts[2:] != ["oauth2", "v2.0", "token"]:
                    return self.reply(404, {"error": "not_found"})
                self.reply(*standin.token(parts[1], form))

            def do_GET(self):
                if urllib.parse.urlsplit(self.path).path != "/subscriptions":
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

        self.serve(Handler)

    def token(self, tenant, form):
        def refuse(status, error, description, code):
            self.grants.append(error)
            return status, {"error": error, "error_description": description, "error_codes": [code],
                            "timestamp": time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime()),
                            "trace_id": "e2e-trace", "correlation_id": "e2e-correlation"}
        if form.get("grant_type") != "client_credentials":
            return refuse(400, "unsupported_grant_type",
                          "AADSTS70003: The app requested an unsupported grant type.", 70003)
        if tenant != self.TENANT:
            return refuse(400, "invalid_request", f"AADSTS90002: Tenant '{tenant}' not found.", 90002)
        if form.get("client_id") != self.CLIENT:
            return refuse(400, "unauthorized_client", "AADSTS700016: Application not found in the directory.", 700016)
        if form.get("scope") != self.SCOPE:
            return refuse(400, "invalid_scope", "AADSTS1002012: The provided value for scope is not valid.", 1002012)
        if form.get("client_secret") != self.SECRET:
            return refuse(401, "invalid_client",
                          f"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in "
                          f"the request is the client secret value, not the client secret ID, for a secret "
                          f"added to app '{self.CLIENT}'.", 7000215)
        time.sleep(1.5)
        token = "eyJ0eXAiOiJKV1QiE2E." + os.urandom(16).hex()
        with self.lock:
            self.issued.add(token)
            self.grants.append("ok")
        return 200, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token}

    def connector(self, ident, name):
        """catalog/azure.toml with its token endpoint, check and API base on the stand-in (same
        paths)."""
        def rewrite(line):
            if line.startswith(("token_url = ", "url = ", "api_base_url = ")):
                for host in ("https://login.microsoftonline.com", "https://management.azure.com"):
                    line = line.replace(f'"{host}', f'"{self.base}')
            return line
        return custom_connector("azure", ident, name, rewrite,
                                [f"{self.base}/{{tenant}}/oauth2/v2.0/token", f"{self.base}/subscriptions?"])


# ---------- A real Redis ----------

class Redis:
    """A throwaway redis-server on 127.0.0.1 with a password and no persistence."""

    PASSWORD = "e2e-redis-pw-8c3f1a"
    WRONG_PASSWORD = "e2e-redis-wrong-77d0"

    def __init__(self):
        self.port = free_port()
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--requirepass", self.PASSWORD, "--save", "", "--appendonly", "no"],
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
                self.__exit__()
                raise AssertionError("redis-server did not start")
            time.sleep(0.1)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
