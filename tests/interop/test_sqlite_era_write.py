"""Our writes on a state dir the real OpenClaw 2026.9.6 made (the SQLite era), proven with 9.6 itself: it reads
every change of ours and stays healthy (no AUTH_PROFILE_MIGRATION_REQUIRED), and its own writer
(upsertAuthProfileWithLock: its transactions and state-lifecycle coordinator) beside 60 writer processes of ours
loses nothing, on either side."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.interop.conftest import OpenClawPeer, Ours

KEY = "sk-or-v1-" + "0123456789abcdef" * 3
OURS = "sk-or-v1-" + "fedcba9876543210" * 3
WRITER = Path(__file__).with_name("oc96_writer.mjs")
ROOT = Path(__file__).resolve().parents[2]


def _json(res: subprocess.CompletedProcess[str]) -> dict:
    assert res.returncode == 0, res.stdout[-1500:] + res.stderr[-1500:]
    assert "AUTH_PROFILE_MIGRATION_REQUIRED" not in res.stdout + res.stderr
    return json.loads(res.stdout[res.stdout.index("{"):])


def _listed(peer: OpenClawPeer, *agent: str) -> set[str]:
    return {p["id"] for p in _json(peer.cli("models", "auth", "list", "--json", *agent))["profiles"]}


def _upsert_chunk(dist: Path) -> tuple[Path, str]:
    """9.6's bundled module exporting upsertAuthProfileWithLock, and the name it exports it under."""
    for path in sorted(dist.glob("profiles-*.mjs")):
        found = re.search(r"upsertAuthProfileWithLock as (\w+)\b", path.read_text())
        if found:
            return path, found.group(1)
    raise AssertionError(f"no upsertAuthProfileWithLock export in {dist}")


def test_9_6_reads_every_write_of_ours_and_stays_healthy(openclaw96: OpenClawPeer, ours: Ours, state_dir: Path,
                                                         tmp_path: Path) -> None:
    steps = [
        (("models", "auth", "paste-token", "--provider", "openrouter"), KEY + "\n"),
        (("agents", "add", "work", "--non-interactive", "--workspace", str(tmp_path / "ws")), None),
        # 9.6 makes an agent's database on its first auth change for it: an order set, then cleared.
        (("models", "auth", "order", "set", "--provider", "openrouter", "--agent", "work", "openrouter:manual"), None),
        (("models", "auth", "order", "clear", "--provider", "openrouter", "--agent", "work"), None),
    ]
    for args, stdin in steps:
        res = openclaw96.cli(*args, input=stdin)
        assert res.returncode == 0, (args, res.stdout[-1000:], res.stderr[-1000:])
    check_before = openclaw96.cli("models", "status", "--check").returncode

    for args, stdin in [
        (("models", "auth", "paste-token", "--provider", "openrouter", "--profile-id", "openrouter:ours"), OURS),
        (("models", "auth", "api-key", "--provider", "openrouter", "--agent", "work", "--profile-id",
          "openrouter:work"), OURS),
        (("models", "auth", "order", "set", "--provider", "openrouter", "openrouter:ours", "openrouter:manual"), ""),
        (("models", "auth", "order", "set", "--provider", "openrouter", "--agent", "work", "openrouter:work",
          "openrouter:manual"), ""),
    ]:
        res = ours(*args, input=stdin + "\n" if stdin else "")
        assert res.returncode == 0, (args, res.stderr)
    assert not list(state_dir.rglob("auth-profiles.json")) and not list(state_dir.rglob("auth-state.json"))

    assert _listed(openclaw96) == {"openrouter:manual", "openrouter:ours"}
    theirs_work = _json(openclaw96.cli("models", "auth", "list", "--json", "--agent", "work"))
    assert {"openrouter:work", "openrouter:manual"} <= {p["id"] for p in theirs_work["profiles"]}
    # `models auth list --json` in 9.6's layout, key for key, on the same dir.
    assert json.loads(ours("models", "auth", "list", "--json", "--agent", "work").stdout) == theirs_work
    order = _json(openclaw96.cli("models", "auth", "order", "get", "--provider", "openrouter", "--json"))
    assert order["order"] == ["openrouter:ours", "openrouter:manual"]
    work = _json(openclaw96.cli("models", "auth", "order", "get", "--provider", "openrouter", "--agent", "work",
                                "--json"))
    assert work["order"] == ["openrouter:work", "openrouter:manual"]
    after = openclaw96.cli("models", "status", "--check")
    assert "AUTH_PROFILE_MIGRATION_REQUIRED" not in after.stdout + after.stderr
    assert after.returncode == check_before

    # And back: what 9.6 writes after us, we read.
    res = openclaw96.cli("models", "auth", "logout", "openrouter:ours", "--yes", "--agent", "main")
    assert res.returncode == 0, res.stdout[-1000:] + res.stderr[-1000:]
    mine = json.loads(ours("models", "status", "--json").stdout)
    assert [p["id"] for prov in mine["providers"] for p in prov["profiles"]] == ["openrouter:manual"]
    assert OURS not in json.dumps(mine)


OUR_WRITER = """
import sys
from pathlib import Path
from openclaw_onboard.core import store
from openclaw_onboard.core.models import ApiKeyCredential
pid = sys.argv[2]
def mutate(s):
    s.profiles[pid] = ApiKeyCredential(provider="openrouter", key="sk-or-v1-" + "c" * 48)
store.update(mutate, "main", Path(sys.argv[1]), timeout=120)
"""


