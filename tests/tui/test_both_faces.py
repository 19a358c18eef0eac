"""Every user action through both faces with the same inputs: the `openclaw` command (a real subprocess) and
the wizard (Textual Pilot). Both call core.usecases, so they must leave the same files, byte for byte, and
give the same verdict (saved or not, the same reason, the same notes).

Actions: add a credential (each kind, refs, refusals), reuse the Claude/Codex CLI login, add an agent, remove,
set and clear an order, refresh, the Codex browser login against the real loopback OAuth server (the tokens it
mints differ per login: compared by name, and checked to be the server's), and undo (the dashboard's only; it
must give back the files byte for byte).

Each case starts from the same state, runs one face, snapshots every file of the state dir (and the home's
CLI logins are only read), wipes the state and runs the other face.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from tests.cli.conftest import OPENCLAW_CMD, ROOT, Result, base_env, check_invariants
from tests.conftest import ANTHROPIC_SETUP_TOKEN, OPENROUTER_TOKEN
from tests.tui.conftest import FROZEN_NOW_MS, wait_for, wait_for_screen

OP_SECRET_ARGS = "read op://Private/OpenRouter/credential"
REF_HINT = ". Nothing saved (fix it, or pass --no-preflight to store the ref anyway)"  # the CLI's words around it


# ---- the two faces


def run_cli(state: Path, home: Path, args: list[str], stdin: str = "", env: dict[str, str] | None = None) -> Result:
    full_env = {**base_env(state, home, FROZEN_NOW_MS), **(env or {})}
    proc = subprocess.run([*OPENCLAW_CMD, *args], input=stdin, capture_output=True, text=True, env=full_env,
                          timeout=60, cwd=ROOT)
    res = Result(proc.returncode, proc.stdout, proc.stderr)
    check_invariants(res, tuple(args))
    return res


@dataclass
class Verdict:
    saved: bool
    reason: str = ""  # why nothing was saved
    notes: tuple[str, ...] = ()


def cli_verdict(res: Result) -> Verdict:
    notes = tuple(line.removeprefix("Note: ") for line in res.err_lines if line.startswith("Note: "))
    if res.rc == 0:
        return Verdict(True, notes=notes)
    reason = res.err_lines[-1].removeprefix("openclaw: ")
    return Verdict(False, reason.removesuffix(REF_HINT), notes)


def snapshot(state: Path) -> dict[str, bytes]:
    """Every file the action left (locks are bookkeeping, not what was saved)."""
    return {str(p.relative_to(state)): p.read_bytes() for p in sorted(state.rglob("*"))
            if p.is_file() and p.relative_to(state).parts[0] != "locks"}


def wipe(state: Path) -> None:
    for child in state.iterdir():
        shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()


# ---- credentials: one table of inputs for both faces


@dataclass
class Cred:
    kind: str
    provider: str = ""
    profile: str = ""
    secret: str = ""
    expires: str = ""
    write_env: bool = False
    store_as: str = ""  # "", "env", "file", "exec"
    ref: dict[str, str] = field(default_factory=dict)  # env_var / path / pointer / command / args

    def cli_args(self) -> list[str]:
        args = ["models", "auth", self.kind]
        if self.kind != "setup-token":
            args += ["--provider", self.provider]
        args += ["--profile-id", self.profile] if self.profile else []
        args += ["--expires-in", self.expires] if self.expires else []
        args += ["--write-env"] if self.write_env else []
        if self.store_as == "env":
            args += ["--ref-env", self.ref["env_var"]]
        elif self.store_as == "file":
            args += ["--ref-file", self.ref["path"], "--ref-pointer", self.ref["pointer"]]
        elif self.store_as == "exec":
            args += ["--ref-exec", self.ref["command"], f"--ref-args={self.ref['args']}"]
        return args


CREDENTIALS = {
    "paste-token with a name and an expiry": Cred("paste-token", "openrouter", "work", OPENROUTER_TOKEN, "30d"),
    "setup-token": Cred("setup-token", secret=ANTHROPIC_SETUP_TOKEN, expires="365d"),
    "api-key, also in .env": Cred("api-key", "openrouter", secret=OPENROUTER_TOKEN, write_env=True),
    "api-key replacing a token profile by name": Cred("api-key", "openrouter", "manual", OPENROUTER_TOKEN),
    "a mistyped provider: saved, with a did-you-mean": Cred("paste-token", "opnerouter", secret=OPENROUTER_TOKEN),
    "a cut-off OpenRouter token: refused": Cred("paste-token", "openrouter", secret="sk-or-v1-abc"),
    "an Anthropic token that is no setup-token: refused": Cred("paste-token", "anthropic",
                                                               secret="sk-ant-api03-" + "x" * 80),
    "an env ref": Cred("api-key", "openrouter", store_as="env", ref={"env_var": "MY_OR_KEY"}),
    "an env ref that does not resolve: refused": Cred("paste-token", "openrouter", store_as="env",
                                                      ref={"env_var": "NOT_SET_ANYWHERE"}),
    "a file ref with its secrets provider": Cred("paste-token", "openrouter", "vault", store_as="file",
                                                 ref={"path": "", "pointer": "/openrouter/key"}),
    "an exec ref with its secrets provider": Cred("api-key", "openrouter", store_as="exec",
                                                  ref={"command": "", "args": OP_SECRET_ARGS}),
}


def prepare(state: Path, make_agent: Callable[..., Any], tmp_path: Path) -> dict[str, str]:
    """The starting point of every credential case: the example store and JSON5 config (with comments), a
    secrets file and a resolver command. Returns what the ref fields point at."""
    make_agent(config=True)
    secrets_file = tmp_path / "secrets" / "openrouter.json"
    op = tmp_path / "bin" / "op"
    if not op.exists():
        secrets_file.parent.mkdir(mode=0o700)
        secrets_file.write_text(json.dumps({"openrouter": {"key": OPENROUTER_TOKEN}}))
        secrets_file.chmod(0o600)
        op.parent.mkdir()
        op.write_text(f"#!{sys.executable}\nprint({OPENROUTER_TOKEN!r})\n")
        op.chmod(0o700)
    return {"path": str(secrets_file), "command": str(op)}


async def wizard_credential(make_app: Callable[..., Any], case: Cred) -> Verdict:
    app = make_app(agent_id="main")
    async with app.run_test(size=(120, 40)) as pilot:
        app.goto(case.kind)
        screen = await wait_for_screen(pilot, "TokenPasteScreen")
        if case.kind != "setup-token":
            screen.query_one("#provider").value = case.provider
        screen.query_one("#profile").value = case.profile
        if case.store_as:
            screen.query_one(f"#store-{case.store_as}").value = True
            await pilot.pause()
            fields = {"env_var": "#ref-env", "path": "#ref-file-path", "pointer": "#ref-file-id",
                      "command": "#ref-cmd", "args": "#ref-args"}
            for name, value in case.ref.items():
                screen.query_one(fields[name]).value = value
        else:
            screen.query_one("#secret").value = case.secret
        if case.expires:
            screen.query_one("#expires").value = case.expires
        if case.write_env:
            screen.query_one("#write-env").value = True
        await pilot.pause()
        form = screen.revalidate()
        if not form.valid:  # refused while typing: the field's reason, nothing to save
            bad = next(c for c in form.fields if not c.ok)
            return Verdict(False, bad.reason or bad.message, form.notes)
        await pilot.press("ctrl+s")
        if app.screen is not screen and type(app.screen).__name__ == "ConfirmScreen":  # replacing: yes
            await pilot.press("y")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "DashboardScreen"
                       or str(screen.query_one("#save-error", Static).render()).startswith("✗"),
                       what="saved or refused")
        notes = tuple(n.message for n in app._notifications if n.severity == "warning")
        if type(app.screen).__name__ == "DashboardScreen":
            return Verdict(True, notes=notes)
        error = str(screen.query_one("#save-error", Static).render())
        return Verdict(False, error.removeprefix("✗ Not saved: ").removesuffix(". Fix it and save again."), notes)


@pytest.mark.parametrize("name", list(CREDENTIALS))
async def test_adding_a_credential(name, make_app, make_agent, state_dir, tmp_path, tui_env):
    case = CREDENTIALS[name]
    home = Path(tui_env["HOME"])
    env = {"MY_OR_KEY": OPENROUTER_TOKEN}
    tui_env.update(env)

    where = prepare(state_dir, make_agent, tmp_path)
    case = replace(case, ref={k: (where[k] if k in where and not v else v) for k, v in case.ref.items()})
    res = run_cli(state_dir, home, case.cli_args(), stdin=case.secret, env=env)
    by_cli, cli_files = cli_verdict(res), snapshot(state_dir)

    wipe(state_dir)
    prepare(state_dir, make_agent, tmp_path)
    by_wizard, wizard_files = await wizard_credential(make_app, case), snapshot(state_dir)

    assert by_cli == by_wizard, (res, by_wizard)
    assert cli_files == wizard_files
    expect_saved = "refused" not in name
    assert by_cli.saved is expect_saved
    assert bool(by_cli.notes) is ("did-you-mean" in name)
    wipe(state_dir)
    prepare(state_dir, make_agent, tmp_path)
    # Refused: nothing written at all, the store and the config are as prepared. Saved: both changed.
    assert (snapshot(state_dir) == cli_files) is not expect_saved


# ---- the other actions


@dataclass
class Action:
    cli: list[str]
    wizard: Callable[[Any, Any], Awaitable[None]]  # (app, pilot): drive the wizard to the same result
    setup: Callable[[Any, Path], None] = lambda make_agent, state: make_agent(config=True)
    start: dict[str, Any] = field(default_factory=lambda: {"agent_id": "main"})
    done: Callable[[Path], bool] = lambda state: True  # when the wizard's background write has landed
    # What the wizard said: saved, or refused and why (the dashboard's message line).
    verdict: Callable[[Any], Verdict] = lambda app: Verdict(True)
    saved: bool = True  # the verdict both faces must give


def dashboard_verdict(app: Any) -> Verdict:
    """The dashboard's message: "Could not <do> <what>: <reason>" when the use case saved nothing."""
    text = str(app.screen.message or "")
    if text.startswith("Could not "):
        return Verdict(False, text.split(": ", 1)[1])
    return Verdict(True)


