"""A real OAuth 2.0 + PKCE server on 127.0.0.1 for tests and benchmarks (stdlib only).

It behaves like auth.openai.com for our client, and like Anthropic's token endpoint:

- `GET /oauth/authorize` checks the request (client id, S256 challenge, state, a loopback
  `redirect_uri`) and auto-approves: 302 to `redirect_uri?code=...&state=...`
  (or `?error=...&state=...` after `set_next_authorize_error`).
- `POST /oauth/token` (form) and `POST /v1/oauth/token` (JSON, Anthropic style) check
  PKCE S256 and the exact `redirect_uri`, issue JWT access tokens carrying the
  `https://api.openai.com/auth` -> `chatgpt_account_id` claim and an id_token with the
  email, rotate refresh tokens and reject a reused one with `refresh_token_reused`.
- `GET /_test/stats` and `POST /_test/control` expose counters and knobs over HTTP, so
  the same client API works whether the server runs in a thread or in another process,
  and counts token calls made by any number of worker processes.

Usage from any test suite (run pytest from the repo root: `python -m pytest`):

    from tests.support.oauth_server import OAuthTestServer, free_port, read_browser_log

    with OAuthTestServer() as srv:                      # or OAuthTestServer(mode="process")
        srv.issuer, srv.token_url, srv.authorize_url    # http://127.0.0.1:<port>/...
        env = srv.login_env(port=free_port(), browser_log=tmp_path / "visits.jsonl")
        # -> for CodexLoginSession(env=env) or a CLI subprocess (subprocess.run(..., env=env))
        # env: OPENCLAW_CODEX_ISSUER/CLIENT_ID, OPENCLAW_ANTHROPIC_*, OPENCLAW_OAUTH_CALLBACK_PORT,
        # DISPLAY=":0" (so Linux is not "headless"), BROWSER=<follow_redirect.py command>; no SSH_*.
        # Pass base=dict(os.environ) to extend the real environment instead.
        read_browser_log(tmp_path / "visits.jsonl")     # [{"hops": [[302, url], [200, url]], "status", "body"}]
        srv.set_next_authorize_error("access_denied")   # next authorize redirects with error=
        srv.token_calls                                 # POSTs to the token endpoint so far (any process)
        srv.stats()                                     # all counters + the last token request's shape
        pid = srv.write_expired_profile(state_dir)      # an oauth profile the server will refresh
        srv.expire_profile(state_dir, pid)              # push `expires` into the past again
        srv.is_active_refresh(token)                    # False once rotated: "nobody logged out" checks
        srv.configure(token_lifetime_s=60, email="x@y.z", account_id="acc_1")

    # 16 real processes racing on one expired profile:
    race = RefreshRace(srv, state_dir, pid, processes=16); race.start(); race.run_round(); race.close()

`python -m tests.support.oauth_server --serve` runs a server process (prints `READY <port>`,
stops at stdin EOF); `--refresh-worker PID AGENT` is the race worker.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import shlex
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[2]
FOLLOW_REDIRECT = Path(__file__).resolve().with_name("follow_redirect.py")
BROWSER_COMMAND = f"{shlex.quote(sys.executable)} {shlex.quote(str(FOLLOW_REDIRECT))} %s"


def browser_command(log: Path | None = None) -> str:
    """A `BROWSER` value running follow_redirect.py; with `log`, each visit is appended there as JSON."""
    if log is None:
        return BROWSER_COMMAND
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(FOLLOW_REDIRECT))} --log {shlex.quote(str(log))} %s"


def read_browser_log(log: Path, count: int = 1, timeout_s: float = 20.0) -> list[dict[str, Any]]:
    """Wait (polling, with a deadline) until `log` holds `count` visits; return them."""
    deadline = time.monotonic() + timeout_s
    while True:
        lines = log.read_text().splitlines() if log.exists() else []
        if len(lines) >= count or time.monotonic() > deadline:
            return [json.loads(line) for line in lines]
        time.sleep(0.01)

TEST_CLIENT_ID = "app_test_client"
TEST_ANTHROPIC_CLIENT_ID = "anthropic-test-client"
AUTH_CLAIM = "https://api.openai.com/auth"
PROFILE_CLAIM = "https://api.openai.com/profile"
_SIGNING_KEY = b"openclaw-test-signing-key"
_LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
_RACE_READY_TIMEOUT_S = 60.0


def free_port() -> int:
    """A port that was free a moment ago on 127.0.0.1 (never 1455/1457)."""
    import socket

    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in (1455, 1457):
            return port


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def make_jwt(claims: Mapping[str, Any]) -> str:
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64url(json.dumps(dict(claims), separators=(",", ":")).encode())
    sig = hmac.new(_SIGNING_KEY, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64url(sig)}"


def s256(verifier: str) -> str:
    return b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def token_fingerprint(token: str | None) -> str:
    """A short, non-secret stand-in for comparing tokens across processes."""
    return hashlib.sha256((token or "").encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- server state


@dataclass
class _Grant:
    challenge: str
    redirect_uri: str
    client_id: str


@dataclass
class _State:
    issuer: str = ""
    client_id: str = TEST_CLIENT_ID
    anthropic_client_id: str = TEST_ANTHROPIC_CLIENT_ID
    token_lifetime_s: int = 3600
    email: str | None = "me@example.com"
    account_id: str = "acc_test_123"
    account_in_access: bool = True  # False: only the id_token carries the account claim
    # As OpenAI's access tokens do: the email in the `https://api.openai.com/profile` claim (OpenClaw names the
    # profile from it). access_extra: more claims merged into the access token (e.g. chatgpt_user_id tests).
    email_in_access: bool = True
    access_extra: dict[str, Any] | None = None
    token_delay_s: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    codes: dict[str, _Grant] = field(default_factory=dict)
    active_refresh: set[str] = field(default_factory=set)
    used_refresh: set[str] = field(default_factory=set)
    next_authorize_error: tuple[str, str | None] | None = None
    fail_next: list[tuple[int, str, str]] = field(default_factory=list)
    omit_refresh_next: int = 0
    counters: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("token_calls", "authorize_calls", "exchange_calls", "refresh_calls", "reused_rejections",
         "rejected_calls"), 0))
    last_token_request: dict[str, Any] | None = None
    last_authorize_params: dict[str, str] | None = None
    serial: int = 0
    # Thread mode only: called with the parsed token request before it is answered.
    before_token: Callable[[dict[str, Any]], None] | None = None
    # Thread mode only: extra POST routes (path -> handler(request_handler, body)), e.g. device pairing.
    post_routes: dict[str, Callable[[Any, bytes], None]] = field(default_factory=dict)

    def issue(self, *, email: str | None = None, account_id: str | None = None, client_id: str | None = None,
              with_refresh: bool = True) -> dict[str, Any]:
        """Mint a token response (caller holds the lock)."""
        self.serial += 1
        now = int(time.time())
        email = self.email if email is None else email
        account = account_id or self.account_id
        auth = {"chatgpt_account_id": account, "chatgpt_plan_type": "plus"}
        access_claims: dict[str, Any] = {
            "iss": self.issuer, "sub": f"user-{account}", "aud": [client_id or self.client_id],
            "iat": now, "exp": now + self.token_lifetime_s, "jti": f"at-{self.serial}-{secrets.token_hex(4)}",
        }
        if self.account_in_access:
            access_claims[AUTH_CLAIM] = auth
        if email and self.email_in_access:
            access_claims[PROFILE_CLAIM] = {"email": email, "email_verified": True}
        for key, value in (self.access_extra or {}).items():
            if isinstance(value, dict) and isinstance(access_claims.get(key), dict):
                access_claims[key] = {**access_claims[key], **value}
            elif value is None:
                access_claims.pop(key, None)
            else:
                access_claims[key] = value
        id_claims: dict[str, Any] = {"iss": self.issuer, "aud": client_id or self.client_id, "iat": now,
                                     "exp": now + self.token_lifetime_s, "sub": f"user-{account}", AUTH_CLAIM: auth,
                                     "jti": f"id-{self.serial}"}
        if email:
            id_claims.update(email=email, email_verified=True)
        out: dict[str, Any] = {
            "access_token": make_jwt(access_claims),
            "id_token": make_jwt(id_claims),
            "token_type": "Bearer",
            "expires_in": self.token_lifetime_s,
        }
        if with_refresh:
            refresh = f"rt_{self.serial}_{secrets.token_urlsafe(24)}"
            self.active_refresh.add(refresh)
            out["refresh_token"] = refresh
        return out


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    # ---- plumbing

    def _send(self, status: int, body: bytes | str | dict[str, Any], content_type: str | None = None,
              headers: Mapping[str, str] | None = None) -> None:
        if isinstance(body, dict):
            data, content_type = json.dumps(body).encode(), content_type or "application/json"
        else:
            data = body.encode() if isinstance(body, str) else body
            content_type = content_type or "text/plain; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    @property
    def st(self) -> _State:
        return self.server.state

    # ---- routes

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/oauth/authorize":
            self._authorize({k: v[0] for k, v in parse_qs(url.query).items()})
        elif url.path == "/_test/stats":
            with self.st.lock:
                stats = dict(self.st.counters, last_token_request=self.st.last_token_request,
                             last_authorize_params=self.st.last_authorize_params)
            self._send(200, stats)
        else:
            self._send(404, "not found")

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        raw = self._body()
        if path in ("/oauth/token", "/v1/oauth/token"):
            self._token(path, raw)
        elif path == "/_test/control":
            self._send(200, self._control(json.loads(raw or b"{}")))
        elif path in self.st.post_routes:
            self.st.post_routes[path](self, raw)
        else:
            self._send(404, "not found")

    def _authorize(self, q: dict[str, str]) -> None:
        st = self.st
        with st.lock:
            st.counters["authorize_calls"] += 1
            st.last_authorize_params = dict(q)
        redirect_uri = q.get("redirect_uri", "")
        ru = urlsplit(redirect_uri)
        problems = []
        if q.get("response_type") != "code":
            problems.append("response_type")
        if q.get("client_id") != st.client_id:
            problems.append("client_id")
        if ru.scheme != "http" or ru.hostname not in _LOOPBACK_HOSTS or ru.path != "/auth/callback":
            problems.append("redirect_uri")
        if not q.get("code_challenge") or q.get("code_challenge_method") != "S256":
            problems.append("code_challenge")
        if not q.get("state"):
            problems.append("state")
        if problems:
            self._send(400, f"invalid authorize request: {', '.join(problems)}")
            return
        with st.lock:
            error, st.next_authorize_error = st.next_authorize_error, None
            if error is None:
                code = f"ac_{secrets.token_urlsafe(24)}"
                st.codes[code] = _Grant(q["code_challenge"], redirect_uri, q["client_id"])
        if error is not None:
            params = {"error": error[0], "state": q["state"]}
            if error[1]:
                params["error_description"] = error[1]
        else:
            params = {"code": code, "state": q["state"]}
        self._send(302, "redirecting", headers={"Location": f"{redirect_uri}?{urlencode(params)}"})

    def _token(self, path: str, raw: bytes) -> None:
        st = self.st
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        try:
            if ctype == "application/json":
                fields = json.loads(raw or b"{}")
                if not isinstance(fields, dict):
                    raise ValueError
            else:
                fields = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        except ValueError:
            fields = None
        with st.lock:
            st.counters["token_calls"] += 1
            st.last_token_request = {"path": path, "content_type": ctype,
                                     "grant_type": (fields or {}).get("grant_type"),
                                     "fields": sorted(fields or {})}
            fail = st.fail_next.pop(0) if st.fail_next else None
            hook, delay = st.before_token, st.token_delay_s
        if hook is not None:
            hook(dict(fields or {}))
        if delay:
            time.sleep(delay)  # server-side latency knob, not test synchronisation
        if fail is not None:
            status, body, content_type = fail
            self._send(status, body, content_type)
            return
        if fields is None:
            self._reject(400, "invalid_request", "body is not form/JSON")
            return
        anthropic = path == "/v1/oauth/token"
        if anthropic and ctype != "application/json":
            self._reject(400, "invalid_request", "JSON body expected")
            return
        if not anthropic and ctype != "application/x-www-form-urlencoded":
            self._reject(400, "invalid_request", "form body expected")
            return
        grant = fields.get("grant_type")
        if grant == "authorization_code" and not anthropic:
            self._exchange(fields)
        elif grant == "refresh_token":
            self._refresh(fields, anthropic)
        else:
            self._reject(400, "unsupported_grant_type", "unsupported grant_type")

    def _reject(self, status: int, error: str, desc: str) -> None:
        with self.st.lock:
            self.st.counters["rejected_calls"] += 1
            if error == "refresh_token_reused":
                self.st.counters["reused_rejections"] += 1
        self._send(status, {"error": error, "error_description": desc})

    def _exchange(self, f: dict[str, str]) -> None:
        st = self.st
        with st.lock:
            st.counters["exchange_calls"] += 1
            grant = st.codes.pop(f.get("code", ""), None)  # single use
        if grant is None:
            self._reject(400, "invalid_grant", "unknown or used authorization code")
        elif f.get("client_id") != grant.client_id:
            self._reject(400, "invalid_client", "client_id does not match")
        elif f.get("redirect_uri") != grant.redirect_uri:
            self._reject(400, "invalid_grant", "redirect_uri does not match the authorize request")
        elif not f.get("code_verifier") or not hmac.compare_digest(s256(f["code_verifier"]), grant.challenge):
            self._reject(400, "invalid_grant", "PKCE verification failed")
        else:
            with st.lock:
                body = st.issue(client_id=grant.client_id)
            self._send(200, body)

    def _refresh(self, f: dict[str, str], anthropic: bool) -> None:
        st = self.st
        expected_client = st.anthropic_client_id if anthropic else st.client_id
        token = f.get("refresh_token", "")
        with st.lock:
            st.counters["refresh_calls"] += 1
            if f.get("client_id") != expected_client:
                outcome: tuple[str, str] | dict[str, Any] = ("invalid_client", "client_id does not match")
            elif anthropic and "scope" in f:
                outcome = ("invalid_scope", "scope is not accepted on refresh")
            elif token in st.used_refresh:
                outcome = ("refresh_token_reused", "this refresh token was already used")
            elif token not in st.active_refresh:
                outcome = ("invalid_grant", "unknown refresh token")
            else:
                st.active_refresh.discard(token)
                omit = st.omit_refresh_next > 0
                if omit:
                    st.omit_refresh_next -= 1
                    st.active_refresh.add(token)  # not rotated: the old one stays valid
                else:
                    st.used_refresh.add(token)
                outcome = st.issue(with_refresh=not omit)
        if isinstance(outcome, tuple):
            self._reject(400, *outcome)
        else:
            self._send(200, outcome)

    def _control(self, req: dict[str, Any]) -> dict[str, Any]:
        st, op = self.st, req.get("op")
        with st.lock:
            if op == "authorize_error":
                st.next_authorize_error = (req["error"], req.get("description"))
            elif op == "configure":
                for key in ("token_lifetime_s", "email", "account_id", "account_in_access", "token_delay_s",
                            "email_in_access", "access_extra"):
                    if key in req:
                        setattr(st, key, req[key])
            elif op == "fail_next_token":
                failure = (int(req["status"]), req.get("body", ""), req.get("content_type", "text/plain"))
                st.fail_next.extend([failure] * int(req.get("count", 1)))
            elif op == "omit_refresh_next":
                st.omit_refresh_next = int(req.get("count", 1))
            elif op == "mint":
                return st.issue(email=req.get("email"), account_id=req.get("account_id"))
            elif op == "is_active_refresh":
                return {"active": req.get("token") in st.active_refresh}
            elif op == "revoke_all":
                st.used_refresh |= st.active_refresh
                st.active_refresh.clear()
            elif op == "reset_counters":
                st.counters = dict.fromkeys(st.counters, 0)
            else:
                return {"ok": False, "error": f"unknown op {op!r}"}
        return {"ok": True}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gives up (its own timeout, a cancelled poll) is expected; print the rest.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def __init__(self, state: _State) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state
        state.issuer = f"http://127.0.0.1:{self.server_address[1]}"


# --------------------------------------------------------------------------- client / handle


class OAuthTestServer:
    """Start with `with OAuthTestServer() as srv:` (thread) or `OAuthTestServer(mode="process")`."""

    def __init__(self, mode: str = "thread", *, token_lifetime_s: int = 3600, email: str | None = "me@example.com",
                 account_id: str = "acc_test_123") -> None:
        if mode not in ("thread", "process"):
            raise ValueError("mode must be 'thread' or 'process'")
        self.mode = mode
        self._initial = {"token_lifetime_s": token_lifetime_s, "email": email, "account_id": account_id}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._proc: subprocess.Popen[str] | None = None
        self.port = 0
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy

    # lifecycle
    def start(self) -> OAuthTestServer:
        if self.mode == "thread":
            self._server = _Server(_State())
            self.port = self._server.server_address[1]
            # A short poll interval keeps stop() (shutdown) fast.
            self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="oauth-test-server",
                                            daemon=True)
            self._thread.start()
        else:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "tests.support.oauth_server", "--serve"], cwd=ROOT, text=True,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            assert self._proc.stdout is not None
            line = self._proc.stdout.readline().split()
            if len(line) != 2 or line[0] != "READY":
                self.stop()
                raise RuntimeError(f"oauth test server process did not start: {line!r}")
            self.port = int(line[1])
        self.configure(**self._initial)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._proc is not None:
            if self._proc.stdin:
                self._proc.stdin.close()  # the child exits at stdin EOF
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            if self._proc.stdout:
                self._proc.stdout.close()
            self._proc = None

    def __enter__(self) -> OAuthTestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # addresses and environment
    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def authorize_url(self) -> str:
        return f"{self.issuer}/oauth/authorize"

    @property
    def token_url(self) -> str:
        return f"{self.issuer}/oauth/token"

    @property
    def anthropic_token_url(self) -> str:
        return f"{self.issuer}/v1/oauth/token"

    client_id = TEST_CLIENT_ID
    anthropic_client_id = TEST_ANTHROPIC_CLIENT_ID

    def env(self, base: Mapping[str, str] | None = None, **extra: str) -> dict[str, str]:
        """Provider overrides pointing at this server (for refresh and login), on top of `base`."""
        out = dict(base or {})
        out.update({
            "OPENCLAW_CODEX_ISSUER": self.issuer,
            "OPENCLAW_CODEX_CLIENT_ID": self.client_id,
            "OPENCLAW_ANTHROPIC_TOKEN_URL": self.anthropic_token_url,
            "OPENCLAW_ANTHROPIC_CLIENT_ID": self.anthropic_client_id,
        })
        out.update(extra)
        return out

    def login_env(self, port: int | None = None, *, browser: bool = True, browser_log: Path | None = None,
                  base: Mapping[str, str] | None = None, **extra: str) -> dict[str, str]:
        """`env()` plus what a local, non-remote browser login needs (BROWSER follows the redirect)."""
        out = {k: v for k, v in (base or {}).items() if not k.startswith("SSH_")}
        out = self.env(out, DISPLAY=out.get("DISPLAY") or ":0",
                       OPENCLAW_OAUTH_CALLBACK_PORT=str(port or free_port()))
        if browser:
            out["BROWSER"] = browser_command(browser_log)
        else:
            out.pop("BROWSER", None)
        out.update(extra)
        return out

    # control
    def _get(self, path: str) -> dict[str, Any]:
        with self._opener.open(f"{self.issuer}{path}", timeout=10) as resp:
            return json.loads(resp.read())

    def _control(self, **req: Any) -> dict[str, Any]:
        data = json.dumps(req).encode()
        r = urllib.request.Request(f"{self.issuer}/_test/control", data=data,
                                   headers={"Content-Type": "application/json"}, method="POST")
        with self._opener.open(r, timeout=10) as resp:
            return json.loads(resp.read())

    def stats(self) -> dict[str, Any]:
        return self._get("/_test/stats")

    @property
    def token_calls(self) -> int:
        return int(self.stats()["token_calls"])

    def configure(self, **settings: Any) -> None:
        """token_lifetime_s, email, account_id, account_in_access, token_delay_s, email_in_access, access_extra."""
        self._control(op="configure", **settings)
        self._initial.update({k: v for k, v in settings.items() if k in self._initial})

    def set_next_authorize_error(self, error: str = "access_denied", description: str | None = None) -> None:
        self._control(op="authorize_error", error=error, description=description)

    def fail_next_token(self, status: int, body: str = "", content_type: str = "text/plain", count: int = 1) -> None:
        """The next `count` token calls answer with this status/body (5xx, non-JSON, ...)."""
        self._control(op="fail_next_token", status=status, body=body, content_type=content_type, count=count)

    def omit_refresh_token_next(self, count: int = 1) -> None:
        """The next refreshes answer without a refresh_token (and do not rotate)."""
        self._control(op="omit_refresh_next", count=count)

    def mint_tokens(self, email: str | None = None, account_id: str | None = None) -> dict[str, Any]:
        """A token response with a live refresh token, as if from a login (not counted as a token call)."""
        return self._control(op="mint", email=email, account_id=account_id)

    def is_active_refresh(self, token: str | None) -> bool:
        return bool(self._control(op="is_active_refresh", token=token)["active"])

    def revoke_all(self) -> None:
        self._control(op="revoke_all")

    def reset_counters(self) -> None:
        self._control(op="reset_counters")

    def set_before_token(self, hook: Callable[[dict[str, Any]], None] | None) -> None:
        """Thread mode: run `hook(fields)` inside each token request before it is answered."""
        if self._server is None:
            raise RuntimeError("set_before_token needs mode='thread'")
        self._server.state.before_token = hook

    # store helpers
    def write_expired_profile(self, state: Path, agent_id: str = "main", *, provider: str = "openai-codex",
                              profile_id: str | None = None, email: str | None = None,
                              expired_ms_ago: int = 60_000) -> str:
        """Write an oauth profile whose access token expired `expired_ms_ago` ms ago; returns its id."""
        from openclaw_onboard.core import store
        from openclaw_onboard.core.config import register_profile
        from openclaw_onboard.core.models import AuthProfileStore, OAuthCredential

        email = email or self._initial["email"]
        tokens = self.mint_tokens(email=email)
        if profile_id is None:
            profile_id = f"{provider}:{email or 'default'}" if provider == "openai-codex" else f"{provider}:claude-cli"
        expires = int(time.time() * 1000) - expired_ms_ago
        fields: dict[str, Any] = {"provider": provider, "access": tokens["access_token"],
                                  "refresh": tokens["refresh_token"], "expires": expires}
        if provider == "openai-codex":
            fields.update(accountId=self._initial["account_id"], idToken=tokens["id_token"])
            if email:
                fields["email"] = email
        cred = OAuthCredential(**fields)

        def mutate(s: AuthProfileStore) -> None:
            s.profiles[profile_id] = cred

        store.update(mutate, agent_id=agent_id, state=state)
        register_profile(profile_id, provider, "oauth", email if provider == "openai-codex" else None, state=state)
        return profile_id

    @staticmethod
    def expire_profile(state: Path, profile_id: str, agent_id: str = "main", expired_ms_ago: int = 60_000) -> None:
        """Move a stored profile's `expires` into the past (tokens untouched)."""
        from openclaw_onboard.core import store
        from openclaw_onboard.core.models import AuthProfileStore

        def mutate(s: AuthProfileStore) -> None:
            cred = s.profiles[profile_id]
            s.profiles[profile_id] = cred.model_copy(update={"expires": int(time.time() * 1000) - expired_ms_ago})

        store.update(mutate, agent_id=agent_id, state=state)


