"""Provider OAuth constants and their overrides (tests and self-hosted issuers).

OpenAI Codex: the values OpenClaw (via pi-ai) uses; the token endpoint only accepts
the registered redirect `http://localhost:1455/auth/callback` (1457 is the only other
registered port), so production never picks a random port.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from openclaw_onboard.core.oauth.errors import OAuthConfigError

CODEX_ISSUER = "https://auth.openai.com"
CODEX_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann"
CODEX_SCOPE = "openid profile email offline_access"
CODEX_ORIGINATOR = "openclaw"  # what OpenClaw 2026.4.26 sends (openAICodexOAuthOriginator; pi-ai's own default is "pi")
CODEX_PROVIDER = "openai-codex"
DEFAULT_CALLBACK_HOST = "localhost"  # the registered redirect says localhost; we still bind 127.0.0.1
DEFAULT_CALLBACK_PORTS: tuple[int, ...] = (1455, 1457)
CALLBACK_PATH = "/auth/callback"
# Device pairing (OpenClaw 4.26 `openai-codex-device-code`): paths under the issuer.
DEVICE_USERCODE_PATH = "/api/accounts/deviceauth/usercode"
DEVICE_TOKEN_PATH = "/api/accounts/deviceauth/token"
DEVICE_VERIFY_PATH = "/codex/device"
DEVICE_CALLBACK_PATH = "/deviceauth/callback"

ANTHROPIC_TOKEN_URL = "https://console.anthropic.com/v1/oauth/token"
ANTHROPIC_CLIENT_ID = "9d1c250a-e61b-44d9-88ed-5944d1962f5e"

ENV_ISSUER = "OPENCLAW_CODEX_ISSUER"
ENV_CLIENT_ID = "OPENCLAW_CODEX_CLIENT_ID"
ENV_CALLBACK_PORT = "OPENCLAW_OAUTH_CALLBACK_PORT"
ENV_CALLBACK_HOST = "OPENCLAW_OAUTH_CALLBACK_HOST"
ENV_ANTHROPIC_TOKEN_URL = "OPENCLAW_ANTHROPIC_TOKEN_URL"
ENV_ANTHROPIC_CLIENT_ID = "OPENCLAW_ANTHROPIC_CLIENT_ID"


def normalize_loopback_host(raw: str) -> str:
    """`localhost`, a 127.0.0.0/8 address or `::1` (brackets allowed); anything else is refused."""
    host = raw.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if host == "localhost":
        return host
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    if ip is not None and ip.is_loopback:
        return str(ip)
    raise OAuthConfigError(
        f"{ENV_CALLBACK_HOST}={raw.strip()!r} is not a loopback address; use localhost, 127.0.0.1 or ::1 "
        "(the login callback server never listens on other interfaces)"
    )


def _parse_port(raw: str) -> int:
    try:
        port = int(raw.strip())
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise OAuthConfigError(f"{ENV_CALLBACK_PORT}={raw.strip()!r} is not a TCP port number (1-65535)")
    return port


def is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    try:
        normalize_loopback_host(host)
    except OAuthConfigError:
        return False
    return True


def _parse_base_url(raw: str, var: str) -> str:
    url = raw.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OAuthConfigError(f"{var} must be an http(s) URL, got {raw.strip()!r}")
    # Plain http would send codes and refresh tokens in clear text; only loopback may use it.
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise OAuthConfigError(f"{var} must use https (plain http is only allowed on loopback)")
    return url


def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


@dataclass(frozen=True)
class CodexOAuthConfig:
    issuer: str = CODEX_ISSUER
    client_id: str = CODEX_CLIENT_ID
    callback_host: str = DEFAULT_CALLBACK_HOST
    # Ports tried in order for the callback server; the first is the primary one.
    callback_ports: tuple[int, ...] = DEFAULT_CALLBACK_PORTS
    scope: str = CODEX_SCOPE
    originator: str = CODEX_ORIGINATOR

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, callback: bool = True) -> CodexOAuthConfig:
        """Defaults plus env overrides. `callback=False` (refresh) ignores the callback settings,
        so a bad callback override cannot break refreshing."""
        e = _env(env)
        issuer = e.get(ENV_ISSUER, "").strip()
        client_id = e.get(ENV_CLIENT_ID, "").strip()
        host = e.get(ENV_CALLBACK_HOST, "").strip() if callback else ""
        port = e.get(ENV_CALLBACK_PORT, "").strip() if callback else ""
        return cls(
            issuer=_parse_base_url(issuer, ENV_ISSUER) if issuer else CODEX_ISSUER,
            client_id=client_id or CODEX_CLIENT_ID,
            callback_host=normalize_loopback_host(host) if host else DEFAULT_CALLBACK_HOST,
            # An explicit port is used alone: a fallback the issuer does not know would be useless.
            callback_ports=(_parse_port(port),) if port else DEFAULT_CALLBACK_PORTS,
        )

    @property
    def callback_port(self) -> int:
        return self.callback_ports[0]

    @property
    def authorize_url(self) -> str:
        return f"{self.issuer}/oauth/authorize"

    @property
    def token_url(self) -> str:
        return f"{self.issuer}/oauth/token"

    @property
    def device_usercode_url(self) -> str:
        return f"{self.issuer}{DEVICE_USERCODE_PATH}"

    @property
    def device_token_url(self) -> str:
        return f"{self.issuer}{DEVICE_TOKEN_PATH}"

    @property
    def device_verification_url(self) -> str:
        """Where the user types the code (OpenClaw shows `{issuer}/codex/device`)."""
        return f"{self.issuer}{DEVICE_VERIFY_PATH}"

    @property
    def device_redirect_uri(self) -> str:
        """The redirect_uri of the device flow's code exchange (never a loopback one)."""
        return f"{self.issuer}{DEVICE_CALLBACK_PATH}"

    @property
    def bind_host(self) -> str:
        """The address the callback server listens on: loopback only, never a wildcard."""
        if self.callback_host == "localhost":
            return "127.0.0.1"
        return self.callback_host

    @property
    def redirect_uri(self) -> str:
        return self.redirect_uri_for(self.callback_port)

    def redirect_uri_for(self, port: int) -> str:
        host = f"[{self.callback_host}]" if ":" in self.callback_host else self.callback_host
        return f"http://{host}:{port}{CALLBACK_PATH}"

    def build_authorize_url(self, *, code_challenge: str, state: str, redirect_uri: str | None = None) -> str:
        """The authorize URL with exactly the parameters OpenClaw sends."""
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": redirect_uri or self.redirect_uri,
            "scope": self.scope,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
            "state": state,
            "id_token_add_organizations": "true",
            "codex_cli_simplified_flow": "true",
            "originator": self.originator,
        }
        return f"{self.authorize_url}?{urlencode(params)}"


@dataclass(frozen=True)
class AnthropicOAuthConfig:
    """Refresh of Anthropic oauth profiles (imported from the Claude CLI)."""

    token_url: str = ANTHROPIC_TOKEN_URL
    client_id: str = ANTHROPIC_CLIENT_ID

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AnthropicOAuthConfig:
        e = _env(env)
        url = e.get(ENV_ANTHROPIC_TOKEN_URL, "").strip()
        client_id = e.get(ENV_ANTHROPIC_CLIENT_ID, "").strip()
        return cls(
            token_url=_parse_base_url(url, ENV_ANTHROPIC_TOKEN_URL) if url else ANTHROPIC_TOKEN_URL,
            client_id=client_id or ANTHROPIC_CLIENT_ID,
        )