async def _choose(pilot: Any, choice_id: str) -> None:
    from textual.widgets import OptionList

    screen = await wait_for_screen(pilot, "AuthChoiceScreen")
    choices = screen.query_one("#choices", OptionList)
    ids = [choices.get_option_at_index(i).id for i in range(choices.option_count)]
    choices.highlighted = ids.index(choice_id)
    await pilot.press("enter")
    await wait_for_screen(pilot, "ConfirmScreen")
    await pilot.press("y")


async def reuse_claude(app: Any, pilot: Any) -> None:
    await _choose(pilot, "claude-cli")
    await wait_for_screen(pilot, "DashboardScreen")


async def reuse_codex(app: Any, pilot: Any) -> None:
    await _choose(pilot, "codex-cli")
    await wait_for_screen(pilot, "DashboardScreen")


async def add_agent(app: Any, pilot: Any) -> None:
    screen = await wait_for_screen(pilot, "AgentSelectScreen")
    await pilot.press("a")
    await wait_for(pilot, lambda: screen.query("#agent-name") and screen.query_one("#add-form").display)
    await pilot.press(*"work")
    screen.query_one("#copy-from").value = "main"
    await pilot.click("#add-create")
    await wait_for(pilot, lambda: not screen.query_one("#add-form").display, what="the agent made")