# --------------------------------------------------------------------------- multi-process refresh race


@dataclass
class RaceRound:
    processes: int
    token_calls: int
    access_fingerprints: list[str]
    errors: list[str]
    refreshed: int
    wall_s: float


class RefreshRace:
    """N real worker processes, each calling core.refresh.ensure_fresh on one profile per round.

    Workers import everything first and report `ready`; a round sends `go` to all of them at
    once (a barrier over pipes, no sleeps), then collects one JSON result line from each.
    """

    def __init__(self, srv: OAuthTestServer, state: Path, profile_id: str, *, agent_id: str = "main",
                 processes: int = 16) -> None:
        self.srv, self.state, self.profile_id, self.agent_id = srv, state, profile_id, agent_id
        self.processes = processes
        self._procs: list[subprocess.Popen[str]] = []
        self.spawn_s = 0.0

    def start(self) -> None:
        env = self.srv.env(dict(os.environ), OPENCLAW_STATE_DIR=str(self.state), PYTHONPATH=str(ROOT))
        t0 = time.monotonic()
        cmd = [sys.executable, "-m", "tests.support.oauth_server", "--refresh-worker", self.profile_id, self.agent_id]
        self._procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, text=True, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE) for _ in range(self.processes)]
        for p in self._procs:
            line = self._readline(p)
            if line.strip() != "ready":
                raise RuntimeError(f"race worker did not start: {line!r}")
        self.spawn_s = time.monotonic() - t0

    @staticmethod
    def _readline(p: subprocess.Popen[str]) -> str:
        assert p.stdout is not None
        box: list[str] = []
        t = threading.Thread(target=lambda: box.append(p.stdout.readline()), daemon=True)  # type: ignore[union-attr]
        t.start()
        t.join(_RACE_READY_TIMEOUT_S)
        if not box:
            raise TimeoutError("race worker did not answer in time")
        return box[0]

    def run_round(self) -> RaceRound:
        before = self.srv.token_calls
        t0 = time.monotonic()
        for p in self._procs:  # release every worker before reading any result
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        results = [json.loads(self._readline(p) or "{}") for p in self._procs]
        wall = time.monotonic() - t0
        return RaceRound(
            processes=len(self._procs),
            token_calls=self.srv.token_calls - before,
            access_fingerprints=[r.get("access", "") for r in results if r.get("ok")],
            errors=[f"{r.get('error_type')}: {r.get('message')}" for r in results if not r.get("ok")],
            refreshed=sum(1 for r in results if r.get("refreshed")),
            wall_s=wall,
        )

    def close(self) -> None:
        for p in self._procs:
            if p.stdin:
                p.stdin.close()
        for p in self._procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            if p.stdout:
                p.stdout.close()
        self._procs = []

    def __enter__(self) -> RefreshRace:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _refresh_worker(profile_id: str, agent_id: str) -> int:
    import httpx  # noqa: F401  -- pre-import so all workers hit the store at the same moment
    import openclaw_onboard.core.oauth.token_client  # noqa: F401
    from openclaw_onboard.core.refresh import ensure_fresh

    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() != "go":
            break
        try:
            res = ensure_fresh(profile_id, agent_id=agent_id)
            out = {"ok": True, "access": token_fingerprint(res.credential.secret), "refreshed": res.refreshed}
        except Exception as exc:  # reported to the parent, which fails the test with it
            out = {"ok": False, "error_type": type(exc).__name__, "message": str(exc)}
        print(json.dumps(out), flush=True)
    return 0


def _serve() -> int:
    server = _Server(_State())
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    print(f"READY {server.server_address[1]}", flush=True)
    sys.stdin.read()  # until the parent closes stdin (or dies)
    server.shutdown()
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        raise SystemExit(_serve())
    if sys.argv[1:2] == ["--refresh-worker"] and len(sys.argv) == 4:
        raise SystemExit(_refresh_worker(sys.argv[2], sys.argv[3]))
    print(__doc__)
    raise SystemExit(2)
