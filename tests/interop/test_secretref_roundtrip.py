"""SecretRefs we write are read by the real OpenClaw 2026.4.26 CLI (`models status --json`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from openclaw_onboard.core import profiles, secrets
from openclaw_onboard.core.secrets import Ref

KEY = "sk-or-v1-" + "0123456789abcdef" * 4


def _real_status(dist: dict[str, str], state, home, **extra: str) -> dict:
    env = {"PATH": dist["PATH"], "HOME": str(home), "OPENCLAW_STATE_DIR": str(state),
           "npm_config_offline": "true", "OPENCLAW_DISABLE_BUNDLED_PLUGINS": "1", "NO_COLOR": "1", **extra}
    res = subprocess.run(["openclaw", "models", "status", "--json"], env=env, capture_output=True, text=True,
                         timeout=120, cwd=str(home))
    assert res.returncode == 0, res.stderr[-2000:]
    return json.loads(res.stdout[res.stdout.index("{"):])


def test_env_file_and_exec_refs_round_trip_through_real_openclaw(_openclaw_dist, state_dir, tmp_path):
    home = os.environ["HOME"]
    (state_dir / "openclaw.json").write_text('{"gateway": {"mode": "local"}}\n')
    doc = tmp_path / "secrets.json"
    doc.write_text(json.dumps({"providers": {"groq": {"apiKey": "gsk_" + "x" * 40}}}))
    doc.chmod(0o600)
    resolver = tmp_path / "resolver"
    resolver.write_text(f"#!{sys.executable}\nimport json,sys\nreq=json.load(sys.stdin)\n"
                        "print(json.dumps({'protocolVersion':1,'values':{i:'t'*40 for i in req['ids']}}))\n")
    resolver.chmod(0o700)
    secrets.set_provider_config("filemain", {"source": "file", "path": str(doc), "mode": "json"})
    secrets.set_provider_config("vault", {"source": "exec", "command": str(resolver), "passEnv": ["HOME"],
                                          "jsonOnly": True, "timeoutMs": 5000})
    profiles.add_secret_ref("openrouter", Ref("env", "default", "MY_OR_KEY"))
    profiles.add_secret_ref("groq", Ref("file", "filemain", "/providers/groq/apiKey"))
    profiles.add_secret_ref("together", Ref("exec", "vault", "together/api-key"), kind="token")

    data = _real_status(_openclaw_dist, state_dir, home, MY_OR_KEY=KEY)
    labels = {label for prov in data["auth"]["providers"] for label in prov["profiles"]["labels"]}
    assert "openrouter:default=ref(env:MY_OR_KEY)" in labels
    assert "groq:default=ref(file:/providers/groq/apiKey)" in labels
    assert "together:manual=token:ref(exec:together/api-key)" in labels
    assert data["auth"]["unusableProfiles"] == []
    # Our own status agrees that all three resolve.
    from openclaw_onboard.core.status import agent_status

    rows = {p.profile_id: p for p in agent_status(env={"MY_OR_KEY": KEY}).profiles}
    assert {pid: (rows[pid].reason, rows[pid].ref) for pid in ("openrouter:default", "groq:default",
                                                                "together:manual")} == {
        "openrouter:default": (None, "env:default:MY_OR_KEY"),
        "groq:default": (None, "file:filemain:/providers/groq/apiKey"),
        "together:manual": (None, "exec:vault:together/api-key"),
    }
    assert KEY not in json.dumps(data)


def test_wizard_storage_plans_are_valid_openclaw_config(_openclaw_dist, state_dir, tmp_path):
    """What the wizard's "store as file/command" writes passes real OpenClaw's config validation."""
    home = os.environ["HOME"]
    (state_dir / "openclaw.json").write_text('{"gateway": {"mode": "local"}}\n')
    single = tmp_path / "openrouter.key"
    single.write_text(KEY + "\n")
    single.chmod(0o600)
    op = tmp_path / "op"
    op.write_text(f"#!{sys.executable}\nprint({KEY!r})\n")
    op.chmod(0o700)
    raw = json.loads((state_dir / "openclaw.json").read_text())
    file_plan = secrets.plan_file(str(single), "", raw)
    exec_plan = secrets.plan_exec(str(op), "read op://Private/OpenRouter/credential", "value", "HOME", raw)
    for plan, provider in ((file_plan, "openrouter"), (exec_plan, "deepseek")):
        assert secrets.preflight(plan, raw, {"HOME": home}) == KEY
        secrets.save_plan(plan)
        profiles.add_secret_ref(provider, plan.ref)
    data = _real_status(_openclaw_dist, state_dir, home)
    labels = {label for prov in data["auth"]["providers"] for label in prov["profiles"]["labels"]}
    assert labels == {"openrouter:default=ref(file:value)", "deepseek:default=ref(exec:value)"}
    config = json.loads((state_dir / "openclaw.json").read_text())
    assert config["secrets"]["providers"]["filemain"]["mode"] == "singleValue"
    assert config["secrets"]["providers"]["op"]["jsonOnly"] is False
