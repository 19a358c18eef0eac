"""Shared fixtures: real OpenClaw state dirs in tmp, shaped exactly like the facts doc.

Nothing here mocks anything. A test gets a fresh state dir (``state_dir``), with
``OPENCLAW_STATE_DIR`` pointing at it and ``HOME`` pointing at an empty tmp home, so
no test can read or write the real ``~/.openclaw``, ``~/.codex`` or ``~/.claude``.

Typical use::

    def test_something(state_dir, openclaw_files):
        openclaw_files.write_store()                # the facts-doc example store, agent "main"
        openclaw_files.write_auth_state()           # auth-state.json beside it
        openclaw_files.write_config()               # <state>/openclaw.json, JSON5 with comments
        ...

    def test_full_agent(make_agent):
        paths = make_agent("work", auth_state=True, config=True)   # returns core.paths.AgentPaths

Constants (deep-copy them before mutating; the fixtures always do):

- ``EXAMPLE_STORE``: the auth-profiles.json of the facts doc (4 profiles, order, lastGood, usageStats).
- ``EXAMPLE_AUTH_STATE``: an auth-state.json whose ``order`` differs from the store's.
- ``EXAMPLE_CONFIG_JSON5``: openclaw.json text with comments, unquoted keys and trailing commas.
- ``EXAMPLE_LEGACY_AUTH`` / ``EXAMPLE_LEGACY_OAUTH``: legacy ``<agentDir>/auth.json`` and
  ``<state>/credentials/oauth.json``.
- ``EXAMPLE_NOW_MS``: a "now" at which the example store has one profile of each status:
  ``anthropic:work`` ok, ``openai-codex:me@example.com`` expiring (5 h left),
  ``openrouter:manual`` and ``openai:default`` static.
- ``ANTHROPIC_SETUP_TOKEN``: a valid-looking ``sk-ant-oat01-`` token (>= 80 chars) whose mask is
  ``MASKED_ANTHROPIC_TOKEN`` (``sk-ant-o...Gg3eWffP``).
"""

from __future__ import annotations

import base64
import copy
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """English unless a test chooses a language, whatever the machine's locale; catalogs compiled.

    A .po edited since the last build is compiled here as the Makefile would (a build step of the
    test run, never of the program), so `pytest` straight after editing a catalog reads the new text.
    """
    os.environ["OPENCLAW_LANG"] = "en"
    from scripts.catalogs import compile_all

    compile_all()


HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS

# Placeholders with realistic shapes (long enough for the setup-token rules and masking).
ANTHROPIC_SETUP_TOKEN = "sk-ant-oat01-" + "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-" * 2 + "Gg3eWffP"
MASKED_ANTHROPIC_TOKEN = "sk-ant-o...Gg3eWffP"
OPENROUTER_TOKEN = "sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
OPENAI_API_KEY = "sk-proj-ExampleExampleExampleExample0123456789"
CODEX_EXPIRES_MS = 1767225600000  # 2026-01-01T00:00:00Z, as in the facts doc
EXAMPLE_NOW_MS = CODEX_EXPIRES_MS - 5 * HOUR_MS


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def make_jwt(payload: dict[str, Any], header: dict[str, Any] | None = None) -> str:
    """An unsigned JWT (`header.payload.signature`) with the given claims; good enough for parsers."""
    head = b64url(json.dumps(header or {"alg": "RS256", "typ": "JWT"}).encode())
    body = b64url(json.dumps(payload).encode())
    return f"{head}.{body}.{b64url(b'not-a-real-signature')}"


CODEX_ACCESS_TOKEN = make_jwt(
    {
        "exp": CODEX_EXPIRES_MS // 1000,
        "https://api.openai.com/auth": {"chatgpt_account_id": "acc_0123456789"},
        "email": "me@example.com",
    }
)

EXAMPLE_STORE: dict[str, Any] = {
    "version": 1,
    "profiles": {
        "anthropic:work": {
            "type": "token",
            "provider": "anthropic",
            "token": ANTHROPIC_SETUP_TOKEN,
            "expires": 1826789958410,
        },
        "openrouter:manual": {"type": "token", "provider": "openrouter", "token": OPENROUTER_TOKEN},
        "openai:default": {"type": "api_key", "provider": "openai", "key": OPENAI_API_KEY},
        "openai-codex:me@example.com": {
            "type": "oauth",
            "provider": "openai-codex",
            "access": CODEX_ACCESS_TOKEN,
            "refresh": "rt_opaque-refresh-token-0123456789",
            "expires": CODEX_EXPIRES_MS,
            "accountId": "acc_0123456789",
            "email": "me@example.com",
        },
    },
    "order": {"anthropic": ["anthropic:personal", "anthropic:work"]},
    "lastGood": {"anthropic": "anthropic:work"},
    "usageStats": {
        "anthropic:work": {
            "lastUsed": 0,
            "cooldownUntil": 0,
            "disabledUntil": 0,
            "disabledReason": "billing",
            "errorCount": 0,
            "failureCounts": {},
            "lastFailureAt": 0,
        }
    },
}

