"""A config full of comments survives our write, and OpenClaw 2026.4.26 keeps our change.

Before, a rewrite dropped the comments; the file shrank and OpenClaw's read-time guard restored
its backup, silently undoing the change.
"""

from __future__ import annotations

import json
from pathlib import Path

import json5

from tests.interop.conftest import OpenClawPeer, Ours

TOKEN = "sk-or-v1-" + "0123456789abcdef" * 4

COMMENT_HEAVY = """\
// ==========================================================================
// OpenClaw gateway configuration, maintained by hand. Keep these notes!
// Every section below is explained, because future me will not remember.
// ==========================================================================
{
  // The gateway listens locally only; the reverse proxy terminates TLS.
  gateway: {
    mode: "local",   // local | remote
    port: 18789,     // the proxy forwards here
  },
  /*
   * Agents: the default model for every agent. OpenRouter keeps costs visible
   * per project, which is why it is the default here and not a direct key.
   */
  agents: {
    defaults: {
      model: "openrouter/anthropic/claude-sonnet-4", // cheap and good
    },
  },
  // Auth routing: profiles are added by the onboarding tool.
  auth: {
    profiles: {},
  },
  meta: { lastTouchedVersion: "2026.4.26", lastTouchedAt: "2026-11-01T00:00:00.000Z" },
}
"""


def test_comments_survive_and_openclaw_keeps_our_change(openclaw_peer: OpenClawPeer, ours: Ours,
                                                       state_dir: Path) -> None:
    config = state_dir / "openclaw.json"
    config.write_text(COMMENT_HEAVY)
    config.chmod(0o600)
    first = openclaw_peer.cli("config", "get", "gateway.mode")
    assert first.returncode == 0 and "local" in first.stdout, first.stderr

    res = ours("models", "auth", "paste-token", "--provider", "openrouter", input=TOKEN)
    assert res.returncode == 0, res.stderr
    text = config.read_text()
    for line in COMMENT_HEAVY.splitlines():
        if line.strip().startswith(("//", "/*", "*")):
            assert line in text  # every comment is still there, verbatim
    assert json5.loads(text)["auth"]["profiles"]["openrouter:manual"] == {"provider": "openrouter", "mode": "token"}

    # OpenClaw reads it, keeps it (no backup restored), and sees our profile.
    got = openclaw_peer.cli("config", "get", "auth.profiles")
    assert got.returncode == 0, got.stderr
    assert "openrouter:manual" in got.stdout
    assert "openrouter:manual" in config.read_text()
    status = openclaw_peer.cli("models", "status", "--json", "--check")
    doc = json.loads(status.stdout[status.stdout.index("{"):])
    assert status.returncode == 0, status.stdout[-1000:]
    assert doc["auth"]["missingProvidersInUse"] == []
    assert "openrouter:manual" in config.read_text()
    assert (state_dir / "openclaw.json.bak").exists()  # our write kept the previous file, as OpenClaw does


OP = {"source": "exec", "command": "/usr/bin/op", "args": ["read", "op://Personal/x/credential"],
      "passEnv": ["HOME"], "jsonOnly": False}


def test_a_provider_added_beside_included_secrets_is_read_by_openclaw_as_intended(
        openclaw_peer: OpenClawPeer, state_dir: Path) -> None:
    """`secrets` comes from an $include: the wizard's new `op` provider goes into the included file. Written
    beside the include, OpenClaw would merge the two `op`s into one command with 4 args and 2 passEnv."""
    from openclaw_onboard.core import config, secrets

    root = '{\n  gateway: { mode: "local" },\n  secrets: { $include: "./secrets.json5" },\n}\n'
    (state_dir / "openclaw.json").write_text(root)
    (state_dir / "secrets.json5").write_text("// secrets live here\n{ providers: { op: " + json.dumps(OP) + " } }\n")
    raw = config.load_config().raw
    assert secrets.plan_exec("/usr/bin/op", "read op://Personal/x/credential", "", "HOME", raw).ref.provider == "op"
    plan = secrets.plan_exec("/usr/bin/op", "read op://Work/y/credential", "", "HOME", raw)
    secrets.save_plan(plan)
    assert (state_dir / "openclaw.json").read_text() == root

    got = openclaw_peer.cli("config", "get", "secrets.providers", "--json")
    assert got.returncode == 0, got.stderr
    providers = json.loads(got.stdout[got.stdout.index("{"):])  # values are redacted; the shapes are not
    assert sorted(providers) == ["op", plan.ref.provider]
    for alias in providers:
        assert len(providers[alias]["args"]) == 2 and len(providers[alias]["passEnv"]) == 1


def test_openclaw_reads_the_strict_json_left_after_the_last_profile_is_removed(
        openclaw_peer: OpenClawPeer, ours: Ours, state_dir: Path) -> None:
    config = state_dir / "openclaw.json"
    config.write_text(json.dumps({"gateway": {"mode": "local"}, "auth": {"profiles": {}}}, indent=2) + "\n")
    config.chmod(0o600)
    for provider, token in (("openrouter", TOKEN), ("groq", "gsk_" + "RecognisableGroqKey0123456789" * 2)):
        res = ours("models", "auth", "paste-token", "--provider", provider, input=token)
        assert res.returncode == 0, res.stderr
    res = ours("models", "auth", "remove", "--profile-id", "groq:manual", "--yes")
    assert res.returncode == 0, res.stderr
    assert json.loads(config.read_text())["auth"]["profiles"] == {
        "openrouter:manual": {"provider": "openrouter", "mode": "token"}}
    got = openclaw_peer.cli("config", "get", "auth.profiles", "--json")
    assert got.returncode == 0, got.stderr
    assert "openrouter:manual" in got.stdout and "groq:manual" not in got.stdout
