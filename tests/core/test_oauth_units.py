"""Unit tests for the OAuth building blocks: PKCE, authorize URL, JWT claims, paste parser, overrides."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openclaw_onboard.core.models import OAuthCredential
from openclaw_onboard.core.oauth import jwt
from openclaw_onboard.core.oauth.callback_server import CallbackOutcome
from openclaw_onboard.core.oauth.errors import OAuthConfigError, PasteError, TokenEndpointError
from openclaw_onboard.core.oauth.login import LoginResult, LoginStart, detect_remote
from openclaw_onboard.core.oauth.paste import parse_pasted
from openclaw_onboard.core.oauth.pkce import PkcePair, challenge_for, generate_pkce, generate_state
from openclaw_onboard.core.oauth.provider import AnthropicOAuthConfig, CodexOAuthConfig, normalize_loopback_host
from openclaw_onboard.core.oauth.token_client import TokenResponse, parse_token_response
from openclaw_onboard.core.refresh import EXPIRY_MARGIN_MS, is_fresh, login_command

ROOT = Path(__file__).resolve().parents[2]
B64URL = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


# ---- PKCE and state

def test_pkce_matches_rfc7636_example() -> None:
    assert challenge_for("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_generated_pkce_is_32_bytes_base64url_without_padding() -> None:
    pair = generate_pkce()
    assert len(pair.verifier) == 43 and set(pair.verifier) <= B64URL
    assert base64.urlsafe_b64decode(pair.verifier + "=") and len(base64.urlsafe_b64decode(pair.verifier + "=")) == 32
    assert pair.challenge == challenge_for(pair.verifier) and pair.method == "S256"
    assert generate_pkce().verifier != pair.verifier
    assert pair.verifier not in repr(pair)


def test_state_is_random_hex() -> None:
    a, b = generate_state(), generate_state()
    assert a != b and len(a) == 64 and int(a, 16) >= 0


# ---- provider config and the authorize URL

def test_default_codex_config_matches_openclaw() -> None:
    cfg = CodexOAuthConfig.from_env({})
    assert cfg.issuer == "https://auth.openai.com"
    assert cfg.authorize_url == "https://auth.openai.com/oauth/authorize"
    assert cfg.token_url == "https://auth.openai.com/oauth/token"
    assert cfg.client_id == "app_EMoamEEZ73f0CkXaXp7hrann"
    assert cfg.redirect_uri == "http://localhost:1455/auth/callback"
    assert cfg.callback_ports == (1455, 1457) and cfg.callback_port == 1455
    assert cfg.redirect_uri_for(1457) == "http://localhost:1457/auth/callback"
    assert cfg.bind_host == "127.0.0.1"


def test_authorize_url_has_exactly_the_documented_parameters() -> None:
    cfg = CodexOAuthConfig.from_env({})
    pair = PkcePair(verifier="v" * 43, challenge="challenge-x")
    url = cfg.build_authorize_url(code_challenge=pair.challenge, state="st4te")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://auth.openai.com/oauth/authorize"
    q = parse_qs(parts.query, keep_blank_values=True)
    assert all(len(v) == 1 for v in q.values())
    assert {k: v[0] for k, v in q.items()} == {
        "response_type": "code",
        "client_id": "app_EMoamEEZ73f0CkXaXp7hrann",
        "redirect_uri": "http://localhost:1455/auth/callback",
        "scope": "openid profile email offline_access",
        "code_challenge": "challenge-x",
        "code_challenge_method": "S256",
        "state": "st4te",
        "id_token_add_organizations": "true",
        "codex_cli_simplified_flow": "true",
        "originator": "openclaw",  # OpenClaw 4.26 (openAICodexOAuthOriginator), not pi-ai's default "pi"
    }
    assert "v" * 43 not in url  # the verifier never leaves the process before the exchange


def test_env_overrides() -> None:
    cfg = CodexOAuthConfig.from_env({
        "OPENCLAW_CODEX_ISSUER": "http://127.0.0.1:9999/",
        "OPENCLAW_CODEX_CLIENT_ID": "app_test",
        "OPENCLAW_OAUTH_CALLBACK_PORT": "5555",
        "OPENCLAW_OAUTH_CALLBACK_HOST": "127.0.0.1",
    })
    assert cfg.authorize_url == "http://127.0.0.1:9999/oauth/authorize"
    assert cfg.token_url == "http://127.0.0.1:9999/oauth/token"
    assert cfg.client_id == "app_test"
    assert cfg.callback_ports == (5555,)  # an explicit port has no fallback
    assert cfg.redirect_uri == "http://127.0.0.1:5555/auth/callback"
    assert cfg.bind_host == "127.0.0.1"


@pytest.mark.parametrize(("raw", "bind", "redirect_host"), [
    ("localhost", "127.0.0.1", "localhost"),
    ("LOCALHOST", "127.0.0.1", "localhost"),
    ("127.0.0.1", "127.0.0.1", "127.0.0.1"),
    ("127.0.0.2", "127.0.0.2", "127.0.0.2"),
    ("::1", "::1", "[::1]"),
    ("[::1]", "::1", "[::1]"),
])
def test_loopback_callback_hosts_accepted(raw: str, bind: str, redirect_host: str) -> None:
    cfg = CodexOAuthConfig.from_env({"OPENCLAW_OAUTH_CALLBACK_HOST": raw})
    assert cfg.bind_host == bind
    assert cfg.redirect_uri == f"http://{redirect_host}:1455/auth/callback"


@pytest.mark.parametrize("raw", ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com", "localhost.evil.com",
                                 "169.254.1.1", "*"])
def test_non_loopback_callback_host_is_refused(raw: str) -> None:
    with pytest.raises(OAuthConfigError) as err:
        CodexOAuthConfig.from_env({"OPENCLAW_OAUTH_CALLBACK_HOST": raw})
    assert "OPENCLAW_OAUTH_CALLBACK_HOST" in str(err.value) and "loopback" in str(err.value)


@pytest.mark.parametrize("raw", ["abc", "0", "65536", "-1", "14.5"])
def test_bad_callback_port_is_refused(raw: str) -> None:
    with pytest.raises(OAuthConfigError, match="OPENCLAW_OAUTH_CALLBACK_PORT"):
        CodexOAuthConfig.from_env({"OPENCLAW_OAUTH_CALLBACK_PORT": raw})


@pytest.mark.parametrize("issuer", ["http://auth.example.com", "ftp://127.0.0.1", "not a url"])
def test_insecure_or_bad_issuer_is_refused(issuer: str) -> None:
    with pytest.raises(OAuthConfigError, match="OPENCLAW_CODEX_ISSUER"):
        CodexOAuthConfig.from_env({"OPENCLAW_CODEX_ISSUER": issuer})


def test_https_issuer_and_anthropic_overrides() -> None:
    assert CodexOAuthConfig.from_env({"OPENCLAW_CODEX_ISSUER": "https://sso.corp/"}).token_url == \
        "https://sso.corp/oauth/token"
    default = AnthropicOAuthConfig.from_env({})
    assert default.token_url == "https://console.anthropic.com/v1/oauth/token"
    assert default.client_id == "9d1c250a-e61b-44d9-88ed-5944d1962f5e"
    custom = AnthropicOAuthConfig.from_env({"OPENCLAW_ANTHROPIC_TOKEN_URL": "http://127.0.0.1:1/v1/oauth/token",
                                            "OPENCLAW_ANTHROPIC_CLIENT_ID": "cid"})
    assert (custom.token_url, custom.client_id) == ("http://127.0.0.1:1/v1/oauth/token", "cid")


def test_normalize_loopback_host() -> None:
    assert normalize_loopback_host(" [::1] ") == "::1"
    with pytest.raises(OAuthConfigError):
        normalize_loopback_host("::ffff:8.8.8.8")


# ---- remote / headless detection

@pytest.mark.parametrize(("env", "platform", "reason"), [
    ({"SSH_CONNECTION": "1.2.3.4 5 6.7.8.9 22", "DISPLAY": ":0"}, "linux", "remote session (SSH)"),
    ({"SSH_TTY": "/dev/pts/1"}, "darwin", "remote session (SSH)"),
    ({"SSH_CLIENT": "1.2.3.4 5 22"}, "win32", "remote session (SSH)"),
    ({}, "linux", "no display"),
    ({"DISPLAY": ":0"}, "linux", None),
    ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", None),
    ({}, "darwin", None),
    ({"SSH_TTY": ""}, "darwin", None),
])
def test_detect_remote(env: dict[str, str], platform: str, reason: str | None) -> None:
    assert detect_remote(env, platform) == reason


# ---- JWT claims

def _jwt(payload: dict) -> str:
    enc = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    return f"eyJhbGciOiJub25lIn0.{enc}.sig"


@pytest.mark.parametrize("pad", range(4))
def test_jwt_payload_is_repadded(pad: int) -> None:
    payload = {"x": "a" * pad, "https://api.openai.com/auth": {"chatgpt_account_id": "acc_1"}}
    assert jwt.decode_payload(_jwt(payload)) == payload


def test_account_id_from_access_token_else_id_token() -> None:
    claim = "https://api.openai.com/auth"
    access = _jwt({claim: {"chatgpt_account_id": "acc_access"}})
    id_token = _jwt({claim: {"chatgpt_account_id": "acc_id"}, "email": "me@x.com"})
    assert jwt.account_id_from_tokens(access, id_token) == "acc_access"
    assert jwt.account_id_from_tokens(_jwt({"sub": "u"}), id_token) == "acc_id"
    assert jwt.account_id_from_tokens("opaque-token", id_token) == "acc_id"
    assert jwt.account_id_from_tokens("opaque", None) is None
    assert jwt.email_from(id_token) == "me@x.com"
    assert jwt.email_from(access) is None
    assert jwt.ACCOUNT_ID_ERROR == "Failed to extract accountId from token"


@pytest.mark.parametrize("token", [None, "", "a.b", "a..c", "a.!!!.c", "a.bm90IGpzb24.c", "a.WzEsMl0.c"])
def test_malformed_jwts_decode_to_none(token: str | None) -> None:
    assert jwt.decode_payload(token) is None
    assert jwt.account_id_from(token) is None


def test_expiry_from_jwt() -> None:
    assert jwt.expiry_ms_from(_jwt({"exp": 1700000000})) == 1700000000000
    assert jwt.expiry_ms_from(_jwt({"exp": "soon"})) is None


# ---- paste parser

STATE = "a" * 64


@pytest.mark.parametrize("text", [
    f"http://localhost:1455/auth/callback?code=ac_123&state={STATE}",
    f"  http://127.0.0.1:1455/auth/callback?state={STATE}&code=ac_123&scope=x  \n",
    f"'http://localhost:1455/auth/callback?code=ac_123&state={STATE}'",
    f"ac_123#{STATE}",
    f"code=ac_123&state={STATE}",
    f"?code=ac_123&state={STATE}",
    "code=ac_123",
    "ac_123",
    "http://localhost:1455/auth/callback?code=ac_123",
    "ac_123#",
])
def test_paste_formats(text: str) -> None:
    assert parse_pasted(text, STATE) == "ac_123"


@pytest.mark.parametrize("text", [
    "http://localhost:1455/auth/callback?code=ac_123&state=other",
    "ac_123#other",
    "code=ac_123&state=other",
])
def test_paste_with_other_state_is_rejected(text: str) -> None:
    with pytest.raises(PasteError, match="state mismatch"):
        parse_pasted(text, STATE)


@pytest.mark.parametrize(("text", "match"), [
    ("", "Nothing was pasted"),
    ("   ", "Nothing was pasted"),
    ("http://localhost:1455/auth/callback?state=x", "no `code`"),
    (f"http://localhost:1455/auth/callback?error=access_denied&state={STATE}", "access_denied"),
    ("hello world", "does not look like"),
    ("code=", "No authorization code"),
    ("#state", "No authorization code"),
    ("x" * 5000, "does not look like"),
])
def test_paste_errors(text: str, match: str) -> None:
    with pytest.raises(PasteError, match=match):
        parse_pasted(text, STATE)


CODES = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~", min_size=1, max_size=80)
STATES = st.text(alphabet="0123456789abcdef", min_size=1, max_size=64)


@given(code=CODES, state=STATES)
def test_property_every_format_yields_the_code(code: str, state: str) -> None:
    for text in (
        f"http://localhost:1455/auth/callback?{urlencode({'code': code, 'state': state})}",
        f"{code}#{state}",
        urlencode({"code": code, "state": state}),
        code,
    ):
        assert parse_pasted(text, state) == code


@given(code=CODES, state=STATES, other=STATES)
def test_property_a_different_state_is_always_rejected(code: str, state: str, other: str) -> None:
    if other == state:
        return
    for text in (f"http://localhost:1455/auth/callback?code={quote(code)}&state={other}", f"{code}#{other}"):
        with pytest.raises(PasteError):
            parse_pasted(text, state)


@given(text=st.text(max_size=300))
def test_property_arbitrary_input_gives_a_code_or_paste_error(text: str) -> None:
    try:
        code = parse_pasted(text, STATE)
    except PasteError as exc:
        secret_like = text.strip()
        if len(secret_like) >= 12:
            assert secret_like not in str(exc)  # never echo the input back
    else:
        assert code and " " not in code


# ---- token endpoint responses

def test_token_response_parsing_and_repr() -> None:
    body = json.dumps({"access_token": "AT-secret", "refresh_token": "RT-secret", "expires_in": "3600",
                       "id_token": "ID-secret", "extra": 1}).encode()
    tr = parse_token_response("https://a/oauth/token", 200, body)
    assert (tr.access_token, tr.refresh_token, tr.expires_in) == ("AT-secret", "RT-secret", 3600)
    assert "secret" not in repr(tr)
    assert TokenResponse.model_validate({"access_token": "x", "refresh_token": ""}).refresh_token is None


@pytest.mark.parametrize(("status", "body", "kind", "code"), [
    (400, {"error": "invalid_grant", "error_description": "bad token RT-secret-value"}, "oauth_error", "invalid_grant"),
    (401, {"error": {"code": "refresh_token_reused", "message": "already used"}}, "oauth_error",
     "refresh_token_reused"),
    (403, "<html>denied</html>", "http", None),
    (502, "bad gateway", "server", None),
    (200, "<html>not json</html>", "bad_response", None),
    (200, {"token_type": "Bearer"}, "bad_response", None),
    (302, "", "http", None),
])
def test_token_endpoint_errors(status: int, body: object, kind: str, code: str | None) -> None:
    raw = json.dumps(body).encode() if isinstance(body, dict) else str(body).encode()
    with pytest.raises(TokenEndpointError) as err:
        parse_token_response("https://auth.example/oauth/token", status, raw, ["RT-secret-value"])
    assert err.value.kind == kind and err.value.error_code == code and err.value.status == status
    assert "RT-secret-value" not in str(err.value)
    if code:
        assert code in str(err.value)


def test_transport_errors_are_typed() -> None:
    import httpx
    from openclaw_onboard.core.oauth.token_client import _transport_error

    timeout = _transport_error("https://a.example/t", httpx.ReadTimeout("read timed out"), 30)
    network = _transport_error("https://a.example/t", httpx.ConnectError("[Errno 111] Connection refused"), 30)
    assert (timeout.kind, network.kind) == ("timeout", "network")
    assert "30s" in str(timeout) and "Connection refused" in str(network)


# ---- misc contracts

def test_is_fresh_uses_a_five_minute_margin() -> None:
    now = 1_000_000_000_000
    cred = OAuthCredential(provider="openai-codex", access="a", refresh="r", expires=now + EXPIRY_MARGIN_MS + 1)
    assert is_fresh(cred, now)
    assert not is_fresh(cred.model_copy(update={"expires": now + EXPIRY_MARGIN_MS}), now)
    assert not is_fresh(cred.model_copy(update={"expires": None}), now)
    assert not is_fresh(cred.model_copy(update={"access": None}), now)
    assert login_command("openai-codex", "work") == "openclaw models auth login --provider openai-codex --agent work"


def test_public_objects_hide_secrets() -> None:
    assert "sekrit" not in repr(CallbackOutcome(code="sekrit"))
    assert repr(LoginStart(url="u", mode="paste", listen_address=None, reason="no display"))
    assert repr(LoginResult(profile_id="openai-codex:default", email=None, account_id="a", expires_ms=1))


def test_importing_login_and_refresh_does_not_import_httpx_or_textual() -> None:
    code = (
        "import sys, core.refresh, core.oauth.login, core.oauth.token_client, core.oauth.callback_server\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('httpx', 'textual'))\n"
        "print(bad); raise SystemExit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("pasted", [
    "localhost:1455/auth/callback?code=ABC_123&state=S1",
    "127.0.0.1:1455/auth/callback?code=ABC_123&state=S1",
    "/auth/callback?code=ABC_123&state=S1",
])
def test_paste_redirect_url_without_scheme(pasted: str) -> None:
    """Browsers often hide `http://` in the address bar; the copied address must still work."""
    from openclaw_onboard.core.oauth.paste import PasteError, parse_pasted

    assert parse_pasted(pasted, "S1") == "ABC_123"
    with pytest.raises(PasteError, match="state mismatch"):
        parse_pasted(pasted, "OTHER")