EXAMPLE_AUTH_STATE: dict[str, Any] = {
    "version": 1,
    "order": {"anthropic": ["anthropic:work"], "openai": ["openai:default"]},
    "lastGood": {"anthropic": "anthropic:work"},
    "usageStats": {"openai:default": {"lastUsed": 1767000000000, "errorCount": 0}},
}

EXAMPLE_CONFIG_JSON5 = """\
// OpenClaw global config (JSON5: comments, unquoted keys, trailing commas).
{
  gateway: { port: 18789, bind: "loopback", },
  agents: {
    defaults: { model: { primary: "anthropic/claude-opus-4-5" }, },  /* kept verbatim by us */
  },
  auth: {
    profiles: {
      "anthropic:work": { provider: "anthropic", mode: "token", },
      "openai-codex:me@example.com": { provider: "openai-codex", mode: "oauth", email: "me@example.com" },
    },
    order: { anthropic: ["anthropic:work", "anthropic:personal",], },
  },
}
"""
# What json5 makes of EXAMPLE_CONFIG_JSON5 (for assertions).
EXAMPLE_CONFIG: dict[str, Any] = {
    "gateway": {"port": 18789, "bind": "loopback"},
    "agents": {"defaults": {"model": {"primary": "anthropic/claude-opus-4-5"}}},
    "auth": {
        "profiles": {
            "anthropic:work": {"provider": "anthropic", "mode": "token"},
            "openai-codex:me@example.com": {"provider": "openai-codex", "mode": "oauth", "email": "me@example.com"},
        },
        "order": {"anthropic": ["anthropic:work", "anthropic:personal"]},
    },
}

# Legacy per-agent <agentDir>/auth.json: flat {"<provider>": {credential}}.
EXAMPLE_LEGACY_AUTH: dict[str, Any] = {
    "openai": {"type": "api_key", "provider": "openai", "key": "sk-legacy-openai-key-0123456789"},
    "google": {
        "type": "oauth",
        "provider": "google",
        "access": "ya29.legacy-access",
        "refresh": "1//legacy-refresh",
        "expires": 1767225600000,
        "projectId": "my-project",
    },
}

# Legacy import-only <state>/credentials/oauth.json: {"<provider>": {"access","refresh","expires",...}}.
EXAMPLE_LEGACY_OAUTH: dict[str, Any] = {
    "anthropic": {"access": "sk-ant-oat01-legacy-access", "refresh": "sk-ant-ort01-legacy", "expires": 1767225600000},
    "google": {"access": "ya29.from-oauth-json", "refresh": "1//from-oauth-json", "expires": 1767225600000},
}

OPENCLAW_ENV_PREFIXES = ("OPENCLAW_", "CODEX_HOME", "CLAUDE_CONFIG_DIR")


def write_json(path: Path, data: Any, mode: int = 0o600) -> Path:
    """Write JSON the way OpenClaw does (indent 2, trailing newline), creating 0700 parents."""
    return write_bytes(path, (json.dumps(data, indent=2) + "\n").encode("utf-8"), mode)


def write_bytes(path: Path, data: bytes, mode: int = 0o600) -> Path:
    _mkdir_private(path.parent)
    path.write_bytes(data)
    os.chmod(path, mode)
    return path


def _mkdir_private(path: Path) -> None:
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        d.mkdir(mode=0o700)
        os.chmod(d, 0o700)