async def remove(app: Any, pilot: Any) -> None:
    await _on_the_dashboard("openai:default", "d")(app, pilot)
    await wait_for_screen(pilot, "ConfirmScreen")
    await pilot.press("y")
    await wait_for_screen(pilot, "DashboardScreen")


def _on_the_dashboard(profile_id: str, *keys: str) -> Callable[[Any, Any], Awaitable[None]]:
    """Open the dashboard on `profile_id`'s row and press `keys` there."""

    async def drive(app: Any, pilot: Any) -> None:
        await wait_for_screen(pilot, "AuthChoiceScreen")
        app.show_dashboard("main", highlight=profile_id)
        dashboard = await wait_for_screen(pilot, "DashboardScreen")
        await wait_for(pilot, lambda: dashboard.current_key() == profile_id, what="the highlighted row")
        await pilot.press(*keys)

    return drive


def _store(state: Path) -> dict[str, Any]:
    return json.loads((state / "agents" / "main" / "agent" / "auth-profiles.json").read_text())


def _order(state: Path) -> list[str] | None:
    """The override as OpenClaw reads it (auth-state.json beside the store holds it)."""
    from openclaw_onboard.core import order as order_mod
    from openclaw_onboard.core import store as store_mod

    return order_mod.override_order(store_mod.load("main", state).store, "anthropic")


def _three_anthropic(order: list[str] | None = None) -> Callable[[Any, Path], None]:
    """Three anthropic tokens; an override `order` is in auth-state.json, where OpenClaw 4.26 (and our
    writer) keeps it."""
    from tests.tui.test_dashboard import three_anthropic_store

    store = three_anthropic_store()
    state = {"version": 1, "order": {"anthropic": order}} if order else False
    return lambda make_agent, _state: make_agent(store=store, auth_state=state, config=True)


CLAUDE_CLI_PROFILE = {"type": "oauth", "provider": "claude-cli", "access": "sk-ant-oat01-old-" + "o" * 60,
                      "refresh": "sk-ant-ort01-old", "expires": FROZEN_NOW_MS - 1000}


