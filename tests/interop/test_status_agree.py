"""`models status --check`, Missing auth, order and agents agree with the real OpenClaw 2026.4.26.

Each fixture is a state dir; OpenClaw's CLI and ours look at the same files (same real clock) and
must give the same exit code and the same providers missing auth; OpenClaw's own
resolveAuthProfileOrder and ours must order profiles alike.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from openclaw_onboard.core.paths import agent_paths

from tests.conftest import write_json
from tests.interop.conftest import OpenClawPeer, Ours

HOUR = 3_600_000
TOKEN = "sk-ant-oat01-" + "A" * 90


def _now() -> int:
    return int(time.time() * 1000)


def _token(expires: int | None = None, provider: str = "anthropic") -> dict[str, Any]:
    entry: dict[str, Any] = {"type": "token", "provider": provider, "token": TOKEN}
    if expires is not None:
        entry["expires"] = expires
    return entry


def _model(ref: str) -> dict[str, Any]:
    return {"agents": {"defaults": {"model": ref}}}


FIXTURES: dict[str, tuple[dict | None, dict | None]] = {
    # name: (auth-profiles.json of main, openclaw.json)
    "empty state": (None, None),
    "only an openrouter token, default model": ({"openrouter:manual": _token(provider="openrouter")}, None),
    "openrouter token, openrouter model": ({"openrouter:manual": _token(provider="openrouter")},
                                           _model("openrouter/anthropic/claude-sonnet-4")),
    "token expiring in 12 h": ({"anthropic:work": _token(12 * HOUR)}, _model("anthropic/claude-opus-4-5")),
    "token expired": ({"anthropic:work": _token(-HOUR)}, _model("anthropic/claude-opus-4-5")),
    "token with null expiry": ({"anthropic:work": {**_token(), "expires": None}}, _model("anthropic/claude-opus-4-5")),
    "oauth without expiry": ({"openai-codex:default": {"type": "oauth", "provider": "openai-codex", "access": "a",
                                                       "refresh": "r"}}, _model("openai-codex/gpt-5.5")),
    "oauth fine, fallback provider missing": (
        {"openai-codex:default": {"type": "oauth", "provider": "openai-codex", "access": "a", "refresh": "r",
                                  "expires": 30 * 24 * HOUR}},
        {"agents": {"defaults": {"model": {"primary": "openai-codex/gpt-5.5", "fallbacks": ["mistral/large"]}}}}),
    "image model provider missing": ({"anthropic:work": _token(30 * 24 * HOUR)},
                                     {"agents": {"defaults": {"model": "anthropic/claude-opus-4-5",
                                                              "imageModel": "google/gemini-2.5-flash-image"}}}),
    "api key only": ({"anthropic:default": {"type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-x"}},
                     _model("anthropic/claude-opus-4-5")),
}


def _write(state: Path, store: dict | None, config: dict | None) -> None:
    now = _now()
    if store is not None:
        profiles = json.loads(json.dumps(store))
        for entry in profiles.values():  # relative expiries -> absolute, on the real clock both tools use
            if isinstance(entry.get("expires"), int):
                entry["expires"] += now
        write_json(agent_paths("main", state).store, {"version": 1, "profiles": profiles})
    if config is not None:
        write_json(state / "openclaw.json", config)


@pytest.mark.parametrize("name", list(FIXTURES))
def test_check_exit_code_and_missing_auth_agree(openclaw_peer: OpenClawPeer, ours: Ours, state_dir: Path,
                                                name: str) -> None:
    _write(state_dir, *FIXTURES[name])
    theirs = openclaw_peer.cli("models", "status", "--check", "--json")
    mine = ours("models", "status", "--check", "--json")
    assert mine.returncode == theirs.returncode, (name, theirs.stdout[-800:], mine.stdout[-800:])
    their_doc = json.loads(theirs.stdout[theirs.stdout.index("{"):])
    my_doc = json.loads(mine.stdout)
    assert my_doc["missing"] == their_doc["auth"]["missingProvidersInUse"], name
    assert my_doc["models"]["defaultModel"] == their_doc["defaultModel"]
    assert my_doc["models"]["fallbacks"] == their_doc["fallbacks"]
    assert my_doc["models"]["imageModel"] == their_doc["imageModel"]
    theirs_by_id = {p["profileId"]: p["status"] for p in their_doc["auth"]["oauth"]["profiles"]}
    mine_by_id = {p["id"]: p["status"] for prov in my_doc["providers"] for p in prov["profiles"]}
    assert mine_by_id == theirs_by_id, name


def test_sub_agent_uses_mains_profiles_as_openclaw_does(openclaw_peer: OpenClawPeer, ours: Ours,
                                                       state_dir: Path) -> None:
    _write(state_dir, {"anthropic:work": _token(30 * 24 * HOUR)},
           {**_model("anthropic/claude-opus-4-5"), "agents": {"defaults": {"model": "anthropic/claude-opus-4-5"},
                                                             "list": [{"id": "main"}, {"id": "work"}]}})
    mine = ours("models", "status", "--check", "--json", "--agent", "work")
    theirs = openclaw_peer.cli("models", "status", "--check", "--json", "--agent", "work")
    assert mine.returncode == theirs.returncode == 0, (theirs.stdout[-500:], mine.stdout[-500:])
    assert json.loads(mine.stdout)["inheritsMain"] is True


ORDER_STORE = {
    "anthropic:a": _token(30 * 24 * HOUR),
    "anthropic:b": {"type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-b"},
    "anthropic:c": {"type": "oauth", "provider": "anthropic", "access": "x", "refresh": "y", "expires": -HOUR},
    "anthropic:d": _token(-HOUR),  # expired: not eligible
    "anthropic:e": {"type": "api_key", "provider": "anthropic"},  # no key: not eligible
    "openrouter:x": _token(provider="openrouter"),
}


@pytest.mark.parametrize("case", ["default", "store order", "config order", "config profiles", "cooldowns"])
def test_effective_order_agrees_with_resolve_auth_profile_order(openclaw_peer: OpenClawPeer, ours: Ours,
                                                                 state_dir: Path, case: str) -> None:
    now = _now()
    config: dict[str, Any] = {}
    state: dict[str, Any] = {"version": 1}
    if case == "store order":
        state["order"] = {"anthropic": ["anthropic:b", "anthropic:d", "anthropic:a", "anthropic:gone"]}
    if case == "config order":
        config = {"auth": {"order": {"anthropic": ["anthropic:c", "anthropic:b"]}}}
    if case == "config profiles":
        config = {"auth": {"profiles": {"anthropic:b": {"provider": "anthropic", "mode": "api_key"},
                                        "anthropic:a": {"provider": "anthropic", "mode": "oauth"},
                                        "anthropic:c": {"provider": "anthropic", "mode": "token"}}}}
    if case == "cooldowns":
        state["usageStats"] = {
            "anthropic:a": {"cooldownUntil": now + 60_000, "errorCount": 1},
            "anthropic:c": {"disabledUntil": now + 3_600_000, "disabledReason": "billing"},
            "anthropic:b": {"lastUsed": now - 10},
        }
    _write(state_dir, ORDER_STORE, config or None)
    if len(state) > 1:
        write_json(agent_paths("main", state_dir).auth_state, state)
    [theirs] = openclaw_peer.bridge("order", "-", "anthropic", "openrouter")
    mine = {}
    for provider in ("anthropic", "openrouter"):
        res = ours("models", "auth", "order", "get", "--provider", provider, "--json")
        assert res.returncode == 0, res.stderr
        mine[provider] = json.loads(res.stdout)["effective"]
    assert mine == theirs, case


def test_agents_added_by_either_tool_are_seen_by_the_other(openclaw_peer: OpenClawPeer, ours: Ours,
                                                          state_dir: Path) -> None:
    res = openclaw_peer.cli("agents", "add", "work", "--non-interactive", "--workspace",
                            str(state_dir.parent / "ws-work"))
    assert res.returncode == 0, res.stderr
    listed = json.loads(ours("agents", "list", "--json").stdout)["agents"]
    assert [a["id"] for a in listed][:2] == ["main", "work"]
    res = ours("agents", "add", "personal")
    assert res.returncode == 0, res.stderr
    theirs = json.loads(openclaw_peer.cli("agents", "list", "--json").stdout.strip()[
        openclaw_peer.cli("agents", "list", "--json").stdout.strip().index("["):])
    by_id = {a["id"]: a for a in theirs}
    assert set(by_id) == {"main", "work", "personal"}
    assert by_id["personal"]["agentDir"] == str(agent_paths("personal", state_dir).agent_dir)
    # OpenClaw knows the agent: its status for it works (it said `Unknown agent id` before).
    res = openclaw_peer.cli("models", "status", "--json", "--agent", "personal")
    assert res.returncode == 0 and "Unknown agent" not in res.stdout + res.stderr


def test_cooldowns_openclaw_wrote_show_in_our_status(openclaw_peer: OpenClawPeer, ours: Ours, state_dir: Path) -> None:
    _write(state_dir, {"openai:default": {"type": "api_key", "provider": "openai", "key": "sk-proj-x"},
                       "openai:spare": {"type": "api_key", "provider": "openai", "key": "sk-proj-y"}}, None)
    [ready] = [line for line in (openclaw_peer.bridge("mark-failures", "-", "openai:default", "billing", "1"))
               if "done" in line]
    assert ready == {"done": 1}
    doc = json.loads(ours("models", "status", "--json").stdout)
    rows = {p["id"]: p for prov in doc["providers"] for p in prov["profiles"]}
    assert rows["openai:default"]["unusable"] == "disabled" and rows["openai:default"]["unusableReason"] == "billing"
    assert rows["openai:default"]["position"] == 2 and rows["openai:spare"]["position"] == 1  # disabled go last
    text = ours("models", "status").stdout
    assert "disabled:billing" in text