class OpenClawFiles:
    """Writes OpenClaw's files into one state dir. Every method returns the path it wrote.

    ``data=None`` means "the facts-doc example"; pass a dict to write something else,
    or use ``write_raw(path, b"...")`` for corrupt content.
    """

    def __init__(self, state: Path) -> None:
        self.state = state

    def paths(self, agent_id: str = "main"):
        from openclaw_onboard.core.paths import agent_paths

        return agent_paths(agent_id, self.state)

    def write_store(self, data: dict[str, Any] | None = None, agent_id: str = "main", mode: int = 0o600) -> Path:
        return write_json(self.paths(agent_id).store, copy.deepcopy(EXAMPLE_STORE if data is None else data), mode)

    def write_auth_state(self, data: dict[str, Any] | None = None, agent_id: str = "main", mode: int = 0o600) -> Path:
        data = EXAMPLE_AUTH_STATE if data is None else data
        return write_json(self.paths(agent_id).auth_state, copy.deepcopy(data), mode)

    def write_legacy_auth(self, data: dict[str, Any] | None = None, agent_id: str = "main") -> Path:
        data = EXAMPLE_LEGACY_AUTH if data is None else data
        return write_json(self.paths(agent_id).legacy_auth, copy.deepcopy(data))

    def write_legacy_oauth(self, data: dict[str, Any] | None = None) -> Path:
        data = EXAMPLE_LEGACY_OAUTH if data is None else data
        return write_json(self.state / "credentials" / "oauth.json", copy.deepcopy(data))

    def write_config(self, text: str | dict[str, Any] | None = None) -> Path:
        """`<state>/openclaw.json`: JSON5 text (default: EXAMPLE_CONFIG_JSON5) or a dict written as JSON."""
        if text is None:
            text = EXAMPLE_CONFIG_JSON5
        if isinstance(text, dict):
            text = json.dumps(text, indent=2) + "\n"
        return write_bytes(self.state / "openclaw.json", text.encode("utf-8"))

    def write_raw(self, path: Path, data: bytes, mode: int = 0o600) -> Path:
        return write_bytes(path, data, mode)

    def read_store(self, agent_id: str = "main") -> dict[str, Any]:
        return json.loads(self.paths(agent_id).store.read_text("utf-8"))

    def read_auth_state(self, agent_id: str = "main") -> dict[str, Any]:
        return json.loads(self.paths(agent_id).auth_state.read_text("utf-8"))

    def read_merged(self, agent_id: str = "main") -> dict[str, Any]:
        """auth-profiles.json with auth-state.json's keys over it: the store as OpenClaw 4.26 loads it.

        Also checks the 4.26 split: after any write of ours, auth-profiles.json holds no state keys.
        """
        raw = self.read_store(agent_id)
        state_path = self.paths(agent_id).auth_state
        state = json.loads(state_path.read_text("utf-8")) if state_path.exists() else {}
        for key in ("order", "lastGood", "usageStats"):
            if key in state:
                raw[key] = state[key]
        return raw

    def read_config(self) -> dict[str, Any]:
        import json5

        return json5.loads((self.state / "openclaw.json").read_text("utf-8"))


@pytest.fixture
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh, empty OpenClaw state dir (0700) exported as OPENCLAW_STATE_DIR.

    HOME points at an empty ``tmp_path/home``; OPENCLAW_* / CODEX_HOME / CLAUDE_CONFIG_DIR and
    every ``*_API_KEY*`` variable of the outer environment are removed, so results never depend
    on the machine running the tests.
    """
    for name in list(os.environ):
        if name.startswith(OPENCLAW_ENV_PREFIXES) or "_API_KEY" in name:
            monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("HOME", str(home))
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(state))
    yield state


@pytest.fixture
def openclaw_files(state_dir: Path) -> OpenClawFiles:
    """Writer/reader for the files of ``state_dir`` (see OpenClawFiles)."""
    return OpenClawFiles(state_dir)


@pytest.fixture
def make_agent(openclaw_files: OpenClawFiles) -> Callable[..., Any]:
    """``make_agent(agent_id="main", *, store=True, auth_state=False, config=False, legacy_auth=False,
    legacy_oauth=False) -> AgentPaths``. ``True`` writes the example; a dict writes that dict;
    ``False``/``None`` writes nothing (``store=False`` still creates the agent dir)."""

    def make(
        agent_id: str = "main",
        *,
        store: bool | dict[str, Any] | None = True,
        auth_state: bool | dict[str, Any] | None = False,
        config: bool | str | dict[str, Any] | None = False,
        legacy_auth: bool | dict[str, Any] | None = False,
        legacy_oauth: bool | dict[str, Any] | None = False,
    ):
        def pick(value: Any) -> Any:
            return None if value is True else value

        paths = openclaw_files.paths(agent_id)
        _mkdir_private(paths.agent_dir)
        if store:
            openclaw_files.write_store(pick(store), agent_id)
        if auth_state:
            openclaw_files.write_auth_state(pick(auth_state), agent_id)
        if config:
            openclaw_files.write_config(pick(config))
        if legacy_auth:
            openclaw_files.write_legacy_auth(pick(legacy_auth), agent_id)
        if legacy_oauth:
            openclaw_files.write_legacy_oauth(pick(legacy_oauth))
        return paths

    return make


@pytest.fixture
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> int:
    """Freeze core.clock.now_ms() (and subprocesses started with this env) at EXAMPLE_NOW_MS."""
    monkeypatch.setenv("OPENCLAW_NOW_MS", str(EXAMPLE_NOW_MS))
    return EXAMPLE_NOW_MS


@pytest.fixture
def srv() -> Iterator[Any]:
    """A real loopback OAuth server (tests/support/oauth_server.py), fresh for each test: the one copy
    of this fixture for every test directory."""
    from tests.support.oauth_server import OAuthTestServer

    with OAuthTestServer() as server:
        yield server