def _store_lacks(profile_id: str) -> Callable[[Path], bool]:
    def lacks(state: Path) -> bool:
        store = json.loads((state / "agents" / "main" / "agent" / "auth-profiles.json").read_text())
        return profile_id not in store["profiles"]
    return lacks


def _config_to_halve(make_agent: Any, state: Path) -> None:
    """openclaw.json is mostly the entry of the profile removed: removing it would halve the file, which
    the config writer refuses (as OpenClaw's own guard would restore its backup), so nothing is written."""
    note = "kept by hand " * 60
    make_agent(config={"auth": {"profiles": {"openai:default": {"provider": "openai", "mode": "api_key",
                                                                  "note": note}}}})


async def refused_remove(app: Any, pilot: Any) -> None:
    await remove(app, pilot)
    await wait_for(pilot, lambda: str(app.screen.message or "").startswith("Could not "), what="the refusal")


ACTIONS = {
    "reuse the Claude CLI login": Action(["models", "auth", "login", "--provider", "anthropic", "--method", "cli"],
                                         reuse_claude),
    "reuse the Codex CLI login": Action(["models", "auth", "login", "--provider", "openai-codex", "--method", "cli"],
                                        reuse_codex, setup=lambda make_agent, state: make_agent(
                                            store={"version": 1, "profiles": {}}, config=True)),
    "add an agent with main's profiles": Action(["agents", "add", "work", "--copy-auth-from", "main"], add_agent,
                                                start={}),
    "remove a profile": Action(["models", "auth", "remove", "--profile-id", "openai:default", "--yes"], remove,
                               done=_store_lacks("openai:default"), verdict=dashboard_verdict),
    "remove a profile when openclaw.json would halve: refused": Action(
        ["models", "auth", "remove", "--profile-id", "openai:default", "--yes"], refused_remove,
        setup=_config_to_halve, verdict=dashboard_verdict, saved=False),
    "set an order": Action(["models", "auth", "order", "set", "--provider", "anthropic", "anthropic:b", "anthropic:a",
                            "anthropic:c"], _on_the_dashboard("anthropic:a", "J"), setup=_three_anthropic(),
                           done=lambda state: _order(state) == ["anthropic:b", "anthropic:a", "anthropic:c"],
                           verdict=dashboard_verdict),
    "clear an order": Action(["models", "auth", "order", "clear", "--provider", "anthropic"],
                             _on_the_dashboard("anthropic:a", "c"),
                             setup=_three_anthropic(["anthropic:c", "anthropic:a"]),
                             done=lambda state: _order(state) is None, verdict=dashboard_verdict),
    "refresh a reused Claude CLI login": Action(
        ["models", "auth", "refresh", "--profile-id", "anthropic:claude-cli", "--force"],
        _on_the_dashboard("anthropic:claude-cli", "r"),
        setup=lambda make_agent, state: make_agent(store={"version": 1, "profiles": {
            "anthropic:claude-cli": CLAUDE_CLI_PROFILE}}, config=True),
        done=lambda state: _store(state)["profiles"]["anthropic:claude-cli"]["access"] != CLAUDE_CLI_PROFILE["access"]),
}


@pytest.mark.parametrize("name", list(ACTIONS))
async def test_action(name, make_app, make_agent, state_dir, tui_env, claude_cli_home, codex_cli_home):
    action = ACTIONS[name]
    home = Path(tui_env["HOME"])
    action.setup(make_agent, state_dir)
    before = snapshot(state_dir)
    res = run_cli(state_dir, home, action.cli)
    by_cli, cli_files = cli_verdict(res), snapshot(state_dir)

    wipe(state_dir)
    action.setup(make_agent, state_dir)
    app = make_app(**action.start)
    async with app.run_test(size=(120, 40)) as pilot:
        await action.wizard(app, pilot)
        await wait_for(pilot, lambda: action.done(state_dir), what="the write")
        await app.workers.wait_for_complete()
        by_wizard = action.verdict(app)
    assert snapshot(state_dir) == cli_files
    assert (by_cli.saved, by_cli.reason) == (by_wizard.saved, by_wizard.reason), (res, by_wizard)
    assert by_cli.saved is action.saved
    assert (cli_files == before) is not action.saved  # refused: not a byte written


# ---- undo: the dashboard's (the CLI has no undo); it puts the files back byte for byte


def _no_backups(files: dict[str, bytes]) -> dict[str, bytes]:
    """`.bak` copies are the history of openclaw.json's edits, not its state."""
    return {name: data for name, data in files.items() if ".bak" not in name}