def test_no_write_is_lost_between_9_6s_writer_and_sixty_of_ours(openclaw96: OpenClawPeer, ours: Ours,
                                                                  state_dir: Path) -> None:
    made = openclaw96.cli("models", "auth", "paste-token", "--provider", "openrouter", input=KEY + "\n")
    assert made.returncode == 0, made.stderr[-2000:]
    chunk, name = _upsert_chunk(openclaw96.peers.dist)
    theirs_n = 150
    theirs = subprocess.Popen([str(openclaw96.peers.node), str(WRITER), str(chunk), name, str(theirs_n),
                               "openrouter:theirs"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=openclaw96.env, cwd=openclaw96.home)
    assert theirs.stdout is not None
    assert json.loads(theirs.stdout.readline() or "{}").get("ready"), theirs.stderr.read() if theirs.stderr else ""
    env = dict(ours.env)
    procs = [subprocess.Popen([sys.executable, "-c", OUR_WRITER, str(state_dir), f"openrouter:ours{i}"],
                              stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT) for i in range(60)]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    out, err = theirs.communicate(timeout=300)
    assert theirs.returncode == 0, out[-1000:] + err[-1000:]
    assert all(p.returncode == 0 for p in procs), [e[-500:] for e in errors if e][:3]
    expected = {"openrouter:manual"} | {f"openrouter:theirs{i}" for i in range(theirs_n)} | \
        {f"openrouter:ours{i}" for i in range(60)}
    assert _listed(openclaw96) == expected
    mine = json.loads(ours("models", "status", "--json").stdout)
    assert {p["id"] for prov in mine["providers"] for p in prov["profiles"]} == expected


def test_check_exit_codes_agree_with_9_6_route_by_route(openclaw96: OpenClawPeer, ours: Ours,
                                                         state_dir: Path) -> None:
    """9.4+'s `--check` judges only the profile each in-use route selects: an expired profile beside a good one
    passes, the same profile alone fails. Ours answers as 9.6 on its own dir, each time. (9.6 needs its bundled
    openrouter plugin to judge an openrouter route: without it every route is "indeterminate".)"""
    from openclaw_onboard.core import store
    from openclaw_onboard.core.models import TokenCredential

    env = {k: v for k, v in openclaw96.env.items() if k != "OPENCLAW_DISABLE_BUNDLED_PLUGINS"}
    for args, stdin in [(("models", "auth", "paste-token", "--provider", "openrouter"), KEY + "\n"),
                        (("models", "set", "openrouter/auto"), None)]:
        res = openclaw96.cli(*args, input=stdin, env=env)
        assert res.returncode == 0, (args, res.stdout[-1000:], res.stderr[-1000:])

    def expired(s):
        s.profiles["openrouter:old"] = TokenCredential(provider="openrouter", token=OURS, expires=1000)
    store.update(expired, "main", state_dir)
    codes = []
    for step in ("beside a good one", "alone"):
        if step == "alone":
            res = openclaw96.cli("models", "auth", "logout", "openrouter:manual", "--yes", env=env)
            assert res.returncode == 0, res.stdout[-1000:] + res.stderr[-1000:]
        theirs = openclaw96.cli("models", "status", "--check", env=env)
        assert "AUTH_PROFILE_MIGRATION_REQUIRED" not in theirs.stdout + theirs.stderr
        codes.append((step, ours("models", "status", "--check").returncode, theirs.returncode))
    assert [(step, o) for step, o, _t in codes] == [(step, t) for step, _o, t in codes]
    assert [o for _s, o, _t in codes] == [0, 1]


def test_an_agent_we_add_is_9_6s_agent_and_takes_credentials_once_9_6_made_its_database(
        openclaw96: OpenClawPeer, ours: Ours, state_dir: Path) -> None:
    made = openclaw96.cli("models", "auth", "paste-token", "--provider", "openrouter", input=KEY + "\n")
    assert made.returncode == 0, made.stderr[-2000:]
    res = ours("agents", "add", "work")
    assert res.returncode == 0, res.stderr
    listed = openclaw96.cli("agents", "list", "--json")
    assert listed.returncode == 0, listed.stdout[-1000:] + listed.stderr[-1000:]
    agents = json.loads(listed.stdout[listed.stdout.index("["):])
    (work,) = [a for a in agents if a["id"] == "work"]
    assert work["agentDir"].replace("~", str(openclaw96.home), 1) == str(state_dir / "agents" / "work" / "agent")
    refused = ours("models", "auth", "paste-token", "--provider", "openrouter", "--agent", "work", input=OURS + "\n")
    assert refused.returncode == 1 and "no OpenClaw database yet" in refused.stderr
    for args in (("models", "auth", "order", "set", "--agent", "work", "--provider", "openrouter",
                  "openrouter:manual"), ("models", "auth", "order", "clear", "--agent", "work", "--provider",
                                         "openrouter")):
        res = openclaw96.cli(*args)  # the command our refusal names: 9.6 makes work's database
        assert res.returncode == 0, res.stdout[-1000:] + res.stderr[-1000:]
    res = ours("models", "auth", "paste-token", "--provider", "openrouter", "--agent", "work", "--profile-id",
               "openrouter:work", input=OURS + "\n")
    assert res.returncode == 0, res.stderr
    assert "openrouter:work" in _listed(openclaw96, "--agent", "work")
    assert not list(state_dir.rglob("auth-profiles.json"))