UNDOS = {
    "undo a removal": (_three_anthropic(), "anthropic:b", ("d", "y")),
    "undo a removal with an override order": (_three_anthropic(["anthropic:c", "anthropic:b", "anthropic:a"]),
                                              "anthropic:b", ("d", "y")),
    "undo an order set": (_three_anthropic(), "anthropic:a", ("J",)),
    "undo an order clear": (_three_anthropic(["anthropic:c", "anthropic:a"]), "anthropic:a", ("c",)),
}


@pytest.mark.parametrize("name", list(UNDOS))
async def test_undo(name, make_app, make_agent, state_dir):
    setup, profile_id, keys = UNDOS[name]
    setup(make_agent, state_dir)
    before = snapshot(state_dir)
    app = make_app(agent_id="main")
    async with app.run_test(size=(120, 40)) as pilot:
        await _on_the_dashboard(profile_id, *keys)(app, pilot)
        dashboard = await wait_for_screen(pilot, "DashboardScreen")
        await wait_for(pilot, lambda: dashboard.undo_stack and not dashboard.saving_order, what="the change")
        await app.workers.wait_for_complete()
        changed = snapshot(state_dir)
        await pilot.press("u")
        await wait_for(pilot, lambda: not dashboard.undo_stack, what="the undo")
        await app.workers.wait_for_complete()
        assert dashboard_verdict(app) == Verdict(True) and "Undone" in str(dashboard.message)
    assert _no_backups(changed) != _no_backups(before)
    assert _no_backups(snapshot(state_dir)) == _no_backups(before)


# ---- OAuth: the Codex browser login against the real loopback OAuth server (tests/support/oauth_server.py)


def _normalised(files: dict[str, bytes], state: Path, profile_id: str) -> dict[str, bytes]:
    """The files with the values the server minted for this login (tokens; the expiry, from the real clock)
    replaced by their names: each login gets fresh ones, everything else must be equal byte for byte."""
    cred = _store(state)["profiles"][profile_id]
    out = {}
    for name, data in files.items():
        for field_name in ("access", "refresh", "idToken"):
            if isinstance(cred.get(field_name), str):
                data = data.replace(cred[field_name].encode(), f"<{field_name}>".encode())
        out[name] = data.replace(str(cred["expires"]).encode(), b"<expires>")
    return out


async def test_codex_browser_login(make_app, make_agent, state_dir, tui_env, srv, tmp_path):
    """`openclaw models auth login --provider openai-codex` and the wizard's Codex login, each with a browser
    (BROWSER follows the redirects, as a person approving would) and the callback on a loopback port."""
    import time

    from tests.support.oauth_server import free_port

    srv.configure(email="me@example.com", account_id="acc_0123456789")
    pid = "openai-codex:me@example.com"
    home = Path(tui_env["HOME"])

    def fresh(cred: dict[str, Any], since_ms: int) -> None:  # the server's tokens, the server's lifetime
        assert srv.is_active_refresh(cred["refresh"])
        assert since_ms + 3_500_000 <= cred["expires"] <= int(time.time() * 1000) + 3_700_000

    make_agent(config=True)
    env = srv.login_env(port=free_port(), base=base_env(state_dir, home, None), DISPLAY="")
    started = int(time.time() * 1000)
    proc = subprocess.run([*OPENCLAW_CMD, "models", "auth", "login", "--provider", "openai-codex"], input="",
                          capture_output=True, text=True, env=env, timeout=60, cwd=ROOT)
    res = Result(proc.returncode, proc.stdout, proc.stderr)
    check_invariants(res, ("login",))
    by_cli = cli_verdict(res)
    assert f"Logged in: saved {pid}" in res.out, res
    fresh(_store(state_dir)["profiles"][pid], started)
    cli_files = _normalised(snapshot(state_dir), state_dir, pid)

    wipe(state_dir)
    make_agent(config=True)
    env = srv.login_env(port=free_port(), base=tui_env, DISPLAY="")
    env.pop("WAYLAND_DISPLAY", None)
    started = int(time.time() * 1000)
    app = make_app(agent_id="main", env=env, open_browser=True)
    async with app.run_test(size=(120, 40)) as pilot:
        app.goto("codex")
        screen = await wait_for_screen(pilot, "CodexLoginScreen")
        await wait_for(pilot, lambda: screen.phase in ("saved", "error"), what="the login")
        by_wizard = Verdict(screen.phase == "saved", screen.error or "")
        await pilot.press("enter")  # done: on to the dashboard
        await wait_for_screen(pilot, "DashboardScreen")
        await app.workers.wait_for_complete()
    assert app.saved_profiles == [pid]
    fresh(_store(state_dir)["profiles"][pid], started)
    assert by_cli == by_wizard == Verdict(True)
    assert _normalised(snapshot(state_dir), state_dir, pid) == cli_files
